"""SQL for relationship heads."""

import uuid
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import DateTime, String, Uuid, bindparam, insert, literal, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from graphledger.db import json_rows
from graphledger.models import RelationshipHead


class NewHead(NamedTuple):
    """A new relationship's head."""

    id: str
    source_lc: str
    type: str
    target_lc: str
    document: dict[str, Any]


def get(
    session: Session, rel_id: uuid.UUID, *, lock: bool = False
) -> RelationshipHead | None:
    stmt = select(RelationshipHead).where(RelationshipHead.id == rel_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def find_live(
    session: Session, source_lc: str, type_: str, target_lc: str
) -> RelationshipHead | None:
    return session.execute(
        select(RelationshipHead).where(
            RelationshipHead.source_lc == source_lc,
            RelationshipHead.type == type_,
            RelationshipHead.target_lc == target_lc,
            ~RelationshipHead.deleted,  # NOT deleted: the live unique index's own predicate
        )
    ).scalar_one_or_none()


def live_triples(
    session: Session, triples: list[tuple[str, str, str]]
) -> set[tuple[str, str, str]]:
    """Which of the (source_lc, type, target_lc) triples are live relationships."""
    if not triples:
        return set()
    wanted = json_rows(
        [{"s": s, "t": t, "g": g} for s, t, g in triples],
        s=String(),
        t=String(),
        g=String(),
    )
    # Plain rows from the connection: the ORM result layer cost more than the query itself.
    rows = session.connection().execute(
        select(
            RelationshipHead.source_lc,
            RelationshipHead.type,
            RelationshipHead.target_lc,
        ).join(
            wanted,
            (RelationshipHead.source_lc == wanted.c.s)
            & (RelationshipHead.type == wanted.c.t)
            & (RelationshipHead.target_lc == wanted.c.g)
            # NOT deleted, the predicate of the live unique index: with IS FALSE PostgreSQL
            # cannot use it and walked every relationship into a hub per lookup.
            & ~RelationshipHead.deleted,
        )
    )
    return {(r[0], r[1], r[2]) for r in rows}


def add_heads(session: Session, heads: list[NewHead], at: datetime) -> None:
    """Insert the heads of many new relationships (version 1) in one statement."""
    if not heads:
        return
    rows = json_rows(
        [
            {
                "id": h.id,
                "source_lc": h.source_lc,
                "type": h.type,
                "target_lc": h.target_lc,
                "document": h.document,
            }
            for h in heads
        ],
        id=Uuid(),
        source_lc=String(),
        type=String(),
        target_lc=String(),
        document=JSONB(),
    )
    session.execute(
        insert(RelationshipHead).from_select(
            ["id", "source_lc", "type", "target_lc", "document"]
            + ["version", "deleted", "created_at"],
            select(
                rows.c.id,
                rows.c.source_lc,
                rows.c.type,
                rows.c.target_lc,
                rows.c.document,
                literal(1),
                literal(False),
                bindparam("at", at, type_=DateTime(timezone=True)),
            ),
        )
    )
