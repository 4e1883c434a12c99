"""Routes for /api/v1/vendors."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from graphledger.auth.deps import LedgerWriter, TopologyReader
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
from graphledger.models import Vendor
from graphledger.vendor import service
from graphledger.vendor.schemas import VendorCreate, VendorRead, VendorUpdate

log = get_logger(__name__)
router = APIRouter(prefix="/api/v1/vendors", tags=["vendors"])


def _body(vendor: Vendor) -> dict[str, object]:
    return VendorRead.model_validate(vendor).model_dump(mode="json")


@router.post("", status_code=201, response_model=VendorRead, responses=PROBLEMS)
def create(body: VendorCreate, principal: LedgerWriter, request: Request) -> Response:
    """Record a vendor."""
    with unit_of_work() as session:
        vendor = service.create_vendor(session, body)
        result = _body(vendor)
    request.state.audit_entity = f"vendor:{vendor.id}"
    log.info("vendor.created", vendor_id=vendor.id)
    return one_response(result, vendor.version, 201)


@router.get("", response_model=dict, responses=PROBLEMS)
def list_vendors(
    principal: TopologyReader,
    request: Request,
    limit: Annotated[int | None, Query(ge=1)] = None,
    cursor: str | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Vendors in id order, optionally those whose name contains `q`."""
    size = page_size(limit)
    where = [Vendor.name.icontains(q, autoescape=True)] if q else []
    with get_sessionmaker()() as session:
        rows = repository.page(
            session, Vendor, after=cursor_id(cursor), limit=size + 1, where=where
        )
        items = [_body(v) for v in rows[:size]]
    return list_response(request, items, next_cursor(rows, size))


@router.get("/{vendor_id}", response_model=VendorRead, responses=PROBLEMS)
def read(vendor_id: RecordId, principal: TopologyReader) -> Response:
    """One vendor."""
    with get_sessionmaker()() as session:
        vendor = require(session, Vendor, vendor_id, "vendor")
        return one_response(_body(vendor), vendor.version)


@router.patch("/{vendor_id}", response_model=VendorRead, responses=PROBLEMS)
def update(
    vendor_id: RecordId,
    body: VendorUpdate,
    principal: LedgerWriter,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    """Change a vendor; with If-Match, only if nobody changed it since."""
    with unit_of_work() as session:
        vendor = service.update_vendor(
            session, vendor_id, body.model_dump(exclude_unset=True), if_match=if_match
        )
        result = _body(vendor)
    request.state.audit_entity = f"vendor:{vendor_id}"
    return one_response(result, vendor.version)


@router.delete("/{vendor_id}", status_code=204, responses=PROBLEMS)
def delete(
    vendor_id: RecordId,
    principal: LedgerWriter,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    """Remove a vendor that nothing refers to."""
    with unit_of_work() as session:
        service.delete_vendor(session, vendor_id, if_match=if_match)
    request.state.audit_entity = f"vendor:{vendor_id}"
    log.info("vendor.deleted", vendor_id=vendor_id)
    return Response(status_code=204)
