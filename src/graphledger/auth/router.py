"""POST /api/v1/tokens: an admin makes a token for a name and a role."""

import uuid
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from graphledger.auth.cache import principals
from graphledger.auth.deps import Admin
from graphledger.auth.service import create_token
from graphledger.db import unit_of_work
from graphledger.errors import NotFound
from graphledger.logs import get_logger
from graphledger.models import ApiToken
from graphledger.models.base import utcnow

log = get_logger(__name__)
router = APIRouter(prefix="/api/v1/tokens", tags=["auth"])

Role = Literal["viewer", "sre", "change_manager", "finance", "admin"]


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    role: Role
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class TokenCreated(BaseModel):
    id: uuid.UUID
    name: str
    role: Role
    token: str
    expires_at: datetime | None


@router.post("", status_code=201, response_model=TokenCreated)
def make_token(body: TokenCreate, principal: Admin, request: Request) -> TokenCreated:
    """Create a token; the token itself is returned this once and stored only as a hash."""
    with unit_of_work() as session:
        row, token = create_token(
            session,
            name=body.name,
            role=body.role,
            created_by=principal.name,
            expires_in_days=body.expires_in_days,
        )
    request.state.audit_entity = f"token:{row.id}"
    log.info("token.created", token_id=str(row.id), role=row.role, by=principal.name)
    return TokenCreated(
        id=row.id, name=row.name, role=body.role, token=token, expires_at=row.expires_at
    )


@router.delete("/{token_id}", status_code=204)
def revoke_token(token_id: uuid.UUID, principal: Admin) -> None:
    """Revoke a token at once."""
    with unit_of_work() as session:
        row = session.execute(
            select(ApiToken).where(ApiToken.id == token_id)
        ).scalar_one_or_none()
        if row is None:
            raise NotFound(f"no token {token_id}")
        row.revoked_at = utcnow()
    # After the commit: forgetting it earlier would let a request in between cache it again.
    principals().forget(token_id)
    log.info("token.revoked", token_id=str(token_id), by=principal.name)
