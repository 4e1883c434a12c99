"""Asset writes and reads: references checked, the lifecycle enforced, money gated."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from graphledger.asset import repository
from graphledger.asset.lifecycle import INITIAL, allowed_moves
from graphledger.asset.schemas import AssetCreate
from graphledger.ci import repository as ci_repository
from graphledger.errors import Conflict, NotFound, Unprocessable
from graphledger.ledger import repository as ledger_repository
from graphledger.ledger.common import apply_changes, check_version, flush_guarded
from graphledger.ledger.depreciation import (
    DepreciationInputError,
    Plan,
    check_plan,
    position,
    schedule,
)
from graphledger.ledger.money import present
from graphledger.models import Asset, AssetMove, CostCenter, Vendor

# Sent back unchanged from a GET body they are ignored; they are never written.
READ_ONLY = ("id", "version", "created_at", "updated_at")
_DEPRECIATION_COLUMNS = {
    "method": "depreciation_method",
    "life_months": "life_months",
    "salvage_value": "salvage_value",
    "rate": "depreciation_rate",
}


def find(session: Session, ref: str, *, lock: bool = False) -> Asset:
    """An asset by id, or by asset tag; 404 when neither matches."""
    asset = None
    if ref.isdigit():
        asset = ledger_repository.get(session, Asset, int(ref), lock=lock)
    if asset is None:
        asset = repository.get_by_tag(session, ref, lock=lock)
    if asset is None:
        raise NotFound(f"no asset with id or tag {ref!r}", asset=ref)
    return asset


def _columns(fields: dict[str, Any]) -> dict[str, Any]:
    """Request fields as column values: depreciation spread out, the CI key lower-cased."""
    values = dict(fields)
    if "depreciation" in values:
        settings = values.pop("depreciation") or {}
        for name, column in _DEPRECIATION_COLUMNS.items():
            values[column] = settings.get(name)
    if values.get("ci_key") is not None:
        values["ci_key"] = values["ci_key"].lower()
    return values


def plan_of(asset: Asset) -> Plan | None:
    """The depreciation plan of an asset, when it has one and a cost to depreciate."""
    if (
        asset.depreciation_method is None
        or asset.purchase_cost is None
        or asset.currency is None
        or asset.in_service_date is None
        or asset.life_months is None
    ):
        return None
    return Plan(
        cost=asset.purchase_cost,
        currency=asset.currency,
        in_service=asset.in_service_date,
        method=asset.depreciation_method,
        life_months=asset.life_months,
        salvage_value=asset.salvage_value or Decimal(0),
        rate=asset.depreciation_rate,
    )


def _check_consistency(session: Session, asset: Asset) -> None:
    """422 naming each field that contradicts another or points nowhere."""
    errors: list[dict[str, str]] = []

    def bad(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    if asset.purchase_cost is not None and asset.currency is None:
        bad("currency", "a purchase cost needs its currency")
    if (
        asset.purchase_date
        and asset.in_service_date
        and asset.in_service_date < asset.purchase_date
    ):
        bad("in_service_date", "in service before it was purchased")
    if asset.depreciation_method is not None:
        if asset.purchase_cost is None:
            bad("purchase_cost", "depreciation needs a purchase cost")
        else:
            try:
                check_plan(
                    Plan(
                        cost=asset.purchase_cost,
                        currency=asset.currency or "",
                        in_service=asset.in_service_date or date.min,
                        method=asset.depreciation_method,
                        life_months=asset.life_months or 0,
                        salvage_value=asset.salvage_value or Decimal(0),
                        rate=asset.depreciation_rate,
                    )
                )
            except DepreciationInputError as error:
                bad(f"depreciation.{error.field}", str(error))
    if asset.vendor_id is not None and not ledger_repository.get(
        session, Vendor, asset.vendor_id
    ):
        bad("vendor_id", f"no vendor with id {asset.vendor_id}")
    if asset.cost_center_id is not None and not ledger_repository.get(
        session, CostCenter, asset.cost_center_id
    ):
        bad("cost_center_id", f"no cost center with id {asset.cost_center_id}")
    if errors:
        raise Unprocessable(
            "invalid: " + ", ".join(e["field"] for e in errors), errors=errors
        )


def _check_ci_link(session: Session, asset: Asset) -> None:
    """The linked CI must exist, and link to no other asset."""
    if asset.ci_key is None:
        return
    head = ci_repository.get_head(session, asset.ci_key)
    live = head is not None and not head.deleted
    check_ci_link(asset, live, repository.get_by_ci_key(session, asset.ci_key))


def check_ci_link(asset: Asset, ci_live: bool, linked: Asset | None) -> None:
    """422 when the asset's CI is not live, 409 when another asset (`linked`) holds it."""
    if asset.ci_key is None:
        return
    if not ci_live:
        raise Unprocessable(f"no CI with key {asset.ci_key!r}", field="ci_key")
    if linked is not None and linked.id != asset.id:
        raise Conflict(
            f"CI {asset.ci_key!r} is already the CI of asset {linked.asset_tag!r}",
            asset_id=linked.id,
            asset_tag=linked.asset_tag,
        )


def _record_move(
    session: Session, asset: Asset, from_state: str | None, actor: str
) -> None:
    session.add(
        AssetMove(
            asset_id=asset.id, from_state=from_state, to_state=asset.state, actor=actor
        )
    )


