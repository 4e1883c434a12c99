"""POST /api/v1/impact."""

from fastapi import APIRouter, Response

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
def post_impact(body: ImpactRequest, principal: TopologyReader) -> Response:
    """What the given CIs reach when they fail or change.

    The answer is serialized once, by pydantic, straight to JSON: handing the model back to
    FastAPI would dump it to a dict, validate that against the response model again and encode
    it a third time, which for an answer of a thousand CIs with their paths cost more than the
    walk (the response model still documents it)."""
    return Response(
        content=impact(body).model_dump_json(by_alias=True),
        media_type="application/json",
    )
