"""Loading a transformed batch through the same write path as the API, and reporting on it.

Every item goes through the CI and relationship services (journal and outbox included) inside a
savepoint of its own, so a bad item is rejected with its reason and never leaves half an item
written. A dry run does the same work and rolls it all back: the report is the diff.
"""

from dataclasses import asdict
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.orm import Session

from graphledger.ci import repository as ci_repository
from graphledger.ci import service as ci_service
from graphledger.ci.keys import normalise
from graphledger.ci.schemas import CICreate
from graphledger.db import get_sessionmaker
from graphledger.errors import GraphledgerError
from graphledger.imports.model import Batch, CIItem, Rejection, RelationshipItem
from graphledger.logs import get_logger
from graphledger.outbox.writes import settle
from graphledger.relationship import repository as rel_repository
from graphledger.relationship import service as rel_service

log = get_logger(__name__)


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
    rejected: list[dict[str, Any]] = Field(default_factory=list)
    unresolved: list[dict[str, str]] = Field(default_factory=list)
    changes: list[dict[str, Any]] = Field(default_factory=list)
    applied_to_graph: bool = True


def _reason(error: Exception) -> tuple[str, str | None]:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or None
        return first.get("msg", "invalid"), field
    if isinstance(error, GraphledgerError):
        errors = error.extra.get("errors") or []
        return error.detail, (errors[0].get("field") if errors else None)
    raise error


def _load_ci(
    session: Session, item: CIItem, actor: str, source: str
) -> tuple[str, Any]:
    head = ci_repository.get_head(session, normalise(item.key))
    if head is None or head.deleted:
        data = CICreate.model_validate(
            {
                "key": item.key,
                "class": item.class_,
                "name": item.name,
                "owner": item.owner,
                "attributes": item.attributes,
            }
        )
        _, entry = ci_service.create_ci(session, data, actor=actor, source=source)
        return "created", entry
    current = head.document
    changes: dict[str, Any] = {}
    if current["class"] != item.class_:
        changes["class"] = item.class_
    if current["name"] != item.name:
        changes["name"] = item.name
    if item.owner is not None and current.get("owner") != item.owner:
        changes["owner"] = item.owner
    merged = {**current.get("attributes", {}), **item.attributes}
    if merged != current.get("attributes", {}):
        changes["attributes"] = merged
    if not changes:
        return "unchanged", None
    _, entry = ci_service.update_ci(
        session, item.key, changes, if_match=None, actor=actor, source=source
    )
    return ("updated", entry) if entry is not None else ("unchanged", None)


def _load_relationship(
    session: Session, item: RelationshipItem, actor: str, source: str
) -> tuple[str, Any]:
    existing = rel_repository.find_live(
        session, normalise(item.source), item.type, normalise(item.target)
    )
    if existing is not None:
        return "unchanged", None
    _, entry = rel_service.create_relationship(
        session,
        source=item.source,
        type_=item.type,
        target=item.target,
        actor=actor,
        origin=source,
    )
    return "created", entry


def load(batch: Batch, *, fmt: str, actor: str, dry_run: bool) -> ImportReport:
    """Write a batch (or, on a dry run, compute what writing it would do) and report."""
    report = ImportReport(format=fmt, dry_run=dry_run, unresolved=batch.unresolved)
    report.rejected = [asdict(r) for r in batch.rejected]
    entry_ids: list[int] = []
    source = f"import:{fmt}"
    with get_sessionmaker()() as session:
        for counts, items, loader, what in (
            (report.cis, batch.cis, _load_ci, "ci"),
            (
                report.relationships,
                batch.relationships,
                _load_relationship,
                "relationship",
            ),
        ):
            for item in items:
                savepoint = session.begin_nested()
                try:
                    outcome, entry = loader(session, item, actor, source)  # type: ignore[operator]
                    savepoint.commit()
                except (ValidationError, GraphledgerError) as error:
                    savepoint.rollback()
                    reason, field = _reason(error)
                    counts.rejected += 1
                    report.rejected.append(asdict(Rejection(item.ref, reason, field)))
                    continue
                setattr(counts, outcome, getattr(counts, outcome) + 1)
                if entry is not None:
                    entry_ids.append(entry.id)
                    label = (
                        item.key
                        if what == "ci"
                        else f"{item.source} {item.type} {item.target}"
                    )
                    report.changes.append(
                        {"entity": what, "op": outcome, "item": label}
                    )
        if dry_run:
            session.rollback()
        else:
            session.commit()
    report.created = report.cis.created + report.relationships.created
    report.updated = report.cis.updated + report.relationships.updated
    report.unchanged = report.cis.unchanged + report.relationships.unchanged
    if not dry_run:
        report.applied_to_graph = settle(entry_ids)
    log.info(
        "import.loaded",
        format=fmt,
        dry_run=dry_run,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=len(report.rejected),
    )
    return report
