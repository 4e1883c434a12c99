"""SQL for CI heads and their journal; nothing else in this package touches the database."""

from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from graphledger.models import CIHead, RelationshipHead, TopologyChange
from graphledger.readpool import compiled, read_pool

# Compiled once, and awaited on the event loop (graphledger.readpool): the most frequent read.
_LIVE_DOCUMENT = compiled(
    select(CIHead.document, CIHead.version).where(
        CIHead.key_lc == bindparam("key_lc"), CIHead.deleted.is_(False)
    )
)


async def live_document(key_lc: str) -> tuple[dict[str, Any], int] | None:
    """The document and version of a live CI (GET /cis/{key})."""
    row = await read_pool().fetch_one(_LIVE_DOCUMENT, {"key_lc": key_lc})
    return None if row is None else (row[0], row[1])


def get_head(session: Session, key_lc: str, *, lock: bool = False) -> CIHead | None:
    stmt = select(CIHead).where(CIHead.key_lc == key_lc)
    if lock:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def get_heads(
    session: Session, keys_lc: list[str], *, share_lock: bool = False
) -> dict[str, CIHead]:
    """Live heads for many keys at once; with `share_lock`, held against a concurrent delete
    or update until the transaction ends (taken in key order, so two writers cannot deadlock)."""
    stmt = select(CIHead).where(CIHead.key_lc.in_(keys_lc), CIHead.deleted.is_(False))
    if share_lock:
        stmt = stmt.order_by(CIHead.key_lc).with_for_update(read=True)
    rows = session.execute(stmt).scalars()
    return {row.key_lc: row for row in rows}


def heads_for_update(session: Session, keys_lc: list[str]) -> dict[str, CIHead]:
    """Heads for many keys at once, deleted ones included, locked for this transaction."""
    if not keys_lc:
        return {}
    rows = session.execute(
        select(CIHead)
        .where(CIHead.key_lc.in_(keys_lc))
        .order_by(CIHead.key_lc)
        .with_for_update()
    ).scalars()
    return {row.key_lc: row for row in rows}


def list_heads(
    session: Session,
    *,
    after: str | None,
    limit: int,
    class_name: str | None,
    status: str | None,
    owner: str | None,
    text: str | None,
) -> list[CIHead]:
    stmt: Select[tuple[CIHead]] = select(CIHead).where(CIHead.deleted.is_(False))
    if after is not None:
        stmt = stmt.where(CIHead.key_lc > after)
    if class_name is not None:
        stmt = stmt.where(CIHead.class_name == class_name)
    if status is not None:
        stmt = stmt.where(CIHead.document["status"].astext == status)
    if owner is not None:
        stmt = stmt.where(CIHead.document["owner"].astext.ilike(owner, escape="\\"))
    if text is not None:
        needle = text.lower()
        stmt = stmt.where(
            CIHead.key_lc.contains(needle, autoescape=True)
            | CIHead.document["name"].astext.icontains(needle, autoescape=True)
        )
    return list(session.execute(stmt.order_by(CIHead.key_lc).limit(limit)).scalars())


def live_relationships_of(
    session: Session, key_lc: str, *, lock: bool = False
) -> list[RelationshipHead]:
    stmt = (
        select(RelationshipHead)
        .where(
            RelationshipHead.deleted.is_(False),
            (RelationshipHead.source_lc == key_lc)
            | (RelationshipHead.target_lc == key_lc),
        )
        .order_by(RelationshipHead.created_at)
    )
    if lock:
        stmt = stmt.with_for_update()
    return list(session.execute(stmt).scalars())


def history(
    session: Session, key_lc: str, *, before_id: int | None, limit: int
) -> list[TopologyChange]:
    """Changes that touched a CI (its own and its relationships'), newest first."""
    stmt = select(TopologyChange).where(TopologyChange.ci_keys.contains([key_lc]))
    if before_id is not None:
        stmt = stmt.where(TopologyChange.id < before_id)
    return list(
        session.execute(stmt.order_by(TopologyChange.id.desc()).limit(limit)).scalars()
    )
