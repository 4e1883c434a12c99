"""Routes for /api/v1/licenses: records, seat assignments and compliance."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from graphledger.auth.deps import LedgerWriter, TopologyReader
from graphledger.auth.roles import sees_money
from graphledger.db import get_sessionmaker, unit_of_work
from graphledger.ledger import repository as ledger_repository
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
from graphledger.license import repository, service
from graphledger.license.schemas import (
    AssignmentCreate,
    AssignmentUpdate,
    LicenseCreate,
    LicenseUpdate,
)
from graphledger.logs import get_logger
from graphledger.models import License

log = get_logger(__name__)
router = APIRouter(prefix="/api/v1/licenses", tags=["licenses"])
Limit = Annotated[int | None, Query(ge=1)]


def _page(
    session: Any,
    cursor: str | None,
    size: int,
    vendor_id: RecordId | None,
    q: str | None,
) -> list[License]:
    where = []
    if vendor_id is not None:
        where.append(License.vendor_id == vendor_id)
    if q:
        where.append(License.name.icontains(q, autoescape=True))
    return ledger_repository.page(
        session, License, after=cursor_id(cursor), limit=size + 1, where=where
    )


@router.get("/compliance", response_model=dict[str, Any], responses=PROBLEMS)
def compliance(
    principal: TopologyReader,
    request: Request,
    limit: Limit = None,
    cursor: str | None = None,
    vendor_id: RecordId | None = None,
    only_findings: bool = False,
) -> Response:
    """Per license: entitled, assigned, over and the unused seats to reclaim (90 days)."""
    size = page_size(limit)
    money = sees_money(principal.role)
    with get_sessionmaker()() as session:
        rows = _page(session, cursor, size, vendor_id, None)
        page = rows[:size]
        held = repository.assignments_of(session, [lic.id for lic in page])
        items = [service.compliance(lic, held[lic.id], money=money) for lic in page]
    if only_findings:
        items = [i for i in items if i["over"] or i["unused"]]
    return list_response(request, items, next_cursor(rows, size))


@router.post("", status_code=201, response_model=dict[str, Any], responses=PROBLEMS)
def create(body: LicenseCreate, principal: LedgerWriter, request: Request) -> Response:
    """Record a license."""
    with unit_of_work() as session:
        license_ = service.create_license(session, body)
        result = service.render(license_, 0, money=sees_money(principal.role))
    request.state.audit_entity = f"license:{license_.id}"
    log.info("license.created", license_id=license_.id, seats=license_.seats)
    return one_response(result, license_.version, 201)


@router.get("", response_model=dict[str, Any], responses=PROBLEMS)
def list_licenses(
    principal: TopologyReader,
    request: Request,
    limit: Limit = None,
    cursor: str | None = None,
    vendor_id: RecordId | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Licenses in id order, filtered by vendor or text in the name."""
    size = page_size(limit)
    money = sees_money(principal.role)
    with get_sessionmaker()() as session:
        rows = _page(session, cursor, size, vendor_id, q)
        page = rows[:size]
        counts = repository.assigned_counts(session, [lic.id for lic in page])
        items = [service.render(lic, counts[lic.id], money=money) for lic in page]
    return list_response(request, items, next_cursor(rows, size))


@router.get("/{license_id}", response_model=dict[str, Any], responses=PROBLEMS)
def read(license_id: RecordId, principal: TopologyReader) -> Response:
    """One license with its assigned count; its cost only for finance and admin."""
    with get_sessionmaker()() as session:
        license_ = require(session, License, license_id, "license")
        assigned = repository.assigned_counts(session, [license_id])[license_id]
        body = service.render(license_, assigned, money=sees_money(principal.role))
    return one_response(body, license_.version)


@router.patch("/{license_id}", response_model=dict[str, Any], responses=PROBLEMS)
def update(
    license_id: RecordId,
    body: LicenseUpdate,
    principal: LedgerWriter,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    """Change a license; seats may go below the assignments, which compliance then shows."""
    with unit_of_work() as session:
        license_ = service.update_license(
            session, license_id, body.model_dump(exclude_unset=True), if_match=if_match
        )
        assigned = repository.assigned_counts(session, [license_id])[license_id]
        result = service.render(license_, assigned, money=sees_money(principal.role))
    request.state.audit_entity = f"license:{license_id}"
    return one_response(result, license_.version)


@router.delete("/{license_id}", status_code=204, responses=PROBLEMS)
def delete(
    license_id: RecordId,
    principal: LedgerWriter,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    """Remove a license that no one holds a seat of (409 naming the holders otherwise)."""
    with unit_of_work() as session:
        service.delete_license(session, license_id, if_match=if_match)
    request.state.audit_entity = f"license:{license_id}"
    log.info("license.deleted", license_id=license_id)
    return Response(status_code=204)


@router.get(
    "/{license_id}/assignments", response_model=dict[str, Any], responses=PROBLEMS
)
def assignments(
    license_id: RecordId, principal: TopologyReader, request: Request
) -> Response:
    """The seats of a license and who holds them."""
    with get_sessionmaker()() as session:
        require(session, License, license_id, "license")
        held = repository.assignments_of(session, [license_id])[license_id]
        items = [service.render_assignment(a) for a in held]
    return list_response(request, items)


@router.post(
    "/{license_id}/assignments",
    status_code=201,
    response_model=dict[str, Any],
    responses=PROBLEMS,
)
def assign(
    license_id: RecordId,
    body: AssignmentCreate,
    principal: LedgerWriter,
    request: Request,
) -> dict[str, Any]:
    """Give a seat to a person or a CI; beyond the seats it is recorded and shown as over."""
    with unit_of_work() as session:
        assignment = service.assign(session, license_id, body)
        result = service.render_assignment(assignment)
    request.state.audit_entity = f"license:{license_id}:assignment:{assignment.id}"
    log.info("license.assigned", license_id=license_id, assignment_id=assignment.id)
    return result


@router.patch(
    "/{license_id}/assignments/{assignment_id}",
    response_model=dict[str, Any],
    responses=PROBLEMS,
)
def record_use(
    license_id: RecordId,
    assignment_id: RecordId,
    body: AssignmentUpdate,
    principal: LedgerWriter,
    request: Request,
) -> dict[str, Any]:
    """Note when a seat was last used."""
    with unit_of_work() as session:
        assignment = service.record_use(
            session, license_id, assignment_id, body.last_used_at
        )
        result = service.render_assignment(assignment)
    request.state.audit_entity = f"license:{license_id}:assignment:{assignment_id}"
    return result


@router.delete(
    "/{license_id}/assignments/{assignment_id}", status_code=204, responses=PROBLEMS
)
def release(
    license_id: RecordId,
    assignment_id: RecordId,
    principal: LedgerWriter,
    request: Request,
) -> Response:
    """Free a seat."""
    with unit_of_work() as session:
        service.release(session, license_id, assignment_id)
    request.state.audit_entity = f"license:{license_id}:assignment:{assignment_id}"
    log.info("license.released", license_id=license_id, assignment_id=assignment_id)
    return Response(status_code=204)
