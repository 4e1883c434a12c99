"""GET /api/v1/cis/{key}/root-causes and /single-points-of-failure."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from graphledger.auth.deps import TopologyReader
from graphledger.ci.router import PROBLEMS
from graphledger.db import get_sessionmaker
from graphledger.errors import Unprocessable
from graphledger.logs import get_logger
from graphledger.rootcause import service

log = get_logger(__name__)
router = APIRouter(prefix="/api/v1/cis", tags=["root cause"])


@router.get("/{key:path}/root-causes", responses=PROBLEMS)
def root_causes(
    key: str,
    principal: TopologyReader,
    since: AwareDatetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    """Every upstream CI, ranked by how likely it causes trouble here, with reasons and paths."""
    now = service.utcnow()
    if since is not None and since > now:
        raise Unprocessable("since must be in the past", field="since")
    window_start: datetime = since or service.default_since(now)
    up = service.find_single_points(service.walk_upstream(key))
    with get_sessionmaker()() as session:
        changes = service.recent_changes(session, up.walk.order, window_start)
    ranked = service.rank(up, changes, since=window_start, now=now)
    log.info(
        "rootcause.ranked",
        ci_key=up.key,
        candidates=len(ranked),
        top=ranked[0]["key"] if ranked else None,
    )
    return {
        "key": up.key,
        "since": window_start.isoformat(),
        "items": ranked[:limit],
        "total": len(ranked),
        "truncated": up.walk.truncated or up.spof_truncated or len(ranked) > limit,
    }


@router.get("/{key:path}/single-points-of-failure", responses=PROBLEMS)
def single_points_of_failure(key: str, principal: TopologyReader) -> dict[str, Any]:
    """The upstream CIs whose loss alone takes this CI down, redundancy groups honoured."""
    up = service.find_single_points(service.walk_upstream(key))
    items = [
        {
            "key": up.walk.reached[k].key,
            "class": up.graph.details[k].get("class"),
            "name": up.graph.details[k].get("name"),
            "distance": up.walk.reached[k].distance,
            "path": up.walk.path(k),
        }
        for k in up.walk.order
        if k in up.spof
    ]
    return {
        "key": up.key,
        "items": items,
        "truncated": up.walk.truncated or up.spof_truncated,
    }
