"""SQL for CI heads and their journal; nothing else in this package touches the database."""

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Boolean, DateTime, Integer, Select, String, bindparam, select
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.orm import Session

from graphledger.db import among, json_rows
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


class HeadRow(NamedTuple):
    """A CI head as plain values, for bulk work that writes heads with set-based statements."""

    key_lc: str
    key: str
    class_name: str
    version: int
    deleted: bool
    document: dict[str, Any]


class LiveKey(NamedTuple):
    """The key of a live CI, as stored and as compared."""

    key_lc: str
    key: str


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


def head_rows_for_update(session: Session, keys_lc: list[str]) -> dict[str, HeadRow]:
    """Heads for many keys at once as plain rows, deleted ones included, locked in key order."""
    if not keys_lc:
        return {}
    # Plain rows from the connection: the ORM result layer cost more than the query itself.
    rows = session.connection().execute(
        select(
            CIHead.key_lc,
            CIHead.key,
            CIHead.class_name,
            CIHead.version,
            CIHead.deleted,
            CIHead.document,
        )
        .where(among(CIHead.key_lc, keys_lc, String()))
        .order_by(CIHead.key_lc)
        .with_for_update()
    )
    return {row.key_lc: HeadRow(*row) for row in rows}


def live_keys(session: Session, keys_lc: list[str]) -> dict[str, LiveKey]:
    """The live CIs among `keys_lc`, held against a concurrent delete until the transaction
    ends (share locks taken in key order, so two writers cannot deadlock)."""
    if not keys_lc:
        return {}
    rows = session.connection().execute(
        select(CIHead.key_lc, CIHead.key)
        .where(among(CIHead.key_lc, keys_lc, String()), CIHead.deleted.is_(False))
        .order_by(CIHead.key_lc)
        .with_for_update(read=True)
    )
    return {key_lc: LiveKey(key_lc, key) for key_lc, key in rows}


def write_heads(session: Session, heads: list[HeadRow], at: datetime) -> None:
    """Insert or overwrite many heads in one statement.

    A head that exists keeps its created_at; everything else is replaced by the row given.
    """
    if not heads:
        return
    rows = json_rows(
        [h._asdict() for h in heads],
        key_lc=String(),
        key=String(),
        class_name=String(),
        version=Integer(),
        deleted=Boolean(),
        document=JSONB(),
    )
    stamp = bindparam("at", at, type_=DateTime(timezone=True))
    stmt = insert(CIHead).from_select(
        ["key_lc", "key", "class_name", "version", "deleted", "document"]
        + ["created_at", "updated_at"],
        select(
            rows.c.key_lc,
            rows.c.key,
            rows.c.class_name,
            rows.c.version,
            rows.c.deleted,
            rows.c.document,
            stamp,
            stamp,
        ),
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[CIHead.key_lc],
            set_={
                "key": stmt.excluded.key,
                "class_name": stmt.excluded.class_name,
                "version": stmt.excluded.version,
                "deleted": stmt.excluded.deleted,
                "document": stmt.excluded.document,
                "updated_at": stmt.excluded.updated_at,
            },
        )
    )


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
