"""Appending to the topology journal, with the outbox entry that carries the change to Neo4j."""

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from graphledger.models import OutboxEntry, TopologyChange


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
    """Add many journal rows and their outbox entries in two statements; the outbox ids.

    Each change carries the fields of `record_change`; the journal keeps their order, so the
    outbox applies them to the graph in the order given.
    """
    if not changes:
        return []
    change_ids = session.scalars(
        insert(TopologyChange).returning(
            TopologyChange.id, sort_by_parameter_order=True
        ),
        changes,
    ).all()
    entry_ids = session.scalars(
        insert(OutboxEntry).returning(OutboxEntry.id, sort_by_parameter_order=True),
        [{"change_id": change_id} for change_id in change_ids],
    ).all()
    return list(entry_ids)
