"""GET /api/v1/cis/{key}/neighbourhood: the dependency map around a CI."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from graphledger.auth.deps import TopologyReader
from graphledger.ci.router import PROBLEMS
from graphledger.neighbourhood import service

router = APIRouter(prefix="/api/v1/cis", tags=["cis"])
MAX_DEPTH = 6
MAX_NODES = 2_000


@router.get("/{key:path}/neighbourhood", responses=PROBLEMS)
def get_neighbourhood(
    key: str,
    principal: TopologyReader,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 2,
    max_nodes: Annotated[int, Query(ge=1, le=MAX_NODES)] = 500,
) -> dict[str, Any]:
    """The CIs within `depth` hops, both directions, every relationship type; capped in size."""
    return service.neighbourhood(key, depth=depth, max_nodes=max_nodes)
