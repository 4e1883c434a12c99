"""Drains the outbox into Neo4j: in journal order, idempotently, one drainer at a time.

A PostgreSQL advisory lock makes the drainer single across API replicas, so entries reach Neo4j
in the order they were committed. Consecutive entries of the same kind go to Neo4j as one UNWIND
batch; each node and relationship remembers the change id it reflects, so replaying a batch after a
crash (applied in Neo4j, not yet marked in PostgreSQL) changes nothing.
"""

import json
import threading
import time
from collections.abc import Sequence
from concurrent import futures
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from neo4j import ManagedTransaction
from neo4j.exceptions import ClientError
from sqlalchemy import BigInteger, Row, case, func, select, text, true, update
from sqlalchemy.orm import Session

from graphledger.db import among, get_sessionmaker
from graphledger.graph.neo4j import cypher, get_driver, timed, typed_cypher
from graphledger.graph.registry import RELATIONSHIP_TYPES
from graphledger.logs import get_logger
from graphledger.models import OutboxEntry, TopologyChange
from graphledger.settings import get_settings

log = get_logger(__name__)

DRAIN_LOCK = 0x6772_6C65  # "grle": one outbox drainer at a time
MAX_ATTEMPTS = 5
# Applies a batch to Neo4j while the drainer reads the next one from PostgreSQL. One worker:
# batches still reach the graph one at a time and in order.
_applier = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-apply")


@dataclass
class DrainResult:
    applied: int = 0
    failed: int = 0
    neo4j_down: bool = False


class _Breaker:
    """Remembers a recent Neo4j outage so writes answer 202 at once instead of waiting on it."""

    def __init__(self) -> None:
        self._down_since: float | None = None
        self._last_try = 0.0
        self._lock = threading.Lock()

    def should_try(self) -> bool:
        with self._lock:
            if self._down_since is None:
                return True
            return (
                time.monotonic() - self._last_try
                >= get_settings().outbox_retry_after_failure_s
            )

    def tried(self, ok: bool) -> None:
        with self._lock:
            self._last_try = time.monotonic()
            if ok:
                self._down_since = None
            elif self._down_since is None:
                self._down_since = self._last_try

    @property
    def down(self) -> bool:
        return self._down_since is not None


breaker = _Breaker()


class Change(Protocol):
    """What applying a journal change reads of it (a TopologyChange, or a row of `_pending`)."""

    id: int
    entity: str
    entity_id: str
    op: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _row(change: Change) -> tuple[str, dict[str, Any]]:
    """The statement and parameters row that applies one journal change."""
    doc = change.after if change.op != "delete" else change.before
    assert doc is not None
    at_ms = int(change.at.timestamp() * 1000)
    if change.entity == "ci":
        if change.op == "delete":
            return "ci/delete", {
                "key_lc": change.entity_id,
                "change_id": change.id,
                "at_ms": at_ms,
            }
        props = graph_props(doc)
        # Promoted so traversals can read a group's redundancy without parsing JSON.
        props["min_members_up"] = (doc.get("attributes") or {}).get("min_members_up")
        return "ci/upsert", {
            "key_lc": change.entity_id,
            "at_ms": at_ms,
            "class": doc["class"],
            "change_id": change.id,
            "props": props,
        }
    if change.op == "delete":
        return "relationship/delete", {
            "id": change.entity_id,
            "type": doc["type"],
            "source_lc": doc["source_lc"],
            "at_ms": at_ms,
        }
    return "relationship/upsert", {
        "id": change.entity_id,
        "type": doc["type"],
        "source_lc": doc["source_lc"],
        "target_lc": doc["target_lc"],
        "change_id": change.id,
        "at_ms": at_ms,
        "props": graph_props(
            {k: doc.get(k) for k in ("attributes", "weight", "created_at")}
        ),
    }


