"""SQL for cost entries."""

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from graphledger.models import Asset, CostEntry


def list_entries(
    session: Session,
    *,
    after: int | None,
    limit: int,
    asset_id: int | None,
    period: date | None,
    category: str | None,
) -> list[CostEntry]:
    stmt: Select[tuple[CostEntry]] = select(CostEntry)
    if after is not None:
        stmt = stmt.where(CostEntry.id > after)
    if asset_id is not None:
        stmt = stmt.where(CostEntry.asset_id == asset_id)
    if period is not None:
        stmt = stmt.where(CostEntry.period == period)
    if category is not None:
        stmt = stmt.where(CostEntry.category == category)
    return list(session.execute(stmt.order_by(CostEntry.id).limit(limit)).scalars())


def entries_between(
    session: Session, first: date, last: date, asset_ids: list[int] | None = None
) -> list[tuple[CostEntry, int | None]]:
    """Entries booked for the months from `first` to `last`, each with its asset's vendor."""
    stmt = (
        select(CostEntry, Asset.vendor_id)
        .join(Asset, Asset.id == CostEntry.asset_id)
        .where(CostEntry.period >= first, CostEntry.period <= last)
    )
    if asset_ids is not None:
        stmt = stmt.where(CostEntry.asset_id.in_(asset_ids))
    return [
        (entry, vendor)
        for entry, vendor in session.execute(stmt.order_by(CostEntry.id))
    ]
