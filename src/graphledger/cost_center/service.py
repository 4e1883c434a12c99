"""Cost-center writes: the parent must exist and the tree may not loop."""

from typing import Any

from sqlalchemy.orm import Session

from graphledger.cost_center.schemas import CostCenterCreate
from graphledger.errors import Unprocessable
from graphledger.ledger import repository
from graphledger.ledger.common import (
    apply_changes,
    check_version,
    flush_guarded,
    require,
)
from graphledger.models import CostCenter


def _check_parent(session: Session, parent_id: int | None, own_id: int | None) -> None:
    """422 naming parent_id when the parent is missing or would make a loop."""
    seen: set[int] = set()
    current = parent_id
    while current is not None and current not in seen:
        if current == own_id:
            raise Unprocessable(
                "a cost center cannot sit below itself", field="parent_id"
            )
        seen.add(current)
        parent = repository.get(session, CostCenter, current)
        if parent is None:
            raise Unprocessable(f"no cost center with id {current}", field="parent_id")
        current = parent.parent_id


def create_cost_center(session: Session, data: CostCenterCreate) -> CostCenter:
    """A new cost center; 409 when the code is taken."""
    _check_parent(session, data.parent_id, None)
    center = CostCenter(**data.model_dump())
    session.add(center)
    flush_guarded(session, "cost center")
    return center


def update_cost_center(
    session: Session, center_id: int, changes: dict[str, Any], *, if_match: str | None
) -> CostCenter:
    """Change a cost center, honouring If-Match."""
    center = require(session, CostCenter, center_id, "cost center", lock=True)
    check_version(center, if_match, "cost center")
    for field in ("code", "name"):
        if field in changes and changes[field] is None:
            raise Unprocessable(f"a cost center keeps a {field}", field=field)
    if "parent_id" in changes:
        _check_parent(session, changes["parent_id"], center.id)
    apply_changes(center, changes)
    flush_guarded(session, "cost center")
    return center


def delete_cost_center(
    session: Session, center_id: int, *, if_match: str | None
) -> None:
    """Remove a cost center; 409 while assets or child centers refer to it."""
    center = require(session, CostCenter, center_id, "cost center", lock=True)
    check_version(center, if_match, "cost center")
    session.delete(center)
    flush_guarded(session, "cost center deletion")
