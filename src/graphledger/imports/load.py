"""Loading a transformed batch through the same write path as the API, then reconciling scopes.

Every item goes through the CI and relationship services (journal and outbox included) inside a
savepoint of its own, so a bad item is rejected with its reason and never leaves half an item
written. Writes are committed in batches. A dry run does the same work in one transaction and
rolls it back: the report is the diff.

Authority: each field of a CI remembers the source that last set it (`ci_field_sources`). An
import changes a field only when that source ranks no higher than the import's own; otherwise the
field is kept and listed under `kept` in the report. Manual edits (source `api`) rank highest.
"""

import dataclasses
import time
from collections.abc import Callable
from concurrent import futures
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from graphledger.ci import repository as ci_repository
from graphledger.ci import service as ci_service
from graphledger.ci.repository import HeadRow, LiveKey
from graphledger.ci.schemas import CICreate, CIUpdate
from graphledger.db import get_sessionmaker
from graphledger.errors import GraphledgerError, Unprocessable
from graphledger.imports import identify, repository
from graphledger.imports.assets import load_assets
from graphledger.imports.model import (
    AssetItem,
    Batch,
    CIItem,
    Rejection,
    RelationshipItem,
)
from graphledger.logs import get_logger
from graphledger.outbox.journal import record_changes
from graphledger.outbox.writes import settle
from graphledger.relationship import repository as rel_repository
from graphledger.relationship import service as rel_service

log = get_logger(__name__)

STALE = "_stale"  # reserved attribute: set while a source no longer reports the CI
CHUNK = 5000  # items read, written, committed and applied to the graph together
RANKS = {
    "api": 100,
    "import:csv-cis": 60,
    "import:netbox": 50,
    "import:aws": 40,
    "import:kubernetes": 40,
}


def rank(source: str) -> int:
    """How much a source is trusted; anything that is not an import is a person."""
    return RANKS.get(source, 30 if source.startswith("import:") else 100)


