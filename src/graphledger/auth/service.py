"""Making, hashing, checking and revoking API tokens."""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from graphledger.auth.roles import ADMIN
from graphledger.models import ApiToken
from graphledger.settings import get_settings


@dataclass(frozen=True)
class Principal:
    """The caller: a token's name and role, and when the token expires (None: never)."""

    name: str
    role: str
    token_id: uuid.UUID | None = None
    expires_at: datetime | None = None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(session: Session, token: str) -> Principal | None:
    """The principal behind a bearer token, or None when it is unknown, revoked or expired."""
    admin = get_settings().admin_token
    if admin is not None and hmac.compare_digest(
        token.encode(), admin.get_secret_value().encode()
    ):
        return Principal(name="admin-token", role=ADMIN)
    row = session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token))
    ).scalar_one_or_none()
    now = datetime.now(UTC)
    if (
        row is None
        or row.revoked_at is not None
        or (row.expires_at and row.expires_at <= now)
    ):
        return None
    return Principal(
        name=row.name, role=row.role, token_id=row.id, expires_at=row.expires_at
    )


def create_token(
    session: Session,
    *,
    name: str,
    role: str,
    created_by: str,
    expires_in_days: int | None,
) -> tuple[ApiToken, str]:
    """A new token row and the token itself, which is shown once and stored only as a hash."""
    token = "glt_" + secrets.token_urlsafe(32)
    expires = (
        datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days else None
    )
    row = ApiToken(
        name=name,
        role=role,
        token_hash=hash_token(token),
        created_by=created_by,
        expires_at=expires,
    )
    session.add(row)
    session.flush()
    return row, token