def create_asset(session: Session, data: AssetCreate, *, actor: str) -> Asset:
    """A new asset and its first lifecycle entry; 409 when the tag is taken."""
    if data.state not in INITIAL:
        raise Unprocessable("a new asset cannot start disposed", field="state")
    if repository.get_by_tag(session, data.asset_tag) is not None:
        raise Conflict(f"asset tag {data.asset_tag!r} is taken", field="asset_tag")
    asset = Asset(**_columns(data.model_dump()), version=1)
    _check_consistency(session, asset)
    _check_ci_link(session, asset)
    session.add(asset)
    flush_guarded(session, "asset")
    _record_move(session, asset, None, actor)
    session.flush()
    return asset


def new_asset(session: Session, data: AssetCreate) -> Asset:
    """A new asset checked as create_asset checks it, except its tag and CI link (the caller
    checks those against what it read for many assets at once); not yet added."""
    if data.state not in INITIAL:
        raise Unprocessable("a new asset cannot start disposed", field="state")
    asset = Asset(**_columns(data.model_dump()), version=1)
    _check_consistency(session, asset)
    return asset


def add_assets(session: Session, assets: list[Asset], *, actor: str) -> None:
    """Store new assets and their first lifecycle entries with one flush each."""
    session.add_all(assets)
    flush_guarded(session, "asset")
    for asset in assets:
        _record_move(session, asset, None, actor)
    session.flush()


def update_asset(
    session: Session,
    ref: str,
    changes: dict[str, Any],
    *,
    if_match: str | None,
    actor: str,
) -> Asset:
    """Apply a partial update; a state change must be a lifecycle move (409 otherwise)."""
    asset = find(session, ref, lock=True)
    check_version(asset, if_match, "asset")
    changes = dict(changes)
    for field in READ_ONLY:
        value = changes.pop(field, None)
        if field == "id" and value is not None and value != asset.id:
            raise Unprocessable("an asset's id cannot change", field="id")
    for field in ("asset_tag", "state"):
        if field in changes and changes[field] is None:
            raise Unprocessable(f"an asset keeps its {field}", field=field)

    before_state = asset.state
    target = changes.get("state", before_state)
    if target != before_state and target not in allowed_moves(before_state):
        raise Conflict(
            f"an asset cannot move from {before_state} to {target}",
            current_state=before_state,
            requested_state=target,
            allowed=allowed_moves(before_state),
        )
    if apply_changes(asset, _columns(changes)):
        _check_consistency(session, asset)
        _check_ci_link(session, asset)
        flush_guarded(session, "asset")
    if asset.state != before_state:
        _record_move(session, asset, before_state, actor)
        session.flush()
    return asset


def render(asset: Asset, *, money: bool) -> dict[str, Any]:
    """The JSON of an asset; without `money`, its purchase cost and salvage are left out."""
    currency = asset.currency
    depreciation = None
    if asset.depreciation_method is not None:
        depreciation = {
            "method": asset.depreciation_method,
            "life_months": asset.life_months,
            "rate": None
            if asset.depreciation_rate is None
            else format(asset.depreciation_rate.normalize(), "f"),
        }
        if money:
            depreciation["salvage_value"] = present(asset.salvage_value, currency)
    body: dict[str, Any] = {
        "id": asset.id,
        "asset_tag": asset.asset_tag,
        "name": asset.name,
        "notes": asset.notes,
        "serial": asset.serial,
        "model": asset.model,
        "vendor_id": asset.vendor_id,
        "cost_center_id": asset.cost_center_id,
        "owner": asset.owner,
        "location": asset.location,
        "ci_key": asset.ci_key,
        "currency": currency,
        "purchase_date": _iso(asset.purchase_date),
        "in_service_date": _iso(asset.in_service_date),
        "warranty_end": _iso(asset.warranty_end),
        "state": asset.state,
        "depreciation": depreciation,
        "version": asset.version,
        "created_at": asset.created_at.isoformat(),
        "updated_at": asset.updated_at.isoformat(),
    }
    if money:
        body["purchase_cost"] = present(asset.purchase_cost, currency)
    return body


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def depreciation_report(asset: Asset, as_of: date) -> dict[str, Any]:
    """Book value, accumulated depreciation and the whole schedule as of a date."""
    if asset.purchase_cost is None or asset.currency is None:
        raise Unprocessable(
            f"asset {asset.asset_tag!r} has no purchase cost to depreciate",
            field="purchase_cost",
        )
    currency = asset.currency
    plan = plan_of(asset)
    report: dict[str, Any] = {
        "asset_id": asset.id,
        "asset_tag": asset.asset_tag,
        "as_of": as_of.isoformat(),
        "currency": currency,
        "purchase_cost": present(asset.purchase_cost, currency),
        "method": asset.depreciation_method,
        "life_months": asset.life_months,
        "salvage_value": present(asset.salvage_value, currency),
        "in_service_date": _iso(asset.in_service_date),
    }
    if plan is None:
        # Not depreciating (no plan, or not yet in service): worth what it cost.
        return report | {
            "months_elapsed": 0,
            "accumulated_depreciation": present(Decimal(0), currency),
            "book_value": present(asset.purchase_cost, currency),
            "schedule": [],
        }
    now = position(plan, as_of)
    rows = [
        {
            "month": row.month,
            "starts": row.starts.isoformat(),
            "ends": row.ends.isoformat(),
            "charge": present(row.charge, currency),
            "accumulated_depreciation": present(row.accumulated, currency),
            "book_value": present(row.book_value, currency),
            "elapsed": row.month <= now.months_elapsed,
        }
        for row in schedule(plan)
    ]
    return report | {
        "months_elapsed": now.months_elapsed,
        "accumulated_depreciation": present(now.accumulated, currency),
        "book_value": present(now.book_value, currency),
        "schedule": rows,
    }
