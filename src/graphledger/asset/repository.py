"""SQL for assets and their moves; nothing else in this package touches the database."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from graphledger.models import Asset, AssetMove


def get_by_tag(session: Session, tag: str, *, lock: bool = False) -> Asset | None:
    stmt = select(Asset).where(Asset.asset_tag == tag)
    if lock:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def by_tags_lc(session: Session, tags_lc: list[str]) -> list[Asset]:
    """Assets whose tag, lower-cased, is one of `tags_lc`."""
    return list(
        session.execute(
            select(Asset).where(func.lower(Asset.asset_tag).in_(tags_lc))
        ).scalars()
    )


def serial_key() -> Any:
    """The serial as compared: upper-cased, every space removed (like CI serials)."""
    return func.upper(func.regexp_replace(Asset.serial, r"\s", "", "g"))


def by_serials(session: Session, serials: list[str]) -> list[Asset]:
    """Assets whose compared serial is one of `serials` (already normalised)."""
    return list(
        session.execute(
            select(Asset).where(serial_key().in_(serials)).order_by(Asset.id)
        ).scalars()
    )


def get_by_ci_key(session: Session, key_lc: str) -> Asset | None:
    return session.execute(
        select(Asset).where(Asset.ci_key == key_lc)
    ).scalar_one_or_none()


def by_ci_keys(session: Session, keys_lc: list[str]) -> list[Asset]:
    return list(
        session.execute(select(Asset).where(Asset.ci_key.in_(keys_lc))).scalars()
    )


def ids_by_ci_keys(session: Session, keys_lc: list[str]) -> dict[str, int]:
    """The id of the asset linked to each of the CI keys that has one; only the two columns."""
    rows = session.execute(
        select(Asset.ci_key, Asset.id).where(Asset.ci_key.in_(keys_lc))
    )
    return {ci_key: asset_id for ci_key, asset_id in rows if ci_key}


def by_ids(session: Session, ids: list[int]) -> list[Asset]:
    return list(session.execute(select(Asset).where(Asset.id.in_(ids))).scalars())


def list_assets(
    session: Session,
    *,
    after: int | None,
    limit: int,
    state: str | None = None,
    cost_center_id: int | None = None,
    vendor_id: int | None = None,
    ci_key: str | None = None,
    owner: str | None = None,
    text: str | None = None,
) -> list[Asset]:
    stmt: Select[tuple[Asset]] = select(Asset)
    if after is not None:
        stmt = stmt.where(Asset.id > after)
    if state is not None:
        stmt = stmt.where(Asset.state == state)
    if cost_center_id is not None:
        stmt = stmt.where(Asset.cost_center_id == cost_center_id)
    if vendor_id is not None:
        stmt = stmt.where(Asset.vendor_id == vendor_id)
    if ci_key is not None:
        stmt = stmt.where(Asset.ci_key == ci_key.lower())
    if owner is not None:
        stmt = stmt.where(Asset.owner == owner)
    if text is not None:
        stmt = stmt.where(
            Asset.asset_tag.icontains(text, autoescape=True)
            | Asset.serial.icontains(text, autoescape=True)
            | Asset.model.icontains(text, autoescape=True)
        )
    return list(session.execute(stmt.order_by(Asset.id).limit(limit)).scalars())


def all_assets(session: Session) -> list[Asset]:
    """Every asset, for reports that read the whole ledger."""
    return list(session.execute(select(Asset).order_by(Asset.id)).scalars())


def moves_of(session: Session, asset_id: int) -> list[AssetMove]:
    return list(
        session.execute(
            select(AssetMove)
            .where(AssetMove.asset_id == asset_id)
            .order_by(AssetMove.id)
        ).scalars()
    )


def disposal_dates(session: Session) -> dict[int, datetime]:
    """When each disposed asset was disposed (the instant of its move to `disposed`)."""
    rows = session.execute(
        select(AssetMove.asset_id, AssetMove.at).where(AssetMove.to_state == "disposed")
    )
    return {asset_id: at for asset_id, at in rows}


def warranties_ended(session: Session, before: date) -> list[Asset]:
    """Assets still in the estate whose warranty ended before a date."""
    return list(
        session.execute(
            select(Asset)
            .where(
                Asset.warranty_end < before,
                Asset.state.not_in(("retired", "disposed")),
            )
            .order_by(Asset.warranty_end, Asset.id)
        ).scalars()
    )
