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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction
from neo4j.exceptions import ClientError
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from graphledger.db import get_sessionmaker
from graphledger.graph.neo4j import cypher, get_driver, timed
from graphledger.logs import get_logger
from graphledger.models import OutboxEntry, TopologyChange
from graphledger.settings import get_settings

log = get_logger(__name__)

DRAIN_LOCK = 0x6772_6C65  # "grle": one outbox drainer at a time
MAX_ATTEMPTS = 5


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


def _row(change: TopologyChange) -> tuple[str, dict[str, Any]]:
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


def _batches(changes: list[TopologyChange]) -> list[tuple[str, list[dict[str, Any]]]]:
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


def _apply(batches: list[tuple[str, list[dict[str, Any]]]]) -> None:
    @timed()
    def work(tx: ManagedTransaction) -> None:
        for name, rows in batches:
            tx.run(cypher(name), {"rows": rows}).consume()

    with get_driver().session(database=get_settings().neo4j_database) as neo:
        neo.execute_write(work)


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
        while True:
            pending = session.execute(
                select(OutboxEntry, TopologyChange)
                .join(TopologyChange, TopologyChange.id == OutboxEntry.change_id)
                .where(OutboxEntry.status == "pending")
                .order_by(OutboxEntry.id)
                .limit(batch)
            ).all()
            if not pending:
                break
            entries = [entry for entry, _ in pending]
            try:
                _apply(_batches([change for _, change in pending]))
            except ClientError as error:
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
                    pending=len(entries),
                )
                breaker.tried(False)
                session.rollback()
                result.neo4j_down = True
                return result
            breaker.tried(True)
            now = datetime.now(UTC)
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id.in_([e.id for e in entries]))
                .values(
                    status="applied", applied_at=now, attempts=OutboxEntry.attempts + 1
                )
            )
            result.applied += len(entries)
            if len(pending) < batch:
                break
        session.commit()
    if result.applied:
        log.info("outbox.drained", applied=result.applied)
    return result


def _apply_one_by_one(session: Session, pending: Sequence[Any]) -> int:
    """Apply entries singly after a refused batch; a refused entry fails after MAX_ATTEMPTS."""
    failed = 0
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": DRAIN_LOCK})
    for entry, change in pending:
        try:
            _apply(_batches([change]))
            status, error = "applied", None
        except ClientError as exc:
            entry_attempts = entry.attempts + 1
            status = "failed" if entry_attempts >= MAX_ATTEMPTS else "pending"
            error = str(exc)[:2000]
            log.warning(
                "outbox.entry_refused",
                outbox_id=entry.id,
                change_id=change.id,
                attempts=entry_attempts,
                error=error[:200],
            )
            if status == "pending":
                session.execute(
                    update(OutboxEntry)
                    .where(OutboxEntry.id == entry.id)
                    .values(attempts=entry_attempts, last_error=error)
                )
                break
            failed += 1
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry.id)
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
