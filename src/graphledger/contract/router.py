"""Routes for /api/v1/contracts."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from graphledger.auth.deps import LedgerWriter, TopologyReader
from graphledger.auth.roles import sees_money
from graphledger.contract import repository, service
from graphledger.contract.schemas import ContractCreate, ContractUpdate, Kind
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
from graphledger.logs import get_logger
from graphledger.models import Contract

log = get_logger(__name__)
router = APIRouter(prefix="/api/v1/contracts", tags=["contracts"])


def _one(session: Any, contract: Contract, money: bool) -> dict[str, Any]:
    covered = repository.covered_asset_ids(session, [contract.id])[contract.id]
    return service.render(contract, covered, money=money)


@router.post("", status_code=201, response_model=dict[str, Any], responses=PROBLEMS)
def create(body: ContractCreate, principal: LedgerWriter, request: Request) -> Response:
    """Record a contract and the assets it covers."""
    with unit_of_work() as session:
        contract = service.create_contract(session, body)
        result = _one(session, contract, sees_money(principal.role))
    request.state.audit_entity = f"contract:{contract.id}"
    log.info("contract.created", contract_id=contract.id)
    return one_response(result, contract.version, 201)


@router.get("", response_model=dict[str, Any], responses=PROBLEMS)
def list_contracts(
    principal: TopologyReader,
    request: Request,
    limit: Annotated[int | None, Query(ge=1)] = None,
    cursor: str | None = None,
    kind: Kind | None = None,
    vendor_id: RecordId | None = None,
    auto_renew: bool | None = None,
) -> Response:
    """Contracts in id order, filtered by kind, vendor or automatic renewal."""
    size = page_size(limit)
    where = []
    if kind is not None:
        where.append(Contract.kind == kind)
    if vendor_id is not None:
        where.append(Contract.vendor_id == vendor_id)
    if auto_renew is not None:
        where.append(Contract.auto_renew.is_(auto_renew))
    money = sees_money(principal.role)
    with get_sessionmaker()() as session:
        rows = ledger_repository.page(
            session, Contract, after=cursor_id(cursor), limit=size + 1, where=where
        )
        page = rows[:size]
        covered = repository.covered_asset_ids(session, [c.id for c in page])
        items = [service.render(c, covered[c.id], money=money) for c in page]
    return list_response(request, items, next_cursor(rows, size))


@router.get("/{contract_id}", response_model=dict[str, Any], responses=PROBLEMS)
def read(contract_id: RecordId, principal: TopologyReader) -> Response:
    """One contract; its cost only for finance and admin."""
    with get_sessionmaker()() as session:
        contract = require(session, Contract, contract_id, "contract")
        return one_response(
            _one(session, contract, sees_money(principal.role)), contract.version
        )


@router.patch("/{contract_id}", response_model=dict[str, Any], responses=PROBLEMS)
def update(
    contract_id: RecordId,
    body: ContractUpdate,
    principal: LedgerWriter,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    """Change a contract; with If-Match, only if nobody changed it since."""
    with unit_of_work() as session:
        contract = service.update_contract(
            session, contract_id, body.model_dump(exclude_unset=True), if_match=if_match
        )
        result = _one(session, contract, sees_money(principal.role))
    request.state.audit_entity = f"contract:{contract_id}"
    return one_response(result, contract.version)


@router.delete("/{contract_id}", status_code=204, responses=PROBLEMS)
def delete(
    contract_id: RecordId,
    principal: LedgerWriter,
    request: Request,
    if_match: IfMatch = None,
) -> Response:
    """Remove a contract."""
    with unit_of_work() as session:
        service.delete_contract(session, contract_id, if_match=if_match)
    request.state.audit_entity = f"contract:{contract_id}"
    log.info("contract.deleted", contract_id=contract_id)
    return Response(status_code=204)
