"""The relationship write path: both ends live, type known, no duplicate; journal and outbox."""

import os
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from graphledger.ci import repository as ci_repository
from graphledger.ci.keys import normalise
from graphledger.ci.repository import LiveKey
from graphledger.errors import Conflict, NotFound, Unprocessable
from graphledger.models import CIHead, OutboxEntry, RelationshipHead
from graphledger.outbox.journal import record_change
from graphledger.relationship import repository


def random_ids(count: int) -> list[str]:
    """`count` new relationship ids (random version 4 UUIDs as text) from one random read.

    A bulk import makes tens of thousands; a system call and a UUID object each were most of
    their cost. The version nibble is set to 4 and the variant bits to 10, as uuid4 does.
    """
    digits = os.urandom(16 * count).hex()
    ids = []
    for start in range(0, 32 * count, 32):
        h = digits[start : start + 32]
        variant = _VARIANT[h[16]]
        ids.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}")
    return ids


_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}


def new_document(
    source: CIHead | LiveKey,
    type_: str,
    target: CIHead | LiveKey,
    now: datetime,
    weight: float | None = None,
    attributes: dict[str, Any] | None = None,
    rel_id: str | None = None,
) -> dict[str, Any]:
    """The journal document of a new relationship between two live CIs."""
    return {
        "id": rel_id or str(uuid.uuid4()),
        "source": source.key,
        "source_lc": source.key_lc,
        "type": type_,
        "target": target.key,
        "target_lc": target.key_lc,
        "weight": weight,
        "attributes": attributes or {},
        "version": 1,
        "created_at": now.isoformat(),
    }


def head_of(document: dict[str, Any], now: datetime) -> RelationshipHead:
    """The head row of a new relationship document."""
    return RelationshipHead(
        id=uuid.UUID(document["id"]),
        source_lc=document["source_lc"],
        target_lc=document["target_lc"],
        type=document["type"],
        version=1,
        document=document,
        created_at=now,
    )


def create_relationship(
    session: Session,
    *,
    source: str,
    type_: str,
    target: str,
    weight: float | None = None,
    attributes: dict[str, Any] | None = None,
    actor: str,
    origin: str = "api",
) -> tuple[dict[str, Any], OutboxEntry]:
    """Create `(source)-[type]->(target)`; 422 naming a missing end, 409 when it exists."""
    source_lc, target_lc = normalise(source), normalise(target)
    if source_lc == target_lc:
        raise Unprocessable("a CI cannot be related to itself", field="target")
    # Both ends stay locked until commit: a CI deleted meanwhile either waits and then takes this
    # relationship with it, or commits first and this create sees the end gone.
    heads = ci_repository.get_heads(session, [source_lc, target_lc], share_lock=True)
    missing = [
        {"field": field, "message": f"no CI with key {key!r}"}
        for field, key, lc in (
            ("source", source, source_lc),
            ("target", target, target_lc),
        )
        if lc not in heads
    ]
    if missing:
        raise Unprocessable("both ends of a relationship must exist", errors=missing)
    existing = repository.find_live(session, source_lc, type_, target_lc)
    if existing is not None:
        raise Conflict(
            f"{source} {type_} {target} exists already",
            relationship_id=str(existing.id),
        )
    now = datetime.now(UTC)
    document = new_document(
        heads[source_lc], type_, heads[target_lc], now, weight, attributes
    )
    rel_id = uuid.UUID(document["id"])
    session.add(head_of(document, now))
    entry = record_change(
        session,
        entity="relationship",
        entity_id=str(rel_id),
        op="create",
        ci_keys=[source_lc, target_lc],
        actor=actor,
        source=origin,
        version=1,
        before=None,
        after=document,
    )
    return document, entry


def delete_relationship_head(
    session: Session, head: RelationshipHead, *, actor: str, source: str = "api"
) -> OutboxEntry:
    """Mark a live relationship deleted and journal it."""
    head.deleted = True
    head.version += 1
    return record_change(
        session,
        entity="relationship",
        entity_id=str(head.id),
        op="delete",
        ci_keys=[head.source_lc, head.target_lc],
        actor=actor,
        source=source,
        version=head.version,
        before=dict(head.document),
        after=None,
    )


def delete_relationship(
    session: Session, rel_id: uuid.UUID, *, actor: str
) -> OutboxEntry:
    head = repository.get(session, rel_id, lock=True)
    if head is None or head.deleted:
        raise NotFound(f"no relationship {rel_id}")
    return delete_relationship_head(session, head, actor=actor)
