"""POST /api/v1/changes/assess."""

from typing import Any

from fastapi import APIRouter

from graphledger.auth.deps import TopologyReader
from graphledger.auth.roles import sees_money
from graphledger.change.schemas import AssessRequest
from graphledger.change.service import assess
from graphledger.ci.router import PROBLEMS
from graphledger.db import get_sessionmaker
from graphledger.logs import get_logger

log = get_logger(__name__)
router = APIRouter(prefix="/api/v1/changes", tags=["changes"])


@router.post("/assess", responses=PROBLEMS)
def assess_change(body: AssessRequest, principal: TopologyReader) -> dict[str, Any]:
    """Impact, owners to notify, contracts, recent changes and a risk score for a change;
    the monthly cost at risk for finance and admin."""
    with get_sessionmaker()() as session:
        answer = assess(session, body, sees_money=sees_money(principal.role))
    log.info(
        "change.assessed",
        keys=answer["keys"][:10],
        risk=answer["risk"]["score"],
        impacted=len(answer["impacted"]),
    )
    return answer
