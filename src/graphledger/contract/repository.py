"""SQL for contracts and the assets they cover."""

from datetime import date

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from graphledger.models import Asset, Contract, contract_assets


def covered_asset_ids(
    session: Session, contract_ids: list[int]
) -> dict[int, list[int]]:
    rows = session.execute(
        select(contract_assets.c.contract_id, contract_assets.c.asset_id)
        .where(contract_assets.c.contract_id.in_(contract_ids))
        .order_by(contract_assets.c.asset_id)
    )
    covered: dict[int, list[int]] = {i: [] for i in contract_ids}
    for contract_id, asset_id in rows:
        covered[contract_id].append(asset_id)
    return covered


def set_covered(session: Session, contract_id: int, asset_ids: list[int]) -> None:
    session.execute(
        delete(contract_assets).where(contract_assets.c.contract_id == contract_id)
    )
    if asset_ids:
        session.execute(
            insert(contract_assets),
            [{"contract_id": contract_id, "asset_id": a} for a in asset_ids],
        )


def existing_asset_ids(session: Session, asset_ids: list[int]) -> set[int]:
    return set(
        session.execute(select(Asset.id).where(Asset.id.in_(asset_ids))).scalars()
    )


def ending_between(session: Session, first: date, last: date) -> list[Contract]:
    """Contracts still running on `first` whose end falls no later than `last`."""
    return list(
        session.execute(
            select(Contract).where(
                Contract.end_date.is_not(None),
                Contract.end_date >= first,
                Contract.end_date - Contract.notice_days <= last,
            )
        ).scalars()
    )


def covering(session: Session, asset_ids: list[int]) -> list[tuple[Contract, int]]:
    """(contract, covered asset id) for every contract covering one of the given assets."""
    rows = session.execute(
        select(Contract, contract_assets.c.asset_id)
        .join(contract_assets, contract_assets.c.contract_id == Contract.id)
        .where(contract_assets.c.asset_id.in_(asset_ids))
        .order_by(Contract.end_date, Contract.id)
    )
    return [(contract, asset_id) for contract, asset_id in rows]
