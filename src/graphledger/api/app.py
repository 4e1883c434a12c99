"""The FastAPI application: routers, problem handlers, middleware, and the outbox drainer."""

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from graphledger import logs
from graphledger.api import middleware, problems
from graphledger.api.registry_router import router as registry_router
from graphledger.asset.router import router as asset_router
from graphledger.audit.router import router as audit_router
from graphledger.auth.router import router as token_router
from graphledger.change.router import router as change_router
from graphledger.ci.router import router as ci_router
from graphledger.contract.router import router as contract_router
from graphledger.cost.router import router as cost_router
from graphledger.cost_center.router import router as cost_center_router
from graphledger.finance.router import router as finance_router
from graphledger.graph import neo4j
from graphledger.health.router import router as health_router
from graphledger.impact.router import router as impact_router
from graphledger.imports.router import router as import_router
from graphledger.license.router import router as license_router
from graphledger.logs import get_logger
from graphledger.neighbourhood.router import router as neighbourhood_router
from graphledger.outbox.applier import Drainer
from graphledger.quality.router import router as quality_router
from graphledger.readpool import close_read_pool
from graphledger.reconcile.router import router as reconcile_router
from graphledger.relationship.router import router as relationship_router
from graphledger.rootcause.router import router as rootcause_router
from graphledger.servicecost.router import router as servicecost_router
from graphledger.settings import get_settings
from graphledger.ui.router import router as ui_router
from graphledger.vendor.router import router as vendor_router

log = get_logger(__name__)


def _apply_schema_when_possible(stop: threading.Event) -> None:
    """Apply the graph schema now, or keep trying while Neo4j is away."""
    while not stop.is_set():
        try:
            neo4j.apply_schema()
            return
        except (
            Exception
        ) as error:  # Neo4j not reachable yet: writes queue in the outbox meanwhile
            log.warning("graph.schema_deferred", error=str(error)[:200])
            stop.wait(5)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The database pool is sized to this (graphledger.db), so a thread never waits on it.
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = get_settings().worker_threads
    stop = threading.Event()
    schema = threading.Thread(
        target=_apply_schema_when_possible, args=(stop,), daemon=True
    )
    schema.start()
    drainer = Drainer()
    drainer.start()
    log.info("api.started")
    yield
    stop.set()
    drainer.stop()
    await close_read_pool()
    # Closing the driver under a schema statement still in flight breaks its buffers.
    schema.join(timeout=30)
    neo4j.close_driver()


def create_app(*, run_drainer: bool = True) -> FastAPI:
    """Build the application."""
    settings = get_settings()
    logs.configure(json=settings.log_json, level=settings.log_level)
    app = FastAPI(
        title="Graphledger",
        version="0.1.0",
        summary="A graph CMDB with an IT asset ledger: impact, root cause, cost.",
        lifespan=lifespan if run_drainer else None,
    )
    problems.install(app)
    middleware.install(
        app,
        max_body_bytes=settings.max_body_bytes,
        max_import_bytes=settings.max_import_bytes,
    )
    # Routes are tried in order, each costing a pattern match, so the CI routes, read most, come
    # first; the routers under /api/v1/cis/{key}/... must stay before ci_router, whose GET
    # /{key:path} would otherwise answer them.
    for router in (
        rootcause_router,
        neighbourhood_router,
        ci_router,
        health_router,
        token_router,
        registry_router,
        quality_router,
        relationship_router,
        impact_router,
        import_router,
        audit_router,
        vendor_router,
        cost_center_router,
        asset_router,
        contract_router,
        license_router,
        cost_router,
        finance_router,
        servicecost_router,
        change_router,
        reconcile_router,
        ui_router,
    ):
        app.include_router(router)
    return app
