"""FastAPI dependencies: the caller's principal, checked against the roles a route allows."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from graphledger.auth import roles
from graphledger.auth.cache import principals
from graphledger.auth.ratelimit import limiter
from graphledger.auth.service import Principal, authenticate, hash_token
from graphledger.db import get_sessionmaker
from graphledger.errors import Forbidden, Unauthenticated

# The web console keeps the caller's token in this http-only cookie (see graphledger.ui).
SESSION_COOKIE = "gl_session"
# Browsers send a custom header cross-site only after a CORS preflight, which this API never
# grants: requiring it on cookie-authenticated writes keeps other sites from forging them.
CSRF_HEADER = "x-requested-with"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _presented_token(request: Request) -> tuple[str | None, bool]:
    """The token the caller sent and whether it came from the session cookie.

    The Authorization header wins; the cookie is the second way in, for the web console."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("send Authorization: Bearer <token>")
        return token.strip(), False
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return cookie, True
    return None, False


async def current_principal(request: Request) -> Principal:
    """The authenticated caller; 401 without a valid bearer token or session cookie.

    Runs on the event loop: a token verified in the last few seconds needs no database and no
    worker thread (graphledger.auth.cache); only a miss looks the token up in a thread."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    token, from_cookie = _presented_token(request)
    if token is None:
        raise Unauthenticated("send Authorization: Bearer <token>")
    if (
        from_cookie
        and request.method not in SAFE_METHODS
        and not request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden(
            f"a write with the session cookie needs the {CSRF_HEADER} header",
            reason="csrf",
        )
    token_hash = hash_token(token)
    principal = principals().get(token_hash)
    if principal is None:
        principal = await run_in_threadpool(_look_up, token)
        if principal is None:
            raise Unauthenticated("the token is unknown, revoked or expired")
        principals().put(token_hash, principal)
    request.state.principal = principal
    limiter().take(token_hash)
    return principal


def _look_up(token: str) -> Principal | None:
    with get_sessionmaker()() as session:
        return authenticate(session, token)


def require(allowed: frozenset[str]) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets through only the given roles (403 for the others)."""

    async def check(
        principal: Annotated[Principal, Depends(current_principal)],
    ) -> Principal:
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
