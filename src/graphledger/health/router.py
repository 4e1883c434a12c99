"""GET /health/live and /health/ready."""

import time
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from graphledger import db
from graphledger.db import get_sessionmaker
from graphledger.graph import neo4j
from graphledger.outbox.applier import backlog

router = APIRouter(tags=["health"])


@router.get("/health/live")
def live() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


def _probe(check: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # any failure means the store is not usable now
        return {
            "status": "down",
            "error": type(error).__name__,
            "detail": str(error)[:200],
        }
    return {
        "status": "up",
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
    }


@router.get("/health/ready")
def ready() -> JSONResponse:
    """One entry per store and the outbox backlog; 503 when a store is down."""
    stores = {"postgres": _probe(db.ping), "neo4j": _probe(neo4j.ping)}
    body: dict[str, Any] = {"stores": stores}
    if stores["postgres"]["status"] == "up":
        with get_sessionmaker()() as session:
            body["outbox"] = backlog(session)
    ok = all(s["status"] == "up" for s in stores.values())
    body["status"] = "ready" if ok else "unavailable"
    return JSONResponse(body, status_code=200 if ok else 503)
