"""FastAPI dependencies: the caller's principal, checked against the roles a route allows."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from graphledger.auth import roles
from graphledger.auth.ratelimit import limiter
from graphledger.auth.service import Principal, authenticate, hash_token
from graphledger.db import get_sessionmaker
from graphledger.errors import Forbidden, Unauthenticated


def current_principal(request: Request) -> Principal:
    """The authenticated caller; 401 without a valid bearer token."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("send Authorization: Bearer <token>")
    with get_sessionmaker()() as session:
        principal = authenticate(session, token.strip())
    if principal is None:
        raise Unauthenticated("the token is unknown, revoked or expired")
    request.state.principal = principal
    limiter().take(hash_token(token.strip()))
    return principal


def require(allowed: frozenset[str]) -> Callable[..., Principal]:
    """A dependency that lets through only the given roles (403 for the others)."""

    def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in allowed:
            raise Forbidden(
                f"role {principal.role!r} may not do this; allowed: {', '.join(sorted(allowed))}",
                role=principal.role,
            )
        return principal

    return check


TopologyReader = Annotated[Principal, Depends(require(roles.TOPOLOGY_READ))]
TopologyWriter = Annotated[Principal, Depends(require(roles.TOPOLOGY_WRITE))]
MoneyReader = Annotated[Principal, Depends(require(roles.MONEY_READ))]
LedgerWriter = Annotated[Principal, Depends(require(roles.LEDGER_WRITE))]
Admin = Annotated[Principal, Depends(require(roles.ADMIN_ONLY))]
