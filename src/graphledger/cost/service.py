"""Cost-entry writes and their JSON."""

from typing import Any

from sqlalchemy.orm import Session

from graphledger.cost.schemas import CostCreate
from graphledger.errors import Unprocessable
from graphledger.ledger import repository as ledger_repository
from graphledger.ledger.common import (
    apply_changes,
    check_version,
    flush_guarded,
    require,
)
from graphledger.ledger.money import present
from graphledger.ledger.periods import format_month
from graphledger.models import Asset, CostEntry


def create_entry(session: Session, data: CostCreate) -> CostEntry:
    """Book a cost on an asset for a month."""
    if ledger_repository.get(session, Asset, data.asset_id) is None:
        raise Unprocessable(f"no asset with id {data.asset_id}", field="asset_id")
    entry = CostEntry(**data.model_dump(), version=1)
    session.add(entry)
    flush_guarded(session, "cost entry")
    return entry


def update_entry(
    session: Session, entry_id: int, changes: dict[str, Any], *, if_match: str | None
) -> CostEntry:
    """Change a cost entry, honouring If-Match."""
    entry = require(session, CostEntry, entry_id, "cost entry", lock=True)
    check_version(entry, if_match, "cost entry")
    for field in ("amount", "currency", "period", "category"):
        if field in changes and changes[field] is None:
            raise Unprocessable(f"a cost entry keeps its {field}", field=field)
    apply_changes(entry, changes)
    flush_guarded(session, "cost entry")
    return entry


def delete_entry(session: Session, entry_id: int, *, if_match: str | None) -> None:
    entry = require(session, CostEntry, entry_id, "cost entry", lock=True)
    check_version(entry, if_match, "cost entry")
    session.delete(entry)
    session.flush()


def render(entry: CostEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "asset_id": entry.asset_id,
        "amount": present(entry.amount, entry.currency),
        "currency": entry.currency,
        "period": format_month(entry.period),
        "category": entry.category,
        "description": entry.description,
        "version": entry.version,
        "created_at": entry.created_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
    }