def graph_props(document: dict[str, Any]) -> dict[str, Any]:
    """Neo4j holds flat properties only: nested values travel as JSON text."""
    flat: dict[str, Any] = {}
    for name, value in document.items():
        flat[name] = (
            json.dumps(value, sort_keys=True)
            if isinstance(value, dict | list)
            else value
        )
    return flat


def _batches(changes: Sequence[Change]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Group consecutive changes of one statement kind, keeping only the newest row per item."""
    groups: list[tuple[str, dict[str, dict[str, Any]]]] = []
    for change in changes:
        name, row = _row(change)
        if not groups or groups[-1][0] != name:
            groups.append((name, {}))
        rows = groups[-1][1]
        ident = row.get("key_lc") or row["id"]
        rows.pop(
            ident, None
        )  # the newer row replaces the older one and takes its turn last
        rows[ident] = row
    return [(name, list(rows.values())) for name, rows in groups]


class UnknownType(Exception):
    """A relationship change names a type the registry does not declare."""


# Statements written per relationship type (see typed_cypher): their rows go by type.
TYPED = frozenset({"relationship/upsert", "relationship/delete"})


def _statements(
    batches: list[tuple[str, list[dict[str, Any]]]],
) -> list[tuple[str, list[dict[str, Any]]]]:
    """The Cypher text and rows of each batch, a typed batch split by type in first-seen order.

    The split keeps every change of one item in its order: an item has one type.
    """
    statements: list[tuple[str, list[dict[str, Any]]]] = []
    for name, rows in batches:
        if name not in TYPED:
            statements.append((cypher(name), rows))
            continue
        by_type: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_type.setdefault(row["type"], []).append(row)
        for rel_type, typed_rows in by_type.items():
            if rel_type not in RELATIONSHIP_TYPES:
                raise UnknownType(f"unknown relationship type {rel_type!r}")
            statements.append((typed_cypher(name, rel_type), typed_rows))
    return statements


def _apply(batches: list[tuple[str, list[dict[str, Any]]]]) -> None:
    statements = _statements(batches)

    @timed()
    def work(tx: ManagedTransaction) -> None:
        for statement, rows in statements:
            tx.run(statement, {"rows": rows}).consume()

    with get_driver().session(database=get_settings().neo4j_database) as neo:
        neo.execute_write(work)


def _pending(
    session: Session, limit: int, after: int | None = None
) -> Sequence[Row[Any]]:
    """The oldest pending entries (past entry `after`, when given) with their changes.

    Only the document the graph needs is read (`after`, or `before` for a delete): decoding
    both JSON documents of every change cost as much as applying it.
    """
    deleting = TopologyChange.op == "delete"
    past = OutboxEntry.id > after if after is not None else true()
    # Plain rows from the connection: the ORM result layer cost as much as the query.
    return (
        session.connection()
        .execute(
            select(
                OutboxEntry.id.label("entry_id"),
                OutboxEntry.attempts,
                TopologyChange.id,
                TopologyChange.entity,
                TopologyChange.entity_id,
                TopologyChange.op,
                TopologyChange.at,
                case((deleting, TopologyChange.before)).label("before"),
                case((~deleting, TopologyChange.after)).label("after"),
            )
            .join(TopologyChange, TopologyChange.id == OutboxEntry.change_id)
            .where(OutboxEntry.status == "pending", past)
            .order_by(OutboxEntry.id)
            .limit(limit)
        )
        .all()
    )


def drain(limit: int | None = None, *, wait: bool = False) -> DrainResult:
    """Apply pending outbox entries to Neo4j; returns what happened. Safe to call from anywhere."""
    result = DrainResult()
    if not breaker.should_try():
        result.neo4j_down = True
        return result
    batch = limit or get_settings().outbox_batch
    with get_sessionmaker()() as session:
        if wait:
            # A writer waits briefly for a running drain, so it can say whether its write applied.
            session.execute(text("SET LOCAL lock_timeout = '5s'"))
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": DRAIN_LOCK})
        elif not session.execute(
            text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": DRAIN_LOCK}
        ).scalar():
            return result
        pending = _pending(session, batch)
        while pending:
            ahead: Sequence[Row[Any]] = []
            applying = _applier.submit(_apply, _batches(pending))
            if len(pending) == batch:
                # While Neo4j applies this batch, read the next: it starts past this one.
                try:
                    ahead = _pending(session, batch, after=pending[-1].entry_id)
                finally:
                    futures.wait([applying])
            try:
                applying.result()
            except (ClientError, UnknownType) as error:
                # A statement the graph refuses: isolate it so one bad entry cannot block the rest.
                session.rollback()
                log.warning("outbox.batch_refused", error=str(error)[:200])
                result.failed += _apply_one_by_one(session, pending)
                breaker.tried(True)
                return result
            except (
                Exception
            ) as error:  # an outage: unreachable, expired session, timeout
                log.warning(
                    "outbox.neo4j_unavailable",
                    error=str(error)[:200],
                    pending=len(pending),
                )
                breaker.tried(False)
                session.rollback()
                result.neo4j_down = True
                return result
            breaker.tried(True)
            now = datetime.now(UTC)
            # Past the ORM, which would fetch the ids back to refresh its identity map.
            session.connection().execute(
                update(OutboxEntry)
                .where(
                    among(OutboxEntry.id, [p.entry_id for p in pending], BigInteger())
                )
                .values(
                    status="applied", applied_at=now, attempts=OutboxEntry.attempts + 1
                )
            )
            result.applied += len(pending)
            pending = ahead
        session.commit()
    if result.applied:
        log.info("outbox.drained", applied=result.applied)
    return result


def _apply_one_by_one(session: Session, pending: Sequence[Row[Any]]) -> int:
    """Apply entries singly after a refused batch; a refused entry fails after MAX_ATTEMPTS."""
    failed = 0
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": DRAIN_LOCK})
    for change in pending:
        try:
            _apply(_batches([change]))
            status, error = "applied", None
        except (ClientError, UnknownType) as exc:
            entry_attempts = change.attempts + 1
            status = "failed" if entry_attempts >= MAX_ATTEMPTS else "pending"
            error = str(exc)[:2000]
            log.warning(
                "outbox.entry_refused",
                outbox_id=change.entry_id,
                change_id=change.id,
                attempts=entry_attempts,
                error=error[:200],
            )
            if status == "pending":
                session.execute(
                    update(OutboxEntry)
                    .where(OutboxEntry.id == change.entry_id)
                    .values(attempts=entry_attempts, last_error=error)
                )
                break
            failed += 1
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == change.entry_id)
            .values(
                status=status,
                attempts=OutboxEntry.attempts + 1,
                last_error=error,
                applied_at=datetime.now(UTC) if status == "applied" else None,
            )
        )
    session.commit()
    return failed


def backlog(session: Session) -> dict[str, Any]:
    """How many entries wait or failed, and the age of the oldest waiting one."""
    pending, oldest = session.execute(
        select(func.count(), func.min(OutboxEntry.created_at)).where(
            OutboxEntry.status == "pending"
        )
    ).one()
    failed = session.execute(
        select(func.count()).where(OutboxEntry.status == "failed")
    ).scalar_one()
    age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
    return {"pending": pending, "failed": failed, "oldest_pending_age_s": round(age, 3)}


class Drainer:
    """A background thread that keeps draining while the API runs."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="outbox-drainer", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)

    def nudge(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        poll = get_settings().outbox_poll_s
        while not self._stop.is_set():
            try:
                result = drain()
                busy = result.applied >= get_settings().outbox_batch
            except Exception as error:  # noqa: BLE001 - the loop must survive a PostgreSQL outage
                log.warning("outbox.drain_failed", error=str(error)[:200])
                busy = False
            if not busy:
                self._wake.wait(poll)
                self._wake.clear()
