"""Finance reports, computed from the ledger on each call; totals are kept per currency."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from graphledger.asset import repository as asset_repository
from graphledger.asset.service import plan_of
from graphledger.contract import repository as contract_repository
from graphledger.cost import repository as cost_repository
from graphledger.finance import repository
from graphledger.ledger import costs
from graphledger.ledger.depreciation import position
from graphledger.ledger.money import present, present_totals, quantize
from graphledger.ledger.periods import format_month
from graphledger.license import repository as license_repository
from graphledger.models import Asset, CostCenter

Sums = defaultdict[str, Decimal]


def _sums() -> Sums:
    return defaultdict(Decimal)


def _owned_on(asset: Asset, as_of: date, disposed: dict[int, Any]) -> bool:
    if asset.purchase_cost is None or asset.currency is None:
        return False
    if asset.purchase_date is not None and asset.purchase_date > as_of:
        return False
    gone = disposed.get(asset.id)
    return not (asset.state == "disposed" and gone is not None and gone.date() <= as_of)


def _center_row(center: CostCenter | None) -> dict[str, Any]:
    return {
        "cost_center_id": center.id if center else None,
        "code": center.code if center else None,
        "name": center.name if center else None,
    }


def book_value(session: Session, as_of: date) -> dict[str, Any]:
    """Per cost center: what its assets cost, their accumulated depreciation and book value."""
    centers = repository.cost_centers(session)
    disposed = asset_repository.disposal_dates(session)
    groups: dict[int | None, dict[str, Any]] = {
        c.id: {"assets": 0, "cost": _sums(), "acc": _sums(), "book": _sums()}
        for c in centers
    }
    for asset in asset_repository.all_assets(session):
        if not _owned_on(asset, as_of, disposed):
            continue
        assert asset.purchase_cost is not None and asset.currency is not None
        group = groups.setdefault(
            asset.cost_center_id,
            {"assets": 0, "cost": _sums(), "acc": _sums(), "book": _sums()},
        )
        plan = plan_of(asset)
        cost = quantize(asset.purchase_cost, asset.currency)
        if plan is None:
            accumulated, book = Decimal(0), cost
        else:
            now = position(plan, as_of)
            accumulated, book = now.accumulated, now.book_value
        group["assets"] += 1
        group["cost"][asset.currency] += cost
        group["acc"][asset.currency] += accumulated
        group["book"][asset.currency] += book
    by_id = {c.id: c for c in centers}
    items = []
    totals = _sums()
    for center_id, group in groups.items():
        for currency, amount in group["book"].items():
            totals[currency] += amount
        items.append(
            _center_row(by_id.get(center_id) if center_id is not None else None)
            | {
                "assets": group["assets"],
                "purchase_cost": present_totals(group["cost"]),
                "accumulated_depreciation": present_totals(group["acc"]),
                "book_value": present_totals(group["book"]),
            }
        )
    items.sort(key=lambda i: (i["code"] is None, i["code"] or ""))
    return {"as_of": as_of.isoformat(), "items": items, "total": present_totals(totals)}


def tco(session: Session, first: date, last: date, group_by: str) -> dict[str, Any]:
    """Depreciation plus cost entries over the months from `first` to `last`, per asset or
    per cost center."""
    assets = asset_repository.all_assets(session)
    per_asset = costs.period_cost(session, [a.id for a in assets], first, last)
    totals = _sums()
    items: list[dict[str, Any]] = []
    if group_by == "asset":
        for asset in assets:
            sums = per_asset[asset.id]
            for currency, amount in sums.items():
                totals[currency] += amount
            items.append(
                {
                    "asset_id": asset.id,
                    "asset_tag": asset.asset_tag,
                    "cost_center_id": asset.cost_center_id,
                    "total": present_totals(sums),
                }
            )
    else:
        centers = {c.id: c for c in repository.cost_centers(session)}
        grouped: dict[int | None, Sums] = {c: _sums() for c in centers}
        for asset in assets:
            group = grouped.setdefault(asset.cost_center_id, _sums())
            for currency, amount in per_asset[asset.id].items():
                group[currency] += amount
                totals[currency] += amount
        for center_id, sums in grouped.items():
            center = centers.get(center_id) if center_id is not None else None
            items.append(_center_row(center) | {"total": present_totals(sums)})
    return {
        "from": format_month(first),
        "to": format_month(last),
        "group_by": group_by,
        "items": items,
        "total": present_totals(totals),
    }


def spend(session: Session, month: date, group_by: str) -> dict[str, Any]:
    """Cost entries booked for a month, per vendor (of the asset) or per category."""
    grouped: dict[Any, Sums] = {}
    totals = _sums()
    for entry, vendor_id in cost_repository.entries_between(session, month, month):
        key = vendor_id if group_by == "vendor" else entry.category
        grouped.setdefault(key, _sums())[entry.currency] += entry.amount
        totals[entry.currency] += entry.amount
    items: list[dict[str, Any]]
    if group_by == "vendor":
        names = {v.id: v.name for v in repository.vendors(session)}
        items = [
            {"vendor_id": key, "vendor": names.get(key), "total": present_totals(sums)}
            for key, sums in grouped.items()
        ]
        items.sort(key=lambda i: (i["vendor"] is None, i["vendor"] or ""))
    else:
        items = [
            {"category": key, "total": present_totals(sums)}
            for key, sums in sorted(grouped.items())
        ]
    return {
        "month": format_month(month),
        "group_by": group_by,
        "items": items,
        "total": present_totals(totals),
    }


def renewals(
    session: Session, today: date, within_days: int, *, money: bool
) -> list[dict[str, Any]]:
    """Contracts and licenses whose end or notice deadline falls in the coming days, and
    warranties already ended on assets still in the estate; soonest deadline first."""
    last = today + timedelta(days=within_days)
    vendors = {v.id: v.name for v in repository.vendors(session)}
    items: list[dict[str, Any]] = []
    for kind, rows in (
        ("contract", contract_repository.ending_between(session, today, last)),
        ("license", license_repository.ending_between(session, today, last)),
    ):
        for row in rows:
            assert row.end_date is not None
            deadline = row.end_date - timedelta(days=row.notice_days)
            item = {
                "type": kind,
                "id": row.id,
                "name": row.name,
                "vendor_id": row.vendor_id,
                "vendor": vendors.get(row.vendor_id) if row.vendor_id else None,
                "end_date": row.end_date.isoformat(),
                "notice_days": row.notice_days,
                "notice_deadline": deadline.isoformat(),
                "notice_passed": deadline < today,
                "auto_renew": getattr(row, "auto_renew", None),
                "currency": row.currency,
            }
            if money:
                item["cost"] = present(row.cost, row.currency)
            items.append(item)
    for asset in asset_repository.warranties_ended(session, today):
        assert asset.warranty_end is not None
        items.append(
            {
                "type": "warranty",
                "id": asset.id,
                "name": asset.asset_tag,
                "vendor_id": asset.vendor_id,
                "vendor": vendors.get(asset.vendor_id) if asset.vendor_id else None,
                "end_date": asset.warranty_end.isoformat(),
                "notice_days": 0,
                "notice_deadline": asset.warranty_end.isoformat(),
                "notice_passed": True,
                "auto_renew": None,
                "currency": asset.currency,
            }
        )
    items.sort(key=lambda i: (i["notice_deadline"], i["type"], i["id"]))
    return items
