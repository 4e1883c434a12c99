"""Routes for /api/v1/assets: records, lifecycle moves and depreciation."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from graphledger.asset import repository, service
from graphledger.asset.schemas import (
    AssetCreate,
    AssetRead,
    AssetUpdate,
    DepreciationReport,
    MoveRead,
    State,
)
from graphledger.auth.deps import LedgerWriter, MoneyReader, TopologyReader
from graphledger.auth.roles import sees_money
from graphledger.db import get_sessionmaker, unit_of_work
from graphledger.ledger.common import (
    PROBLEMS,
    IfMatch,
    RecordId,
    cursor_id,
    list_response,
    next_cursor,
    one_response,
    page_size,
)
from graphledger.logs import get_logger

log = get_logger(__name__)
router = APIRouter(prefix="/api/v1/assets", tags=["assets"])


@router.post("", status_code=201, response_model=AssetRead, responses=PROBLEMS)
def create(body: AssetCreate, principal: LedgerWriter, request: Request) -> Response:
    """Record an asset; its first lifecycle state is kept as its first move."""
    with unit_of_work() as session:
        asset = service.create_asset(session, body, actor=principal.name)
        result = service.render(asset, money=sees_money(principal.role))
    request.state.audit_entity = f"asset:{asset.id}"
    log.info("asset.created", asset_id=asset.id, asset_tag=asset.asset_tag)
    response = one_response(result, asset.version, 201)
    response.headers["Location"] = f"/api/v1/assets/{asset.id}"
    return response


@router.get("", response_model=dict[str, Any], responses=PROBLEMS)
def list_assets(
    principal: TopologyReader,
    request: Request,
    limit: Annotated[int | None, Query(ge=1)] = None,
    cursor: str | None = None,
    state: State | None = None,
    cost_center_id: RecordId | None = None,
    vendor_id: RecordId | None = None,
    ci_key: str | None = None,
    owner: str | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Assets in id order, filtered by state, cost center, vendor, CI, owner or text."""
    size = page_size(limit)
    money = sees_money(principal.role)
    with get_sessionmaker()() as session:
        rows = repository.list_assets(
            session,
            after=cursor_id(cursor),
            limit=size + 1,
            state=state,
            cost_center_id=cost_center_id,
            vendor_id=vendor_id,
            ci_key=ci_key,
            owner=owner,
            text=q,
        )
        items = [service.render(a, money=money) for a in rows[:size]]
    return list_response(request, items, next_cursor(rows, size))


@router.get(
    "/{ref}/depreciation", response_model=DepreciationReport, responses=PROBLEMS
)
def depreciation(
    ref: str, principal: MoneyReader, as_of: date | None = None
) -> dict[str, Any]:
    """Book value, accumulated depreciation and the schedule as of a date (today by default)."""
    with get_sessionmaker()() as session:
        asset = service.find(session, ref)
        return service.depreciation_report(asset, as_of or date.today())


@router.get("/{ref}/moves", response_model=dict[str, Any], responses=PROBLEMS)
def moves(ref: str, principal: TopologyReader, request: Request) -> Response:
    """Every lifecycle move of the asset, oldest first."""
    with get_sessionmaker()() as session:
        asset = service.find(session, ref)
        items = [
            MoveRead.model_validate(m).model_dump(mode="json")
            for m in repository.moves_of(session, asset.id)
        ]
    return list_response(request, items)


@router.get("/{ref}", response_model=AssetRead, responses=PROBLEMS)
def read(ref: str, principal: TopologyReader) -> Response:
    """One asset by id or tag; money fields only for finance and admin."""
    with get_sessionmaker()() as session:
        asset = service.find(session, ref)
        return one_response(
            service.render(asset, money=sees_money(principal.role)), asset.version
        )


@router.patch("/{ref}", response_model=AssetRead, responses=PROBLEMS)
def update(
    ref: str,
    body: AssetUpdate,
    principal: LedgerWriter,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    """Change an asset; a state change must be an allowed lifecycle move (409 otherwise)."""
    with unit_of_work() as session:
        asset = service.update_asset(
            session,
            ref,
            body.model_dump(exclude_unset=True),
            if_match=if_match,
            actor=principal.name,
        )
        result = service.render(asset, money=sees_money(principal.role))
    request.state.audit_entity = f"asset:{asset.id}"
    log.info(
        "asset.updated", asset_id=asset.id, version=asset.version, state=asset.state
    )
    return one_response(result, asset.version)
