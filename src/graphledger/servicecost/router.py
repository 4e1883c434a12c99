"""GET /api/v1/services/{key}/cost and the ranking of services by cost."""

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from graphledger.auth.deps import MoneyReader
from graphledger.ci.router import PROBLEMS
from graphledger.db import get_sessionmaker
from graphledger.graph import neo4j
from graphledger.servicecost.service import service_cost

router = APIRouter(prefix="/api/v1/services", tags=["service cost"])
MONTH = Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", examples=["2026-11"])]


@router.get("/costs", responses=PROBLEMS)
def ranking(
    request: Request,
    principal: MoneyReader,
    month: MONTH,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Any:
    """Business services ranked by their cost for the month (per currency, largest first)."""
    keys = [row["key"] for row in neo4j.read("servicecost/services", limit=limit)]
    with get_sessionmaker()() as session:
        items = [service_cost(session, key, month) for key in keys]
    items.sort(
        key=lambda i: (
            -max((float(v) for v in i["total"].values()), default=0.0),
            i["key"],
        )
    )
    rows = [
        {"key": i["key"], "total": i["total"], "top_level": i["top_level"]}
        for i in items
    ]
    if "text/csv" in request.headers.get("accept", ""):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["key", "currency", "total", "top_level"])
        for row in rows:
            for currency, amount in sorted(row["total"].items()) or [("", "")]:
                writer.writerow([row["key"], currency, amount, row["top_level"]])
        return Response(out.getvalue(), media_type="text/csv")
    return {"month": month, "items": rows}


@router.get("/{key:path}/cost", responses=PROBLEMS)
def cost(key: str, principal: MoneyReader, month: MONTH) -> dict[str, Any]:
    """A service's cost for a month through its dependency graph, with the share of each CI."""
    with get_sessionmaker()() as session:
        return service_cost(session, key, month)
