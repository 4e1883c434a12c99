"""Writing and reading audit entries."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from graphledger.db import unit_of_work
from graphledger.logs import get_logger
from graphledger.models import AuditEntry

log = get_logger(__name__)


def record(
    *,
    actor: str,
    role: str | None,
    method: str,
    path: str,
    status: int,
    request_id: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit entry in its own transaction; a failure is logged, never raised."""
    outcome = "denied" if status in (401, 403) else ("ok" if status < 400 else "error")
    try:
        with unit_of_work() as session:
            session.add(
                AuditEntry(
                    actor=actor,
                    role=role,
                    method=method,
                    path=path[:2000],
                    status=status,
                    outcome=outcome,
                    request_id=request_id,
                    detail=detail,
                )
            )
    except (
        Exception
    ) as error:  # the store may be down; the request itself already answered
        log.error(
            "audit.write_failed", path=path, status=status, error=str(error)[:200]
        )


def page(session: Session, *, after: int | None, limit: int) -> list[AuditEntry]:
    """Newest first, before the cursor id."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if after is not None:
        stmt = stmt.where(AuditEntry.id < after)
    return list(session.execute(stmt).scalars())
