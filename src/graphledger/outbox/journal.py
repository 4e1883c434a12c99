"""Appending to the topology journal, with the outbox entry that carries the change to Neo4j."""

from typing import Any

from sqlalchemy import DateTime, Integer, String, bindparam, insert, literal, select
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Session

from graphledger.db import json_rows
from graphledger.models import OutboxEntry, TopologyChange
from graphledger.models.base import utcnow


def record_change(
    session: Session,
    *,
    entity: str,
    entity_id: str,
    op: str,
    ci_keys: list[str],
    actor: str,
    version: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    source: str = "api",
) -> OutboxEntry:
    """Add a journal row and its outbox entry; the caller's unit of work commits them."""
    change = TopologyChange(
        entity=entity,
        entity_id=entity_id,
        op=op,
        ci_keys=ci_keys,
        actor=actor,
        source=source,
        version=version,
        before=before,
        after=after,
    )
    session.add(change)
    session.flush()
    entry = OutboxEntry(change_id=change.id)
    session.add(entry)
    session.flush()
    return entry


def record_changes(session: Session, changes: list[dict[str, Any]]) -> list[int]:
    """Add many journal rows and their outbox entries in one statement; the outbox ids.

    Each change carries the fields of `record_change`. The journal numbers them in the order
    given and the outbox follows the journal, so the graph applies them in that order.
    """
    if not changes:
        return []
    now = utcnow()
    rows = json_rows(
        [{"n": n, "source": "api"} | change for n, change in enumerate(changes)],
        n=Integer(),
        entity=String(),
        entity_id=String(),
        op=String(),
        ci_keys=ARRAY(String()),
        actor=String(),
        source=String(),
        version=Integer(),
        before=JSONB(),
        after=JSONB(),
    )
    journal = (
        insert(TopologyChange)
        .from_select(
            ["entity", "entity_id", "op", "ci_keys", "actor", "source", "version"]
            + ["before", "after", "at"],
            select(
                rows.c.entity,
                rows.c.entity_id,
                rows.c.op,
                rows.c.ci_keys,
                rows.c.actor,
                rows.c.source,
                rows.c.version,
                rows.c.before,
                rows.c.after,
                bindparam("at", now, type_=DateTime(timezone=True)),
            ).order_by(rows.c.n),
        )
        .returning(TopologyChange.id)
        .cte("journal")
    )
    entries = session.scalars(
        insert(OutboxEntry)
        .from_select(
            ["change_id", "status", "attempts", "created_at"],
            select(
                journal.c.id,
                literal("pending", String()),
                literal(0, Integer()),
                bindparam("created_at", now, type_=DateTime(timezone=True)),
            ).order_by(journal.c.id),
        )
        .returning(OutboxEntry.id)
    ).all()
    return sorted(entries)
