"""What an asset costs per month, for reports here and for service cost through the graph.

A month's cost of an asset is the depreciation charged to that month plus the cost entries
booked for it, per currency. Everything is computed from the records on each call, so an
edited or deleted cost entry shows at once.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from graphledger.asset import repository as asset_repository
from graphledger.asset.service import plan_of
from graphledger.cost import repository as cost_repository
from graphledger.ledger.depreciation import charge_for_month
from graphledger.ledger.periods import months_between

Costs = dict[int, dict[str, Decimal]]


def period_cost(
    session: Session, asset_ids: list[int], first: date, last: date
) -> Costs:
    """Per asset and currency: depreciation charges plus cost entries over the months
    from `first` to `last` (both included; any day of a month stands for the month)."""
    first, last = first.replace(day=1), last.replace(day=1)
    result: Costs = {asset_id: defaultdict(Decimal) for asset_id in asset_ids}
    months = months_between(first, last)
    for asset in asset_repository.by_ids(session, asset_ids):
        plan = plan_of(asset)
        if plan is None:
            continue
        charged = sum((charge_for_month(plan, m) for m in months), Decimal(0))
        if charged:
            result[asset.id][plan.currency] += charged
    for entry, _vendor in cost_repository.entries_between(
        session, first, last, asset_ids
    ):
        result[entry.asset_id][entry.currency] += entry.amount
    return {asset_id: dict(sums) for asset_id, sums in result.items()}


def monthly_cost(session: Session, asset_ids: list[int], month: date) -> Costs:
    """Per asset and currency, the cost of one month: its depreciation charge plus the cost
    entries booked for it. Assets without either map to an empty dict."""
    return period_cost(session, asset_ids, month, month)


def assets_by_ci_key(session: Session, keys: list[str]) -> dict[str, int]:
    """The asset id linked to each CI key (keys compared lower-case); unlinked keys absent."""
    return asset_repository.ids_by_ci_keys(session, sorted({k.lower() for k in keys}))
