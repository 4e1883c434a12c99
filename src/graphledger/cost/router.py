"""Routes for /api/v1/costs: cost entries, readable by finance and admin only."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from graphledger.auth.deps import LedgerWriter, MoneyReader
from graphledger.cost import repository, service
from graphledger.cost.schemas import CostCreate, CostUpdate
from graphledger.db import get_sessionmaker, unit_of_work
from graphledger.errors import Unprocessable
from graphledger.ledger.common import (
    PROBLEMS,
    IfMatch,
    RecordId,
    cursor_id,
    list_response,
    next_cursor,
    one_response,
    page_size,
    require,
)
from graphledger.ledger.periods import parse_month
from graphledger.logs import get_logger
from graphledger.models import CostEntry

log = get_logger(__name__)
router = APIRouter(prefix="/api/v1/costs", tags=["costs"])


@router.post("", status_code=201, response_model=dict[str, Any], responses=PROBLEMS)
def create(body: CostCreate, principal: LedgerWriter, request: Request) -> Response:
    """Book a cost on an asset for a month (`period` as YYYY-MM)."""
    with unit_of_work() as session:
        entry = service.create_entry(session, body)
        result = service.render(entry)
    request.state.audit_entity = f"cost:{entry.id}"
    log.info("cost.created", cost_id=entry.id, asset_id=entry.asset_id)
    return one_response(result, entry.version, 201)


@router.get("", response_model=dict[str, Any], responses=PROBLEMS)
def list_costs(
    principal: MoneyReader,
    request: Request,
    limit: Annotated[int | None, Query(ge=1)] = None,
    cursor: str | None = None,
    asset_id: RecordId | None = None,
    period: str | None = None,
    category: str | None = None,
) -> Response:
    """Cost entries in id order, filtered by asset, month or category."""
    try:
        month = parse_month(period) if period is not None else None
    except ValueError as error:
        raise Unprocessable(str(error), field="period") from error
    size = page_size(limit)
    with get_sessionmaker()() as session:
        rows = repository.list_entries(
            session,
            after=cursor_id(cursor),
            limit=size + 1,
            asset_id=asset_id,
            period=month,
            category=category,
        )
        items = [service.render(e) for e in rows[:size]]
    return list_response(request, items, next_cursor(rows, size))


@router.get("/{entry_id}", response_model=dict[str, Any], responses=PROBLEMS)
def read(entry_id: RecordId, principal: MoneyReader) -> Response:
    with get_sessionmaker()() as session:
        entry = require(session, CostEntry, entry_id, "cost entry")
        return one_response(service.render(entry), entry.version)


@router.patch("/{entry_id}", response_model=dict[str, Any], responses=PROBLEMS)
def update(
    entry_id: RecordId,
    body: CostUpdate,
    principal: LedgerWriter,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    """Change a cost entry; reports read it at once, nothing is cached."""
    with unit_of_work() as session:
        entry = service.update_entry(
            session, entry_id, body.model_dump(exclude_unset=True), if_match=if_match
        )
        result = service.render(entry)
    request.state.audit_entity = f"cost:{entry_id}"
    return one_response(result, entry.version)


@router.delete("/{entry_id}", status_code=204, responses=PROBLEMS)
def delete(
    entry_id: RecordId,
    principal: LedgerWriter,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    with unit_of_work() as session:
        service.delete_entry(session, entry_id, if_match=if_match)
    request.state.audit_entity = f"cost:{entry_id}"
    log.info("cost.deleted", cost_id=entry_id)
    return Response(status_code=204)
