"""Merging a duplicate CI into its survivor, only on request and never when they disagree.

The survivor takes over the duplicate's relationships (re-created through the relationship
service), its asset link, the attributes and owner it lacks, and the latest `last_seen_at`. The
merge itself is one journal row on the survivor (source `merge`, `merged_from` in the document)
that also names the duplicate, so both histories show it; the duplicate is then deleted through the
CI service and its own history stays readable.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from graphledger.asset import repository as asset_repository
from graphledger.asset import service as asset_service
from graphledger.ci import repository as ci_repository
from graphledger.ci import service as ci_service
from graphledger.ci.keys import normalise
from graphledger.errors import Conflict, NotFound, Unprocessable
from graphledger.license import repository as license_repository
from graphledger.models import CIHead, OutboxEntry
from graphledger.outbox.journal import record_change
from graphledger.quality.identifiers import disagreements
from graphledger.quality.schemas import MergeResult
from graphledger.relationship import repository as relationship_repository
from graphledger.relationship.service import create_relationship

SOURCE = "merge"
EMPTY: tuple[Any, ...] = (None, "", [], {})


def _check_mergeable(session: Session, survivor: CIHead, duplicate: CIHead) -> None:
    """409 naming the field when the two cannot be one CI."""
    clashes = disagreements(
        survivor.document.get("attributes") or {},
        duplicate.document.get("attributes") or {},
    )
    if clashes:
        raise Conflict(
            f"{survivor.key!r} and {duplicate.key!r} disagree on "
            + ", ".join(a.kind for a, _ in clashes),
            errors=[
                {
                    "field": f"attributes.{mine.attribute}",
                    "message": f"{mine.value!r} here, {theirs.value!r} on the duplicate "
                    f"({theirs.attribute})",
                }
                for mine, theirs in clashes
            ],
        )
    if (
        asset_repository.get_by_ci_key(session, survivor.key_lc) is not None
        and asset_repository.get_by_ci_key(session, duplicate.key_lc) is not None
    ):
        raise Conflict(
            "both CIs are linked to an asset; a CI links to one asset at most",
            errors=[{"field": "asset", "message": "both CIs have an asset"}],
        )
    if license_repository.assignments_for_ci(session, duplicate.key_lc):
        raise Conflict(
            f"CI {duplicate.key!r} holds license seats; move or release them first",
            errors=[{"field": "duplicate", "message": "holds license seats"}],
        )


def _taken_over(survivor: CIHead, duplicate: CIHead) -> dict[str, Any]:
    """The survivor's document after the merge: gaps filled from the duplicate."""
    mine, theirs = survivor.document, duplicate.document
    after = dict(mine)
    attributes = dict(mine.get("attributes") or {})
    for name, value in (theirs.get("attributes") or {}).items():
        if attributes.get(name) in EMPTY:
            attributes[name] = value
    after["attributes"] = attributes
    if not mine.get("owner") and theirs.get("owner"):
        after["owner"] = theirs["owner"]
    seen = [s for s in (mine.get("last_seen_at"), theirs.get("last_seen_at")) if s]
    if seen:
        after["last_seen_at"] = max(seen, key=datetime.fromisoformat)
    after["merged_from"] = [*(mine.get("merged_from") or []), duplicate.key]
    return after


def merge(
    session: Session,
    survivor_key: str,
    duplicate_key: str,
    *,
    dry_run: bool,
    actor: str,
) -> tuple[MergeResult, list[OutboxEntry]]:
    """Plan, and unless a dry run, carry out the merge of `duplicate_key` into `survivor_key`."""
    if normalise(survivor_key) == normalise(duplicate_key):
        raise Unprocessable("a CI cannot be merged into itself", field="duplicate")
    survivor = ci_service.require_live(session, survivor_key, lock=not dry_run)
    try:
        duplicate = ci_service.require_live(session, duplicate_key, lock=not dry_run)
    except NotFound as error:
        raise Unprocessable(
            f"no CI with key {duplicate_key!r}", field="duplicate"
        ) from error
    _check_mergeable(session, survivor, duplicate)

    moved: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    planned: set[tuple[str, str, str]] = set()
    for rel in ci_repository.live_relationships_of(session, duplicate.key_lc):
        source_lc = (
            survivor.key_lc if rel.source_lc == duplicate.key_lc else rel.source_lc
        )
        target_lc = (
            survivor.key_lc if rel.target_lc == duplicate.key_lc else rel.target_lc
        )
        doc = rel.document
        entry = {
            "id": str(rel.id),
            "type": rel.type,
            "source": survivor.key if source_lc == survivor.key_lc else doc["source"],
            "target": survivor.key if target_lc == survivor.key_lc else doc["target"],
        }
        if source_lc == target_lc:
            skipped.append({**entry, "reason": "would relate the survivor to itself"})
        elif (source_lc, rel.type, target_lc) in planned or (
            relationship_repository.find_live(session, source_lc, rel.type, target_lc)
        ):
            skipped.append({**entry, "reason": "the survivor has it already"})
        else:
            planned.add((source_lc, rel.type, target_lc))
            moved.append({**entry, "weight": doc.get("weight")})
    asset = asset_repository.get_by_ci_key(session, duplicate.key_lc)
    after = _taken_over(survivor, duplicate)
    own = survivor.document.get("attributes") or {}
    taken = sorted(
        name
        for name, value in after["attributes"].items()
        if own.get(name) in EMPTY and value not in EMPTY
    )
    result = MergeResult(
        survivor=survivor.key,
        duplicate=duplicate.key,
        dry_run=dry_run,
        applied=False,
        relationships_moved=moved,
        relationships_skipped=skipped,
        asset_moved=(
            {"asset_id": asset.id, "asset_tag": asset.asset_tag} if asset else None
        ),
        attributes_taken=taken,
        owner_taken=after.get("owner") != survivor.document.get("owner"),
    )
    if dry_run:
        return result, []

    entries: list[OutboxEntry] = []
    originals = {
        str(r.id): r
        for r in ci_repository.live_relationships_of(session, duplicate.key_lc)
    }
    for item in moved:
        _, created = create_relationship(
            session,
            source=item["source"],
            type_=item["type"],
            target=item["target"],
            weight=item["weight"],
            attributes=originals[item["id"]].document.get("attributes"),
            actor=actor,
            origin=SOURCE,
        )
        entries.append(created)
    now = datetime.now(UTC)
    before = dict(survivor.document)
    after["version"] = survivor.version + 1
    after["updated_at"] = now.isoformat()
    survivor.document, survivor.version, survivor.updated_at = (
        after,
        after["version"],
        now,
    )
    merge_entry = record_change(
        session,
        entity="ci",
        entity_id=survivor.key_lc,
        op="update",
        ci_keys=[survivor.key_lc, duplicate.key_lc],
        actor=actor,
        source=SOURCE,
        version=after["version"],
        before=before,
        after=after,
    )
    entries.append(merge_entry)
    entries += ci_service.delete_ci(
        session, duplicate.key, if_match=None, actor=actor, source=SOURCE
    )
    if asset is not None:
        asset_service.update_asset(
            session,
            str(asset.id),
            {"ci_key": survivor.key_lc},
            if_match=None,
            actor=actor,
        )
    result.applied = True
    result.history_change_id = merge_entry.change_id
    return result, entries
