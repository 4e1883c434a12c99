"""SQL every ledger record shares: fetch one by id, and a page in id order."""

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from graphledger.models.base import Base

M = TypeVar("M", bound=Base)


def get(session: Session, model: type[M], id_: int, *, lock: bool = False) -> M | None:
    stmt = select(model).where(model.id == id_)  # type: ignore[attr-defined]
    if lock:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def page(
    session: Session,
    model: type[M],
    *,
    after: int | None,
    limit: int,
    where: Sequence[ColumnElement[Any]],
) -> list[M]:
    """Up to `limit` rows after the id `after`, in id order, matching every condition."""
    id_column = model.id  # type: ignore[attr-defined]
    stmt = select(model).where(*where)
    if after is not None:
        stmt = stmt.where(id_column > after)
    return list(session.execute(stmt.order_by(id_column).limit(limit)).scalars())


def by_lower(
    session: Session, model: type[M], column: Any, values: list[str]
) -> list[M]:
    """Rows whose `column`, lower-cased, is one of `values` (given lower-cased), in id order."""
    if not values:
        return []
    id_column = model.id  # type: ignore[attr-defined]
    stmt = select(model).where(func.lower(column).in_(values)).order_by(id_column)
    return list(session.execute(stmt).scalars())
