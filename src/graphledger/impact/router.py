"""POST /api/v1/impact."""

from fastapi import APIRouter

from graphledger.auth.deps import TopologyReader
from graphledger.ci.router import PROBLEMS
from graphledger.impact.schemas import ImpactRequest, ImpactResponse
from graphledger.impact.service import impact

router = APIRouter(prefix="/api/v1", tags=["impact"])


@router.post(
    "/impact",
    response_model=ImpactResponse,
    response_model_by_alias=True,
    responses=PROBLEMS,
)
def post_impact(body: ImpactRequest, principal: TopologyReader) -> ImpactResponse:
    """What the given CIs reach when they fail or change."""
    return impact(body)
