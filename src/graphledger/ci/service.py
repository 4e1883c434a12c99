"""The CI write path: validate against the heads, append journal and outbox, in one transaction.

Services flush and never commit; the caller's unit of work commits once, so the head, the journal
row and the outbox entry land together or not at all.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from graphledger.ci import repository
from graphledger.ci.keys import normalise
from graphledger.ci.schemas import CICreate
from graphledger.errors import Conflict, NotFound, PreconditionFailed, Unprocessable
from graphledger.graph.registry import CI_CLASSES
from graphledger.imports import identify
from graphledger.imports import repository as discovery_repository
from graphledger.license import repository as license_repository
from graphledger.models import CIHead, OutboxEntry
from graphledger.outbox.journal import record_change
from graphledger.relationship.service import delete_relationship_head

# Fields of a CI document that a write may change; the rest is kept by the service.
WRITABLE = ("class", "name", "status", "owner", "attributes", "last_seen_at")


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _check_required(document: dict[str, Any]) -> None:
    missing = [
        a
        for a in CI_CLASSES[document["class"]].required
        if a not in document["attributes"]
    ]
    if missing:
        raise Unprocessable(
            f"class {document['class']} requires attributes: {', '.join(missing)}",
            errors=[
                {"field": f"attributes.{m}", "message": "required"} for m in missing
            ],
        )


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """Field names a write set, attributes one by one (`attributes.<name>`)."""
    before = before or {}
    fields = [
        f
        for f in ("class", "name", "status", "owner")
        if before.get(f) != after.get(f) or not before
    ]
    old, new = before.get("attributes") or {}, after.get("attributes") or {}
    fields += [f"attributes.{a}" for a in new if a not in old or old[a] != new[a]]
    fields += [f"attributes.{a}" for a in old if a not in new]
    return fields


def _remember(
    session: Session,
    key_lc: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    source: str,
) -> None:
    """Keep the identifier index and the per-field source of a CI in step with its document."""
    identify.index(session, key_lc, after["class"], after.get("attributes") or {})
    discovery_repository.record_field_sources(
        session, key_lc, changed_fields(before, after), source, datetime.now(UTC)
    )


def require_live(session: Session, key: str, *, lock: bool = False) -> CIHead:
    """The live head of a CI; 404 when there is none."""
    head = repository.get_head(session, normalise(key), lock=lock)
    if head is None or head.deleted:
        raise NotFound(f"no CI with key {key!r}", key=key)
    return head


async def read_live(key: str) -> tuple[dict[str, Any], int]:
    """The document and version of a live CI; 404 when there is none."""
    found = await repository.live_document(normalise(key))
    if found is None:
        raise NotFound(f"no CI with key {key!r}", key=key)
    return found


def check_version(head: CIHead, if_match: int | None) -> None:
    """412 when the caller read an older version than the one stored."""
    if if_match is not None and if_match != head.version:
        raise PreconditionFailed(
            f"CI {head.key!r} is at version {head.version}, not {if_match}",
            current_version=head.version,
        )


def created_document(data: CICreate, version: int, now: datetime) -> dict[str, Any]:
    """The document of a new CI; 422 when its class lacks a required attribute."""
    document = {
        "key": data.key,
        "class": data.class_,
        "name": data.name,
        "status": data.status,
        "owner": data.owner,
        "attributes": data.attributes,
        "last_seen_at": _iso(data.last_seen_at),
        "version": version,
        "created_at": now.isoformat(),
        "updated_at": now.isoformat(),
    }
    _check_required(document)
    return document


def updated_document(
    before: dict[str, Any], changes: dict[str, Any], version: int, now: datetime
) -> dict[str, Any] | None:
    """The document after a partial update, None when nothing changes; 422 when invalid."""
    after = dict(before)
    for field, value in changes.items():
        if field not in WRITABLE:
            raise Unprocessable(f"{field} cannot be changed", field=field)
        after[field] = _iso(value) if isinstance(value, datetime) else value
    if after == before:
        return None
    _check_required(after)
    after["version"] = version
    after["updated_at"] = now.isoformat()
    return after


def create_ci(
    session: Session, data: CICreate, *, actor: str, source: str = "api"
) -> tuple[dict[str, Any], OutboxEntry]:
    """Create a CI; 409 when the key is taken, whatever its case."""
    key_lc = normalise(data.key)
    head = repository.get_head(session, key_lc, lock=True)
    if head is not None and not head.deleted:
        raise Conflict(f"a CI with key {head.key!r} exists", key=head.key)
    now = datetime.now(UTC)
    version = (head.version + 1) if head is not None else 1
    document = created_document(data, version, now)
    if head is None:
        head = CIHead(key_lc=key_lc, created_at=now)
        session.add(head)
    head.key, head.class_name, head.version, head.deleted = (
        data.key,
        data.class_,
        version,
        False,
    )
    head.document, head.updated_at = document, now
    entry = record_change(
        session,
        entity="ci",
        entity_id=key_lc,
        op="create",
        ci_keys=[key_lc],
        actor=actor,
        source=source,
        version=version,
        before=None,
        after=document,
    )
    _remember(session, key_lc, None, document, source)
    return document, entry


def update_ci(
    session: Session,
    key: str,
    changes: dict[str, Any],
    *,
    if_match: int | None,
    actor: str,
    source: str = "api",
) -> tuple[dict[str, Any], OutboxEntry | None]:
    """Apply a partial update; no journal row when nothing actually changes."""
    head = require_live(session, key, lock=True)
    check_version(head, if_match)
    before = dict(head.document)
    now = datetime.now(UTC)
    after = updated_document(before, changes, head.version + 1, now)
    if after is None:
        return before, None
    head.document, head.version, head.class_name, head.updated_at = (
        after,
        after["version"],
        after["class"],
        now,
    )
    entry = record_change(
        session,
        entity="ci",
        entity_id=head.key_lc,
        op="update",
        ci_keys=[head.key_lc],
        actor=actor,
        source=source,
        version=after["version"],
        before=before,
        after=after,
    )
    _remember(session, head.key_lc, before, after, source)
    return after, entry


def delete_ci(
    session: Session, key: str, *, if_match: int | None, actor: str, source: str = "api"
) -> list[OutboxEntry]:
    """Delete a CI and, first, each of its relationships, every step journalled."""
    head = require_live(session, key, lock=True)
    check_version(head, if_match)
    seats = license_repository.assignments_for_ci(session, head.key_lc)
    if seats:
        # A deleted CI must not leave license seats pointing at nothing (C15).
        raise Conflict(
            f"CI {head.key!r} holds {len(seats)} license seat(s); release them first",
            assignments=[
                {"license_id": a.license_id, "license": name, "assignment_id": a.id}
                for a, name in seats
            ],
        )
    entries = [
        delete_relationship_head(session, rel, actor=actor, source=source)
        for rel in repository.live_relationships_of(session, head.key_lc, lock=True)
    ]
    before = dict(head.document)
    discovery_repository.forget_ci(session, head.key_lc)
    head.deleted, head.version, head.updated_at = (
        True,
        head.version + 1,
        datetime.now(UTC),
    )
    entries.append(
        record_change(
            session,
            entity="ci",
            entity_id=head.key_lc,
            op="delete",
            ci_keys=[head.key_lc],
            actor=actor,
            source=source,
            version=head.version,
            before=before,
            after=None,
        )
    )
    return entries
