"""Contract writes and their JSON; money reaches finance and admin only."""

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from graphledger.contract import repository
from graphledger.contract.schemas import ContractCreate
from graphledger.errors import Unprocessable
from graphledger.ledger import repository as ledger_repository
from graphledger.ledger.common import (
    apply_changes,
    check_version,
    flush_guarded,
    require,
)
from graphledger.ledger.money import present
from graphledger.models import Contract, Vendor


def _check(session: Session, contract: Contract, asset_ids: list[int] | None) -> None:
    errors: list[dict[str, str]] = []
    if contract.end_date is not None and contract.end_date < contract.start_date:
        errors.append({"field": "end_date", "message": "ends before it starts"})
    if contract.cost is not None and contract.currency is None:
        errors.append({"field": "currency", "message": "a cost needs its currency"})
    if contract.vendor_id is not None and not ledger_repository.get(
        session, Vendor, contract.vendor_id
    ):
        errors.append(
            {"field": "vendor_id", "message": f"no vendor with id {contract.vendor_id}"}
        )
    if asset_ids:
        missing = sorted(
            set(asset_ids) - repository.existing_asset_ids(session, asset_ids)
        )
        if missing:
            errors.append(
                {"field": "asset_ids", "message": f"no assets with ids {missing}"}
            )
    if errors:
        raise Unprocessable(
            "invalid: " + ", ".join(e["field"] for e in errors), errors=errors
        )


def create_contract(session: Session, data: ContractCreate) -> Contract:
    """A new contract and the assets it covers."""
    fields = data.model_dump(exclude={"asset_ids"})
    contract = Contract(**fields, version=1)
    asset_ids = sorted(set(data.asset_ids))
    _check(session, contract, asset_ids)
    session.add(contract)
    flush_guarded(session, "contract")
    repository.set_covered(session, contract.id, asset_ids)
    return contract


def update_contract(
    session: Session, contract_id: int, changes: dict[str, Any], *, if_match: str | None
) -> Contract:
    """Change a contract, honouring If-Match; `asset_ids` replaces the covered set."""
    contract = require(session, Contract, contract_id, "contract", lock=True)
    check_version(contract, if_match, "contract")
    for field in ("name", "kind", "start_date", "notice_days", "auto_renew"):
        if field in changes and changes[field] is None:
            raise Unprocessable(f"a contract keeps its {field}", field=field)
    asset_ids = changes.pop("asset_ids", None)
    changed = apply_changes(contract, changes)
    covered = sorted(set(asset_ids)) if asset_ids is not None else None
    _check(session, contract, covered)
    if covered is not None:
        current = repository.covered_asset_ids(session, [contract.id])[contract.id]
        if current != covered:
            repository.set_covered(session, contract.id, covered)
            if not changed:
                apply_changes(contract, {"version": contract.version + 1})
    flush_guarded(session, "contract")
    return contract


def delete_contract(
    session: Session, contract_id: int, *, if_match: str | None
) -> None:
    """Remove a contract; the assets it covered stay."""
    contract = require(session, Contract, contract_id, "contract", lock=True)
    check_version(contract, if_match, "contract")
    session.delete(contract)
    flush_guarded(session, "contract deletion")


def render(contract: Contract, asset_ids: list[int], *, money: bool) -> dict[str, Any]:
    """The JSON of a contract; without `money`, its cost is left out."""
    body: dict[str, Any] = {
        "id": contract.id,
        "name": contract.name,
        "kind": contract.kind,
        "vendor_id": contract.vendor_id,
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat() if contract.end_date else None,
        "notice_days": contract.notice_days,
        "notice_deadline": notice_deadline(contract),
        "auto_renew": contract.auto_renew,
        "currency": contract.currency,
        "asset_ids": asset_ids,
        "version": contract.version,
        "created_at": contract.created_at.isoformat(),
        "updated_at": contract.updated_at.isoformat(),
    }
    if money:
        body["cost"] = present(contract.cost, contract.currency)
    return body


def notice_deadline(contract: Contract) -> str | None:
    """The last day to give notice: the end date minus the notice days."""
    if contract.end_date is None:
        return None
    return (contract.end_date - timedelta(days=contract.notice_days)).isoformat()
