"""Routes for /ui: the sign-in page, the console, its own scripts and the front-end libraries.

The session is the caller's API token in an http-only, secure, SameSite=Strict cookie; the
console's scripts call the JSON API with it (see `auth.deps`), so every role rule of the API holds
in the pages too. The libraries come from node_modules, installed by `make` from package-lock.json.
"""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from graphledger.audit.service import record
from graphledger.auth.deps import CSRF_HEADER, SESSION_COOKIE, current_principal
from graphledger.auth.service import Principal, authenticate
from graphledger.db import get_sessionmaker
from graphledger.errors import Forbidden, NotFound, Unauthenticated
from graphledger.logs import get_logger

log = get_logger(__name__)
router = APIRouter(prefix="/ui", tags=["console"], include_in_schema=False)

STATIC = Path(__file__).resolve().parent / "static"
NODE_MODULES = Path(__file__).resolve().parents[3] / "node_modules"
# The only library files the console loads, by the name its pages use.
VENDOR = {
    "cytoscape.min.js": NODE_MODULES / "cytoscape" / "dist" / "cytoscape.min.js",
    "chart.umd.min.js": NODE_MODULES / "chart.js" / "dist" / "chart.umd.min.js",
}
OWN_FILES = {"app.js", "app.css", "signin.js"}
MEDIA = {".js": "text/javascript", ".css": "text/css"}
SESSION_HOURS = 8
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; "
        "style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=500)


class Session(BaseModel):
    name: str
    role: str


def _signed_in(request: Request) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with get_sessionmaker()() as session:
        return authenticate(session, token)


def _page(name: str) -> HTMLResponse:
    return HTMLResponse((STATIC / name).read_text(), headers=PAGE_HEADERS)


def _require_csrf_header(request: Request) -> None:
    if not request.headers.get(CSRF_HEADER):
        raise Forbidden(f"send the {CSRF_HEADER} header", reason="csrf")


@router.get("", response_class=HTMLResponse)
def console(request: Request) -> HTMLResponse:
    """The console for a signed-in caller, the sign-in page (200) for anyone else."""
    if _signed_in(request) is None:
        return _page("signin.html")
    return _page("app.html")


@router.get("/session", response_model=Session)
def who(principal: Annotated[Principal, Depends(current_principal)]) -> Session:
    """Who the session belongs to, so the pages can offer what the role may see."""
    return Session(name=principal.name, role=principal.role)


@router.post("/session", response_model=Session)
async def sign_in(body: SignIn, request: Request, response: Response) -> Session:
    """Check a token and keep it in the session cookie (the header stops login forgery)."""
    _require_csrf_header(request)
    principal = await run_in_threadpool(_authenticate, body.token.strip())
    await run_in_threadpool(
        record,
        actor=principal.name if principal else "anonymous",
        role=principal.role if principal else None,
        method="POST",
        path=request.url.path,
        status=200 if principal else 401,
        request_id=getattr(request.state, "request_id", None),
        detail={"entity": "session"},
    )
    if principal is None:
        raise Unauthenticated("the token is unknown, revoked or expired")
    response.set_cookie(
        SESSION_COOKIE,
        body.token.strip(),
        max_age=SESSION_HOURS * 3600,
        path="/",
        secure=True,
        httponly=True,
        samesite="strict",
    )
    log.info("ui.signed_in", name=principal.name, role=principal.role)
    return Session(name=principal.name, role=principal.role)


def _authenticate(token: str) -> Principal | None:
    with get_sessionmaker()() as session:
        return authenticate(session, token)


@router.delete("/session", status_code=204)
def sign_out(request: Request) -> Response:
    """Forget the session cookie."""
    _require_csrf_header(request)
    response = Response(status_code=204)
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict"
    )
    return response


@router.get("/static/{name}")
def own_file(name: str) -> FileResponse:
    """The console's own scripts and style sheet."""
    if name not in OWN_FILES:
        raise NotFound(f"no console file {name!r}")
    return FileResponse(
        STATIC / name,
        media_type=MEDIA[Path(name).suffix],
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/vendor/{name}")
def vendor_file(name: str) -> FileResponse:
    """A front-end library from node_modules (404 until `make` has installed them)."""
    path = VENDOR.get(name)
    if path is None or not path.is_file():
        raise NotFound(f"library {name!r} is not installed; run make")
    return FileResponse(
        path,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )
