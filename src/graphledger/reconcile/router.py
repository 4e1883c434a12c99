"""GET /api/v1/reconciliation (report) and POST /api/v1/reconciliation/repair."""

from typing import Any

from fastapi import APIRouter, Request

from graphledger.auth.deps import Admin
from graphledger.ci.router import PROBLEMS
from graphledger.db import get_sessionmaker, unit_of_work
from graphledger.outbox.applier import drain
from graphledger.reconcile.service import find_drift, repair

router = APIRouter(prefix="/api/v1/reconciliation", tags=["reconciliation"])


@router.get("", responses=PROBLEMS)
def report(principal: Admin) -> dict[str, Any]:
    """Drift between the stores, each kind with the items behind it."""
    with get_sessionmaker()() as session:
        return find_drift(session)


@router.post("/repair", responses=PROBLEMS)
def repair_drift(principal: Admin, request: Request) -> dict[str, Any]:
    """Repair what is safe (see the report's kinds) and say what was done."""
    request.state.audit_entity = "reconciliation"
    with unit_of_work() as session:
        drift = find_drift(session)
        done = repair(session, drift)
    drain(wait=True)
    with get_sessionmaker()() as session:
        after = find_drift(session)
    return {"repaired": done, "after": after}
