"""Routes for /api/v1/finance: reports for finance and admin only."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from graphledger.auth.deps import MoneyReader
from graphledger.db import get_sessionmaker
from graphledger.errors import Unprocessable
from graphledger.finance import service
from graphledger.ledger.common import PROBLEMS, list_response
from graphledger.ledger.periods import parse_month

router = APIRouter(prefix="/api/v1/finance", tags=["finance"])


def _month(value: str, field: str) -> date:
    try:
        return parse_month(value)
    except ValueError as error:
        raise Unprocessable(str(error), field=field) from error


def _report(request: Request, report: dict[str, Any]) -> Response:
    """The report as JSON, or its items as CSV; each per-currency total is one column."""
    items = report.pop("items")
    return list_response(request, items, extra=report)


@router.get("/book-value", response_model=dict[str, Any], responses=PROBLEMS)
def book_value(
    principal: MoneyReader, request: Request, as_of: date | None = None
) -> Response:
    """Book value by cost center as of a date (today by default)."""
    with get_sessionmaker()() as session:
        report = service.book_value(session, as_of or date.today())
    return _report(request, report)


@router.get("/tco", response_model=dict[str, Any], responses=PROBLEMS)
def tco(
    principal: MoneyReader,
    request: Request,
    from_: Annotated[str, Query(alias="from")],
    to: str,
    group_by: Literal["asset", "cost_center"] = "asset",
) -> Response:
    """Total cost of ownership (depreciation plus cost entries) over months `from`..`to`."""
    first, last = _month(from_, "from"), _month(to, "to")
    if last < first:
        raise Unprocessable("`to` comes before `from`", field="to")
    with get_sessionmaker()() as session:
        report = service.tco(session, first, last, group_by)
    return _report(request, report)


@router.get("/spend", response_model=dict[str, Any], responses=PROBLEMS)
def spend(
    principal: MoneyReader,
    request: Request,
    month: str,
    group_by: Literal["vendor", "category"] = "vendor",
) -> Response:
    """Cost entries of a month per vendor or per category."""
    with get_sessionmaker()() as session:
        report = service.spend(session, _month(month, "month"), group_by)
    return _report(request, report)


@router.get("/renewals", response_model=dict[str, Any], responses=PROBLEMS)
def renewals(
    principal: MoneyReader,
    request: Request,
    within_days: Annotated[int, Query(ge=0, le=3650)] = 90,
) -> Response:
    """Contracts and licenses to renew or give notice on, and warranties that ended."""
    today = date.today()
    with get_sessionmaker()() as session:
        items = service.renewals(session, today, within_days, money=True)
    return list_response(
        request, items, extra={"as_of": today.isoformat(), "within_days": within_days}
    )
