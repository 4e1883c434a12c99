"""GET /api/v1/audit (admin)."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from graphledger.api.pagination import Page, decode_cursor, encode_cursor
from graphledger.audit.service import page
from graphledger.auth.deps import Admin
from graphledger.db import get_sessionmaker

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


class AuditRead(BaseModel):
    id: int
    at: datetime
    actor: str
    role: str | None
    method: str
    path: str
    status: int
    outcome: str
    request_id: str | None
    detail: dict[str, Any] | None


@router.get("", response_model=Page[AuditRead])
def audit_log(
    principal: Admin,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> Page[AuditRead]:
    """Every write and every denied request, newest first."""
    before = decode_cursor(cursor)
    with get_sessionmaker()() as session:
        rows = page(
            session, after=before if isinstance(before, int) else None, limit=limit + 1
        )
    items = [AuditRead.model_validate(r, from_attributes=True) for r in rows[:limit]]
    return Page[AuditRead](
        items=items,
        next_cursor=encode_cursor(rows[limit - 1].id) if len(rows) > limit else None,
    )