class Counts(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


class ImportReport(BaseModel):
    format: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cis: Counts = Field(default_factory=Counts)
    relationships: Counts = Field(default_factory=Counts)
    assets: Counts = Field(default_factory=Counts)
    rejected: list[dict[str, Any]] = Field(default_factory=list)
    unresolved: list[dict[str, str]] = Field(default_factory=list)
    ignored_columns: list[str] = Field(default_factory=list)
    changes: list[dict[str, Any]] = Field(default_factory=list)
    kept: list[dict[str, Any]] = Field(default_factory=list)
    scopes: list[str] = Field(default_factory=list)
    complete: bool = True
    stale: list[str] = Field(default_factory=list)
    retired: list[str] = Field(default_factory=list)
    applied_to_graph: bool = True
    seconds: float = 0.0
    items_per_second: float = 0.0


class ItemRejected(Exception):
    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.field = reason, field


def _reason(error: Exception) -> tuple[str, str | None]:
    if isinstance(error, ItemRejected):
        return error.reason, error.field
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or None
        return first.get("msg", "invalid"), field
    if isinstance(error, GraphledgerError):
        errors = error.extra.get("errors") or []
        return error.detail, (errors[0].get("field") if errors else None)
    raise error


class _Run:
    """State of one load: where keys landed, what was seen per scope, the report."""

    def __init__(self, session: Session, report: ImportReport, actor: str, source: str):
        self.session, self.report, self.actor, self.source = (
            session,
            report,
            actor,
            source,
        )
        self.key_map: dict[str, str] = {}
        self.seen: dict[str, set[str]] = {}
        self.entry_ids: list[int] = []
        self.now = datetime.now(UTC)
        self.shared: set[tuple[str, str]] = set()
        self.sightings: dict[tuple[str, str], datetime] = {}
        self.applied = True

    def entry(self, entry: Any) -> None:
        if entry is not None:
            self.entry_ids.append(entry.id)


def _allowed(sources: dict[str, str], field: str, source: str) -> bool:
    owner = sources.get(field)
    return owner is None or owner == source or rank(owner) <= rank(source)


def _load_ci(run: _Run, item: CIItem) -> str:
    reserved = [a for a in item.attributes if a.startswith("_")]
    if reserved:
        raise ItemRejected("attribute names starting with _ are reserved", reserved[0])
    try:
        matched = identify.match(
            run.session, item.key, item.class_, item.attributes, run.shared
        )
    except identify.Ambiguous as error:
        raise ItemRejected(
            f"matches more than one CI: {', '.join(error.candidates)} "
            f"(by {'; '.join(error.by)})",
            "key",
        ) from error
    seen_at = item.seen_at or run.now
    if matched is None:
        data = CICreate.model_validate(
            {
                "key": item.key,
                "class": item.class_,
                "name": item.name,
                "owner": item.owner,
                "attributes": item.attributes,
                "last_seen_at": seen_at,
            }
        )
        _, entry = ci_service.create_ci(
            run.session, data, actor=run.actor, source=run.source
        )
        run.entry(entry)
        _observe(run, item, item.key.lower(), seen_at)
        run.report.changes.append({"entity": "ci", "op": "created", "item": item.key})
        return "created"

    head = ci_repository.get_head(run.session, matched, lock=True)
    assert head is not None
    current = head.document
    sources = repository.field_sources(run.session, matched)
    changes: dict[str, Any] = {}
    kept: list[str] = []
    by_key = matched == item.key.lower()
    fields: list[tuple[str, Any]] = [("name", item.name), ("owner", item.owner)]
    if (
        by_key
    ):  # a CI reached through an identifier keeps the class its own source gave it
        fields.insert(0, ("class", item.class_))
    for field, value in fields:
        if value is None or current.get(field) == value:
            continue
        if _allowed(sources, field, run.source):
            changes[field] = value
        else:
            kept.append(field)
    attributes = dict(current.get("attributes") or {})
    for name, value in item.attributes.items():
        if name in attributes and attributes[name] == value:
            continue
        if _allowed(sources, f"attributes.{name}", run.source):
            attributes[name] = value
        else:
            kept.append(f"attributes.{name}")
    attributes.pop(STALE, None)  # reported again: no longer stale
    if attributes != (current.get("attributes") or {}):
        changes["attributes"] = attributes
    if kept:
        run.report.kept.append(
            {
                "ref": item.ref,
                "key": head.key,
                "fields": kept,
                "reason": "set by a higher source",
            }
        )
    run.key_map[item.key.lower()] = matched
    _observe(run, item, matched, seen_at)
    if not changes:
        return "unchanged"
    CIUpdate.model_validate(changes)
    _, updated = ci_service.update_ci(
        run.session,
        head.key,
        changes,
        if_match=None,
        actor=run.actor,
        source=run.source,
    )
    if updated is None:
        return "unchanged"
    run.entry(updated)
    run.report.changes.append(
        {"entity": "ci", "op": "updated", "item": head.key, "fields": sorted(changes)}
    )
    return "updated"


def _observe(run: _Run, item: CIItem, key_lc: str, seen_at: datetime) -> None:
    if item.scope is None:
        return
    repository.observe(run.session, run.source, item.scope, key_lc, seen_at)
    run.seen.setdefault(item.scope, set()).add(key_lc)


def _resolve_end(run: _Run, key: str, field: str) -> str:
    key_lc = run.key_map.get(key.lower(), key.lower())
    head = ci_repository.get_head(run.session, key_lc)
    if head is None or head.deleted:
        raise ItemRejected(f"no CI {key!r}", field)
    return head.key


def _load_relationship(run: _Run, item: RelationshipItem) -> str:
    if item.target_name is not None:
        found = repository.keys_by_name(run.session, item.target_name)
        if not found:
            raise ItemRejected(f"no CI named {item.target_name!r}", item.target_field)
        if len(found) > 1:
            raise ItemRejected(
                f"ambiguous: {len(found)} CIs are named {item.target_name!r}: "
                f"{', '.join(found)}",
                item.target_field,
            )
        target = found[0]
    else:
        target = _resolve_end(run, item.target, item.target_field)
    source = _resolve_end(run, item.source, item.source_field)
    if rel_repository.find_live(run.session, source.lower(), item.type, target.lower()):
        return "unchanged"
    _, entry = rel_service.create_relationship(
        run.session,
        source=source,
        type_=item.type,
        target=target,
        actor=run.actor,
        origin=run.source,
    )
    run.entry(entry)
    run.report.changes.append(
        {
            "entity": "relationship",
            "op": "created",
            "item": f"{source} {item.type} {target}",
        }
    )
    return "created"


def _mark_stale(run: _Run, scope: str, key_lc: str, last_seen: datetime) -> None:
    """Flag a CI its source no longer reports; its last_seen_at says when it last did."""
    head = ci_repository.get_head(run.session, key_lc)
    if head is None or head.deleted:
        return
    attributes = dict(head.document.get("attributes") or {})
    attributes[STALE] = {
        "since": run.now.isoformat(),
        "source": run.source,
        "scope": scope,
    }
    _, entry = ci_service.update_ci(
        run.session,
        head.key,
        {"attributes": attributes, "last_seen_at": last_seen},
        if_match=None,
        actor=run.actor,
        source=run.source,
    )
    repository.mark_stale(run.session, run.source, scope, key_lc, run.now)
    run.entry(entry)
    run.report.stale.append(head.key)


def _retire(run: _Run, key_lc: str) -> None:
    head = ci_repository.get_head(run.session, key_lc)
    if head is None or head.deleted or head.document.get("status") == "retired":
        return
    _, entry = ci_service.update_ci(
        run.session,
        head.key,
        {"status": "retired"},
        if_match=None,
        actor=run.actor,
        source=run.source,
    )
    run.entry(entry)
    run.report.retired.append(head.key)


# ---- chunked loading: a chunk's reads in one query each, its writes in one statement each ----


@dataclass
class _Write:
    """One CI write a chunk will make, worked out before anything is written."""

    item: CIItem
    key_lc: str
    head: HeadRow | None
    before: dict[str, Any] | None
    after: dict[str, Any]
    identifiers: set[tuple[str, str]] = dataclasses.field(default_factory=set)


def _match_in_chunk(
    run: _Run,
    item: CIItem,
    heads: dict[str, HeadRow],
    hits: dict[tuple[str, str], list[tuple[str, str]]],
    own: set[tuple[str, str]],
) -> str | None:
    """`identify.match` over prefetched heads and identifier hits; `own`: the item's."""
    key_lc = item.key.lower()
    head = heads.get(key_lc)
    if head is not None and not head.deleted:
        return key_lc
    wanted = own - run.shared
    candidates: dict[str, list[str]] = {}
    for kind, value in sorted(wanted):
        for found_lc, found_class in hits.get((kind, value), []):
            if kind == "hostname" and found_class not in identify.HOST_CLASSES:
                continue
            candidates.setdefault(found_lc, []).append(f"{kind} {value}")
    if len(candidates) > 1:
        raise ItemRejected(
            f"matches more than one CI: {', '.join(sorted(candidates))} "
            f"(by {'; '.join(sorted({b for by in candidates.values() for b in by}))})",
            "key",
        )
    return next(iter(candidates), None)


def _plan_ci(
    run: _Run,
    item: CIItem,
    matched: str | None,
    heads: dict[str, HeadRow],
    sources: dict[str, dict[str, str]],
) -> _Write | None:
    """What writing one item changes (None: unchanged); raises when the item is refused."""
    reserved = [a for a in item.attributes if a.startswith("_")]
    if reserved:
        raise ItemRejected("attribute names starting with _ are reserved", reserved[0])
    if matched is None:
        data = CICreate.model_validate(
            {
                "key": item.key,
                "class": item.class_,
                "name": item.name,
                "owner": item.owner,
                "attributes": item.attributes,
                "last_seen_at": item.seen_at or run.now,
            }
        )
        key_lc = item.key.lower()
        old = heads.get(key_lc)
        version = old.version + 1 if old is not None else 1
        after = ci_service.created_document(data, version, run.now)
        return _Write(item, key_lc, old, None, after)
    head = heads[matched]
    changes, kept = _changes(
        run, item, head.document, sources.get(matched, {}), matched
    )
    if kept:
        run.report.kept.append(
            {
                "ref": item.ref,
                "key": head.key,
                "fields": kept,
                "reason": "set by a higher source",
            }
        )
    if not changes:
        return None
    CIUpdate.model_validate(changes)
    updated = ci_service.updated_document(
        head.document, changes, head.version + 1, run.now
    )
    if updated is None:
        return None
    return _Write(item, matched, head, dict(head.document), updated)


def _changes(
    run: _Run,
    item: CIItem,
    current: dict[str, Any],
    sources: dict[str, str],
    matched: str,
) -> tuple[dict[str, Any], list[str]]:
    """The fields an item changes on a CI, and those a higher source keeps."""
    changes: dict[str, Any] = {}
    kept: list[str] = []
    fields: list[tuple[str, Any]] = [("name", item.name), ("owner", item.owner)]
    if matched == item.key.lower():
        # a CI reached through an identifier keeps the class its own source gave it
        fields.insert(0, ("class", item.class_))
    for field, value in fields:
        if value is None or current.get(field) == value:
            continue
        if _allowed(sources, field, run.source):
            changes[field] = value
        else:
            kept.append(field)
    attributes = dict(current.get("attributes") or {})
    for name, value in item.attributes.items():
        if name in attributes and attributes[name] == value:
            continue
        if _allowed(sources, f"attributes.{name}", run.source):
            attributes[name] = value
        else:
            kept.append(f"attributes.{name}")
    attributes.pop(STALE, None)  # reported again: no longer stale
    if attributes != (current.get("attributes") or {}):
        changes["attributes"] = attributes
    return changes, kept


def _prefetch_cis(
    run: _Run, items: list[CIItem], own: list[set[tuple[str, str]]]
) -> tuple[
    dict[str, HeadRow],
    dict[tuple[str, str], list[tuple[str, str]]],
    dict[str, dict[str, str]],
]:
    """Heads, identifier hits and field sources for a chunk: four queries at most."""
    session = run.session
    heads = ci_repository.head_rows_for_update(
        session, sorted({i.key.lower() for i in items})
    )
    wanted = sorted(
        {
            pair
            for i, pairs in zip(items, own, strict=True)
            if i.key.lower() not in heads or heads[i.key.lower()].deleted
            for pair in pairs - run.shared
        }
    )
    hits: dict[tuple[str, str], list[tuple[str, str]]] = {}
    if wanted:
        for kind, value, found_lc, found_class in repository.keys_by_identifiers(
            session, wanted
        ):
            hits.setdefault((kind, value), []).append((found_lc, found_class))
    more = sorted({k for found in hits.values() for k, _ in found} - set(heads))
    heads.update(ci_repository.head_rows_for_update(session, more))
    live = sorted(k for k, h in heads.items() if not h.deleted)
    return heads, hits, repository.field_sources_of(session, live)


def _load_ci_chunk(run: _Run, items: list[CIItem]) -> int:
    """Load a prefix of `items` in one go; how many items it took.

    A chunk stops before an item that touches a CI or identifier an earlier item of the chunk
    touches, so every item sees its predecessors' writes as it would one by one.
    """
    own = [identify.identifiers_of(i.class_, i.attributes) for i in items]
    heads, hits, sources = _prefetch_cis(run, items, own)
    writes: list[_Write] = []
    claimed: set[Any] = set()
    mapped: dict[str, str] = {}
    seen: list[tuple[str, str]] = []
    taken = 0
    for item, pairs in zip(items, own, strict=True):
        claims: set[Any] = {item.key.lower()}
        claims |= pairs - run.shared
        try:
            matched = _match_in_chunk(run, item, heads, hits, pairs)
            if matched is not None:
                claims.add(matched)
            if claims & claimed:
                break
            write = _plan_ci(run, item, matched, heads, sources)
        except (ValidationError, GraphledgerError, ItemRejected) as error:
            if claims & claimed:
                break
            taken += 1
            _count_rejected(run, run.report.cis, item.ref, error)
            continue
        taken += 1
        claimed |= claims
        seen_at = item.seen_at or run.now
        key_lc = write.key_lc if write is not None else matched
        assert key_lc is not None
        if matched is not None:
            mapped[item.key.lower()] = matched
        if item.scope is not None:
            run.sightings[(item.scope, key_lc)] = seen_at
            seen.append((item.scope, key_lc))
        if write is None:
            run.report.cis.unchanged += 1
            continue
        # A new CI carries what the item carries; an update may merge in stored attributes.
        write.identifiers = (
            pairs
            if write.before is None
            else identify.identifiers_of(
                write.after["class"], write.after.get("attributes") or {}
            )
        )
        claimed |= write.identifiers
        writes.append(write)
    _write_cis(run, writes)
    # Only now, with the chunk written: a refused chunk must leave the run as it found it.
    run.key_map.update(mapped)
    for scope, key_lc in seen:
        run.seen.setdefault(scope, set()).add(key_lc)
    return taken


def _write_cis(run: _Run, writes: list[_Write]) -> None:
    """Heads, journal, outbox, identifiers, field sources and sightings of a chunk, in bulk."""
    session = run.session
    heads: list[HeadRow] = []
    rows: list[dict[str, Any]] = []
    identifiers: dict[str, set[tuple[str, str]]] = {}
    field_rows: list[tuple[str, str, str]] = []
    for write in writes:
        after, head = write.after, write.head
        key = (
            head.key if head is not None and write.before is not None else after["key"]
        )
        heads.append(
            HeadRow(write.key_lc, key, after["class"], after["version"], False, after)
        )
        op = "update" if write.before is not None else "create"
        rows.append(
            {
                "entity": "ci",
                "entity_id": write.key_lc,
                "op": op,
                "ci_keys": [write.key_lc],
                "actor": run.actor,
                "source": run.source,
                "version": after["version"],
                "before": write.before,
                "after": after,
            }
        )
        identifiers[write.key_lc] = write.identifiers
        field_rows += [
            (write.key_lc, f, run.source)
            for f in ci_service.changed_fields(write.before, after)
        ]
        if op == "create":
            run.report.cis.created += 1
            run.report.changes.append(
                {"entity": "ci", "op": "created", "item": write.item.key}
            )
        else:
            run.report.cis.updated += 1
            run.report.changes.append(
                {
                    "entity": "ci",
                    "op": "updated",
                    "item": key,
                    "fields": sorted(
                        f
                        for f in ("class", "name", "owner", "attributes")
                        if write.before and write.before.get(f) != after.get(f)
                    ),
                }
            )
    ci_repository.write_heads(session, heads, run.now)
    run.entry_ids += record_changes(session, rows)
    repository.replace_identifiers_of(session, identifiers)
    repository.record_field_sources_of(session, field_rows, run.now)
    repository.observe_many(session, run.source, run.sightings)
    run.sightings = {}
    # Heads were written past the ORM: objects an earlier single write loaded are now stale.
    session.expire_all()


def _load_relationship_chunk(run: _Run, items: list[RelationshipItem]) -> int:
    """Load a prefix of `items` in one go (by name targets go one by one); how many it took."""
    session = run.session
    if items[0].target_name is not None:
        _load_single(run, items[0], run.report.relationships, _load_relationship)
        return 1
    plain = []
    for item in items:
        if item.target_name is not None:
            break
        plain.append(item)
    ends = sorted(
        {
            run.key_map.get(k.lower(), k.lower())
            for i in plain
            for k in (i.source, i.target)
        }
    )
    heads = ci_repository.live_keys(session, ends)
    wanted: list[tuple[str, str, str]] = []
    planned: list[tuple[RelationshipItem, LiveKey, LiveKey]] = []
    for item in plain:
        source = heads.get(run.key_map.get(item.source.lower(), item.source.lower()))
        target = heads.get(run.key_map.get(item.target.lower(), item.target.lower()))
        if target is None:
            _count_rejected(
                run,
                run.report.relationships,
                item.ref,
                ItemRejected(f"no CI {item.target!r}", item.target_field),
            )
            continue
        if source is None:
            _count_rejected(
                run,
                run.report.relationships,
                item.ref,
                ItemRejected(f"no CI {item.source!r}", item.source_field),
            )
            continue
        if source.key_lc == target.key_lc:
            _count_rejected(
                run,
                run.report.relationships,
                item.ref,
                ItemRejected("a CI cannot be related to itself", "target"),
            )
            continue
        planned.append((item, source, target))
        wanted.append((source.key_lc, item.type, target.key_lc))
    live = rel_repository.live_triples(session, wanted)
    new_heads: list[rel_repository.NewHead] = []
    rows: list[dict[str, Any]] = []
    changes = run.report.changes
    unchanged = 0
    for (item, source, target), rel_id in zip(
        planned, rel_service.random_ids(len(planned)), strict=True
    ):
        triple = (source.key_lc, item.type, target.key_lc)
        if triple in live:
            unchanged += 1
            continue
        live.add(triple)
        document = rel_service.new_document(
            source, item.type, target, run.now, rel_id=rel_id
        )
        new_heads.append(rel_repository.NewHead(rel_id, *triple, document))
        rows.append(
            {
                "entity": "relationship",
                "entity_id": rel_id,
                "op": "create",
                "ci_keys": [source.key_lc, target.key_lc],
                "actor": run.actor,
                "source": run.source,
                "version": 1,
                "before": None,
                "after": document,
            }
        )
        changes.append(
            {
                "entity": "relationship",
                "op": "created",
                "item": f"{source.key} {item.type} {target.key}",
            }
        )
    run.report.relationships.unchanged += unchanged
    run.report.relationships.created += len(rows)
    rel_repository.add_heads(session, new_heads, run.now)
    run.entry_ids += record_changes(session, rows)
    return len(plain)


def _chunk_or_singles(
    run: _Run, items: list[Any], counts: Counts, loader: Any, chunked: Any
) -> int:
    """A chunk in bulk inside a savepoint; if the store refuses it, the same items one by one.

    Items are checked before anything is written, so the fallback only runs when the store
    itself refuses a write (a concurrent writer took a key); each item then gets the savepoint
    of the service write path, and a bad one never leaves half an item.
    """
    report = run.report
    # The report's lists only grow and a chunk only appends to them: their lengths and the
    # counters are all there is to put back (a deep copy of the report cost O(report) a chunk).
    lengths = [
        (part, len(part)) for part in (report.rejected, report.changes, report.kept)
    ]
    tallies = [(c, c.model_dump()) for c in (report.cis, report.relationships)]
    entries = len(run.entry_ids)
    savepoint = run.session.begin_nested()
    try:
        taken = int(chunked(run, items))
        savepoint.commit()
        return taken
    except DBAPIError as error:
        savepoint.rollback()
        log.warning("import.chunk_refused", error=str(error)[:200], items=len(items))
    for part, length in lengths:
        del part[length:]
    for tally, values in tallies:
        for name, value in values.items():
            setattr(tally, name, value)
    del run.entry_ids[entries:]
    run.sightings = {}
    run.session.expire_all()
    for item in items:
        _load_single(run, item, counts, loader)
    return len(items)


def _count_rejected(run: _Run, counts: Counts, ref: str, error: Exception) -> None:
    reason, field = _reason(error)
    counts.rejected += 1
    run.report.rejected.append(asdict(Rejection(ref, reason, field)))


def _load_single(run: _Run, item: Any, counts: Counts, loader: Any) -> None:
    """One item through the service write path, inside a savepoint of its own."""
    savepoint = run.session.begin_nested()
    try:
        outcome = loader(run, item)
        savepoint.commit()
    except (ValidationError, GraphledgerError, ItemRejected) as error:
        savepoint.rollback()
        _count_rejected(run, counts, item.ref, error)
        return
    setattr(counts, outcome, getattr(counts, outcome) + 1)


def reconcile(run: _Run, batch: Batch, *, retire_stale: bool) -> None:
    """After a complete import: mark what each covered scope no longer reports as stale."""
    stale_keys: dict[str, set[str]] = {}
    for deletion in batch.deletions:
        key_lc = run.key_map.get(deletion.key.lower(), deletion.key.lower())
        observation = repository.get_observation(
            run.session, run.source, deletion.scope, key_lc
        )
        if observation is None or key_lc in run.seen.get(deletion.scope, set()):
            continue  # never seen in this scope (do not create it), or reported live too
        if observation.stale_since is None:
            _mark_stale(run, deletion.scope, key_lc, observation.last_seen_at)
        stale_keys.setdefault(deletion.scope, set()).add(key_lc)
    for scope in sorted(batch.scopes):
        for observation in repository.unseen_in_scope(
            run.session, run.source, scope, run.seen.get(scope, set())
        ):
            if observation.stale_since is None:
                _mark_stale(run, scope, observation.key_lc, observation.last_seen_at)
            stale_keys.setdefault(scope, set()).add(observation.key_lc)
    if retire_stale:
        for keys in stale_keys.values():
            for key_lc in sorted(keys):
                _retire(run, key_lc)


def _load_assets(
    run: _Run, batch: Batch, progress: Callable[[int], None] | None
) -> None:
    """The batch's asset items into the ledger, each linked to its CI when it names one."""
    counts = run.report.assets

    def resolve_ci(key: str) -> str:
        return run.key_map.get(key.lower(), key.lower())

    def on_outcome(item: AssetItem, outcome: str, fields: list[str]) -> None:
        setattr(counts, outcome, getattr(counts, outcome) + 1)
        if outcome != "unchanged":
            change: dict[str, Any] = {
                "entity": "asset",
                "op": outcome,
                "item": item.asset_tag,
            }
            if fields:
                change["fields"] = fields
            run.report.changes.append(change)
        if progress is not None:
            progress(1)

    def on_reject(item: AssetItem, reason: str, field: str | None) -> None:
        counts.rejected += 1
        run.report.rejected.append(asdict(Rejection(item.ref, reason, field)))
        if progress is not None:
            progress(1)

    load_assets(
        run.session,
        batch.assets,
        actor=run.actor,
        resolve_ci=resolve_ci,
        on_outcome=on_outcome,
        on_reject=on_reject,
    )


def load(
    batch: Batch,
    *,
    fmt: str,
    actor: str,
    dry_run: bool,
    retire_stale: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Write a batch (or, on a dry run, compute what writing it would do) and report."""
    started = time.monotonic()
    report = ImportReport(
        format=fmt,
        dry_run=dry_run,
        unresolved=batch.unresolved,
        scopes=sorted(batch.scopes),
        complete=batch.complete,
        ignored_columns=batch.ignored_columns,
    )
    report.rejected = [asdict(r) for r in batch.rejected]
    # Each committed chunk goes to the graph on a worker of its own while the next chunk is
    # written: one worker, so chunks reach Neo4j in the order they were committed.
    settler = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="settle")
    settling: list[futures.Future[bool]] = []
    with settler, get_sessionmaker()() as session:
        run = _Run(session, report, actor, f"import:{fmt}")
        run.shared = identify.shared_in_input(
            [(c.key, c.class_, c.attributes) for c in batch.cis]
        )
        for items, counts, loader, chunked in (
            (batch.cis, report.cis, _load_ci, _load_ci_chunk),
            (
                batch.relationships,
                report.relationships,
                _load_relationship,
                _load_relationship_chunk,
            ),
        ):
            start = 0
            while start < len(items):
                window = items[start : start + CHUNK]
                taken = _chunk_or_singles(run, window, counts, loader, chunked)
                start += taken
                if not dry_run:
                    session.commit()
                    settling.append(settler.submit(settle, run.entry_ids))
                    run.entry_ids = []
                if progress is not None:
                    progress(taken)
        if batch.assets:
            _load_assets(run, batch, progress)
        if fmt == "csv-assets":  # rows the reader refused are assets too
            report.assets.rejected += len(batch.rejected)
        if batch.complete:
            reconcile(run, batch, retire_stale=retire_stale)
        if dry_run:
            session.rollback()
        else:
            session.commit()
        run.applied = all([done.result() for done in settling])
    parts = (report.cis, report.relationships, report.assets)
    report.created = sum(p.created for p in parts)
    report.updated = sum(p.updated for p in parts)
    report.unchanged = sum(p.unchanged for p in parts)
    if not dry_run:
        report.applied_to_graph = settle(run.entry_ids) and run.applied
    report.seconds = round(time.monotonic() - started, 3)
    total = len(batch.cis) + len(batch.relationships) + len(batch.assets)
    report.items_per_second = (
        round(total / report.seconds, 1) if report.seconds else 0.0
    )
    log.info(
        "import.loaded",
        format=fmt,
        dry_run=dry_run,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=len(report.rejected),
        stale=len(report.stale),
        seconds=report.seconds,
    )
    return report


def refuse(detail: str, field: str = "body") -> Unprocessable:
    """The error for an input that cannot be read at all: nothing is loaded or marked."""
    return Unprocessable(detail, field=field)
