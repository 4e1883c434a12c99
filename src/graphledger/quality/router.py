"""Routes for GET /api/v1/health-report and POST /api/v1/cis/{key}/merge."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from graphledger.auth.deps import TopologyReader, TopologyWriter
from graphledger.ci.schemas import PendingWrite
from graphledger.db import get_sessionmaker, unit_of_work
from graphledger.logs import get_logger
from graphledger.outbox.writes import settle
from graphledger.quality import merge as merge_service
from graphledger.quality import service
from graphledger.quality.rules import load_rules
from graphledger.quality.schemas import HealthReport, MergeRequest, MergeResult
from graphledger.settings import get_settings

log = get_logger(__name__)
router = APIRouter(prefix="/api/v1", tags=["data quality"])

PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/problem+json": {}}}
    for code, text in (
        (401, "no valid token"),
        (403, "role not allowed"),
        (404, "no such CI"),
        (409, "the two CIs disagree on an identifier, or both have an asset"),
        (422, "invalid input or health rules"),
    )
}


@router.get("/health-report", response_model=HealthReport, responses=PROBLEMS)
def health_report(
    principal: TopologyReader,
    limit: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> HealthReport:
    """Completeness, correctness, compliance and staleness, scored per class and overall."""
    rules = load_rules()
    with get_sessionmaker()() as session:
        return service.build_report(
            session, rules, item_limit=limit or get_settings().health_item_limit
        )


@router.post("/cis/{key:path}/merge", response_model=MergeResult, responses=PROBLEMS)
def merge(
    key: str, body: MergeRequest, principal: TopologyWriter, request: Request
) -> Response:
    """Merge the duplicate into this CI; a dry run (the default) only returns the plan."""
    with unit_of_work() as session:
        result, entries = merge_service.merge(
            session, key, body.duplicate, dry_run=body.dry_run, actor=principal.name
        )
    if body.dry_run:
        return JSONResponse(result.model_dump(mode="json"))
    request.state.audit_entity = f"ci:{result.survivor}"
    log.info(
        "ci.merged",
        ci_key=result.survivor,
        duplicate_key=result.duplicate,
        relationships_moved=len(result.relationships_moved),
        change_id=result.history_change_id,
    )
    ids = [e.id for e in entries]
    if settle(ids):
        return JSONResponse(result.model_dump(mode="json"))
    pending = PendingWrite(
        outbox_ids=ids,
        detail="kept; the graph store will apply the merge when it returns",
        resource=result.model_dump(mode="json"),
    )
    return JSONResponse(pending.model_dump(mode="json"), status_code=202)
