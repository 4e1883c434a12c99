"""Every error leaves the API as application/problem+json, with a stable type and no stack trace."""

from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from graphledger.errors import (
    PROBLEM_BASE,
    GraphledgerError,
    StoreUnavailable,
    TooManyRequests,
)
from graphledger.logs import get_logger

log = get_logger(__name__)
MEDIA = "application/problem+json"

_HTTP_SLUGS = {404: "not-found", 405: "method-not-allowed", 401: "unauthenticated"}


CLIENT_FAULTS = {
    "UniqueViolation": (409, "conflict", "Conflict"),
    "ExclusionViolation": (409, "conflict", "Conflict"),
    "ForeignKeyViolation": (409, "conflict", "Conflict"),
    "CheckViolation": (422, "validation", "Invalid input"),
    "NumericValueOutOfRange": (422, "validation", "Invalid input"),
    "StringDataRightTruncation": (422, "validation", "Invalid input"),
    "InvalidTextRepresentation": (422, "validation", "Invalid input"),
    "UntranslatableCharacter": (422, "validation", "Invalid input"),
    "CharacterNotInRepertoire": (422, "validation", "Invalid input"),
    "DatetimeFieldOverflow": (422, "validation", "Invalid input"),
}


def _constraint_detail(error: DBAPIError) -> str:
    diag = getattr(error.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return f"the change breaks the rule {name}; nothing was stored"
    return "the database refused a value; nothing was stored"


def problem_response(
    body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        body, status_code=body["status"], media_type=MEDIA, headers=headers
    )


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into problem JSON."""

    @app.exception_handler(GraphledgerError)
    async def own(request: Request, error: GraphledgerError) -> JSONResponse:
        headers = {"Retry-After": "5"} if error.status == 503 else None
        if isinstance(error, TooManyRequests):
            headers = {"Retry-After": str(error.retry_after_s)}
        return problem_response(error.to_problem(request.url.path), headers)

    @app.exception_handler(RequestValidationError)
    async def validation(
        request: Request, error: RequestValidationError
    ) -> JSONResponse:
        errors = [
            {"field": _field(e.get("loc", ())), "message": e.get("msg", "invalid")}
            for e in error.errors()
        ]
        fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
        return problem_response(
            {
                "type": PROBLEM_BASE + "validation",
                "title": "Invalid input",
                "status": 422,
                "detail": f"invalid: {fields}",
                "instance": request.url.path,
                "errors": errors,
            }
        )

    @app.exception_handler(StarletteHTTPException)
    async def http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return problem_response(
            {
                "type": PROBLEM_BASE + _HTTP_SLUGS.get(error.status_code, "http"),
                "title": str(error.detail),
                "status": error.status_code,
                "detail": str(error.detail),
                "instance": request.url.path,
            },
            dict(error.headers) if error.headers else None,
        )

    async def store_down(request: Request, error: Exception) -> JSONResponse:
        store = "neo4j" if type(error).__module__.startswith("neo4j") else "postgres"
        log.warning(
            "api.store_unavailable",
            store=store,
            path=request.url.path,
            error=type(error).__name__,
        )
        problem = StoreUnavailable(
            f"{store} is unavailable; try again shortly", store=store
        )
        return problem_response(
            problem.to_problem(request.url.path), {"Retry-After": "5"}
        )

    for kind in (
        ServiceUnavailable,
        SessionExpired,
        TransientError,
        OperationalError,
        psycopg.OperationalError,  # reads on the event loop (graphledger.readpool)
    ):
        app.add_exception_handler(kind, store_down)

    @app.exception_handler(DBAPIError)
    async def database(request: Request, error: DBAPIError) -> JSONResponse:
        if error.connection_invalidated:
            return await store_down(request, error)
        # A race another request won, or a value the schema's own checks refuse: the database
        # had the last word, and its word is the client's problem, not a server fault.
        kind = CLIENT_FAULTS.get(type(error.orig).__name__)
        if kind is not None:
            status, slug, title = kind
            log.info(
                "api.database_refused",
                path=request.url.path,
                reason=type(error.orig).__name__,
            )
            return problem_response(
                {
                    "type": PROBLEM_BASE + slug,
                    "title": title,
                    "status": status,
                    "detail": _constraint_detail(error),
                    "instance": request.url.path,
                }
            )
        log.error(
            "api.database_error", path=request.url.path, error=str(error.orig)[:300]
        )
        return problem_response(
            {
                "type": PROBLEM_BASE + "internal",
                "title": "Internal error",
                "status": 500,
                "detail": "the request failed; it has been logged",
                "instance": request.url.path,
            }
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception(
            "api.unhandled", path=request.url.path, error=type(error).__name__
        )
        return problem_response(
            {
                "type": PROBLEM_BASE + "internal",
                "title": "Internal error",
                "status": 500,
                "detail": "the request failed; it has been logged",
                "instance": request.url.path,
            }
        )
