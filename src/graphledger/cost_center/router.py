"""Routes for /api/v1/cost-centers."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import ColumnElement

from graphledger.auth.deps import LedgerWriter, TopologyReader
from graphledger.cost_center import service
from graphledger.cost_center.schemas import (
    CostCenterCreate,
    CostCenterRead,
    CostCenterUpdate,
)
from graphledger.db import get_sessionmaker, unit_of_work
from graphledger.ledger import repository
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
from graphledger.logs import get_logger
from graphledger.models import CostCenter

log = get_logger(__name__)
router = APIRouter(prefix="/api/v1/cost-centers", tags=["cost-centers"])


def _body(center: CostCenter) -> dict[str, object]:
    return CostCenterRead.model_validate(center).model_dump(mode="json")


@router.post("", status_code=201, response_model=CostCenterRead, responses=PROBLEMS)
def create(
    body: CostCenterCreate, principal: LedgerWriter, request: Request
) -> Response:
    """Record a cost center."""
    with unit_of_work() as session:
        center = service.create_cost_center(session, body)
        result = _body(center)
    request.state.audit_entity = f"cost_center:{center.id}"
    log.info("cost_center.created", cost_center_id=center.id)
    return one_response(result, center.version, 201)


@router.get("", response_model=dict, responses=PROBLEMS)
def list_cost_centers(
    principal: TopologyReader,
    request: Request,
    limit: Annotated[int | None, Query(ge=1)] = None,
    cursor: str | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    parent_id: RecordId | None = None,
) -> Response:
    """Cost centers in id order, filtered by parent or by text in code or name."""
    size = page_size(limit)
    where: list[ColumnElement[bool]] = []
    if q:
        where.append(
            CostCenter.name.icontains(q, autoescape=True)
            | CostCenter.code.icontains(q, autoescape=True)
        )
    if parent_id is not None:
        where.append(CostCenter.parent_id == parent_id)
    with get_sessionmaker()() as session:
        rows = repository.page(
            session, CostCenter, after=cursor_id(cursor), limit=size + 1, where=where
        )
        items = [_body(v) for v in rows[:size]]
    return list_response(request, items, next_cursor(rows, size))


@router.get("/{center_id}", response_model=CostCenterRead, responses=PROBLEMS)
def read(center_id: RecordId, principal: TopologyReader) -> Response:
    """One cost center."""
    with get_sessionmaker()() as session:
        center = require(session, CostCenter, center_id, "cost center")
        return one_response(_body(center), center.version)


@router.patch("/{center_id}", response_model=CostCenterRead, responses=PROBLEMS)
def update(
    center_id: RecordId,
    body: CostCenterUpdate,
    principal: LedgerWriter,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    """Change a cost center; with If-Match, only if nobody changed it since."""
    with unit_of_work() as session:
        center = service.update_cost_center(
            session, center_id, body.model_dump(exclude_unset=True), if_match=if_match
        )
        result = _body(center)
    request.state.audit_entity = f"cost_center:{center_id}"
    return one_response(result, center.version)


@router.delete("/{center_id}", status_code=204, responses=PROBLEMS)
def delete(
    center_id: RecordId,
    principal: LedgerWriter,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    """Remove a cost center that nothing refers to."""
    with unit_of_work() as session:
        service.delete_cost_center(session, center_id, if_match=if_match)
    request.state.audit_entity = f"cost_center:{center_id}"
    log.info("cost_center.deleted", cost_center_id=center_id)
    return Response(status_code=204)
