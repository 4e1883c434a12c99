"""GET /api/v1/services/{key}/cost and the ranking of services by cost."""

import csv
import io
from collections import Counter
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from graphledger.auth.deps import MoneyReader
from graphledger.ci.router import PROBLEMS
from graphledger.db import get_sessionmaker
from graphledger.graph import neo4j
from graphledger.servicecost.service import service_cost

router = APIRouter(prefix="/api/v1/services", tags=["service cost"])
MONTH = Annotated[str, Query(pattern=r"^[0-9]{4}-[0-9]{2}$", examples=["2026-11"])]
CURRENCY = Annotated[str | None, Query(pattern=r"^[A-Z]{3}$", examples=["EUR"])]


@router.get("/costs", responses=PROBLEMS)
def ranking(
    request: Request,
    principal: MoneyReader,
    month: MONTH,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    currency: CURRENCY = None,
) -> Any:
    """The `limit` business services that cost most in the month, largest first.

    Amounts in different currencies are never compared: services rank by their total in
    `currency`, by default the currency most services have a total in (`ranked_by` says which);
    services without one follow, by key. Every service is costed before any is left out.
    """
    keys = [row["key"] for row in neo4j.read("servicecost/services")]
    with get_sessionmaker()() as session:
        items = [service_cost(session, key, month) for key in keys]
    if currency is None:
        used = Counter(c for i in items for c in i["total"])
        currency = min(used, key=lambda c: (-used[c], c)) if used else None
    ranked_by = currency
    items.sort(
        key=lambda i: (
            ranked_by not in i["total"],
            -Decimal(i["total"].get(ranked_by, 0)),
            i["key"],
        )
    )
    items = items[:limit]
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
    return {"month": month, "ranked_by": ranked_by, "items": rows}


@router.get("/{key:path}/cost", responses=PROBLEMS)
def cost(key: str, principal: MoneyReader, month: MONTH) -> dict[str, Any]:
    """A service's cost for a month through its dependency graph, with the share of each CI."""
    with get_sessionmaker()() as session:
        return service_cost(session, key, month)
