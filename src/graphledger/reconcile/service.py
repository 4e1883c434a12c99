"""Finding drift between PostgreSQL (journal, heads, ledger) and Neo4j (the graph), and repairing
what is safe to repair.

Safe repairs go through the outbox, so they stay ordered with other writes and idempotent:
- a live CI or relationship the graph lacks, or whose graph version differs from its journal
  head, gets a new outbox entry for its newest journal change, applied with the guard lifted;
- a CI or relationship in the graph that the journal has no live head for is ended in the graph
  (it becomes historical, as a journal delete would make it);
- failed outbox entries go back to pending for another try.
Ledger findings (an asset linked to a missing CI, a live CI whose asset is disposed) need a person's
decision and are only reported.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from graphledger.graph import neo4j
from graphledger.graph.neo4j import get_driver
from graphledger.logs import get_logger
from graphledger.models import (
    Asset,
    CIHead,
    OutboxEntry,
    RelationshipHead,
    TopologyChange,
)
from graphledger.settings import get_settings

log = get_logger(__name__)
PAGE = 10_000
STUCK_AFTER = timedelta(minutes=5)


def _graph_cis() -> dict[str, int | None]:
    found: dict[str, int | None] = {}
    after = ""
    while True:
        rows = neo4j.read("reconcile/cis", after=after, limit=PAGE)
        found.update({r["key_lc"]: r["version"] for r in rows})
        if len(rows) < PAGE:
            return found
        after = rows[-1]["key_lc"]


def _graph_relationships() -> set[str]:
    found: set[str] = set()
    after = ""
    while True:
        rows = neo4j.read("reconcile/relationships", after=after, limit=PAGE)
        found.update(r["id"] for r in rows)
        if len(rows) < PAGE:
            return found
        after = rows[-1]["id"]


def _pending_entities(session: Session) -> set[str]:
    rows = session.execute(
        select(TopologyChange.entity_id)
        .join(OutboxEntry, OutboxEntry.change_id == TopologyChange.id)
        .where(OutboxEntry.status == "pending")
    ).scalars()
    return set(rows)


def find_drift(session: Session) -> dict[str, Any]:
    """Every kind of drift, each with the items behind it."""
    pending = _pending_entities(session)
    heads = {
        key_lc: version
        for key_lc, version in session.execute(
            select(CIHead.key_lc, CIHead.version).where(CIHead.deleted.is_(False))
        )
    }
    graph_cis = _graph_cis()
    rel_heads = {
        str(rel_id)
        for rel_id in session.execute(
            select(RelationshipHead.id).where(RelationshipHead.deleted.is_(False))
        ).scalars()
    }
    graph_rels = _graph_relationships()

    missing_cis = sorted(k for k in heads if k not in graph_cis and k not in pending)
    stale_cis = sorted(
        k
        for k, v in heads.items()
        if k in graph_cis and graph_cis[k] != v and k not in pending
    )
    extra_cis = sorted(k for k in graph_cis if k not in heads and k not in pending)
    missing_rels = sorted(
        r for r in rel_heads if r not in graph_rels and r not in pending
    )
    extra_rels = sorted(
        r for r in graph_rels if r not in rel_heads and r not in pending
    )

    assets_missing_ci = [
        {"asset_id": a.id, "asset_tag": a.asset_tag, "ci_key": a.ci_key}
        for a in session.execute(
            select(Asset)
            .outerjoin(
                CIHead, (CIHead.key_lc == Asset.ci_key) & CIHead.deleted.is_(False)
            )
            .where(Asset.ci_key.is_not(None), CIHead.key_lc.is_(None))
            .order_by(Asset.id)
        ).scalars()
    ]
    cis_of_disposed = [
        {"asset_id": a.id, "asset_tag": a.asset_tag, "ci_key": a.ci_key}
        for a in session.execute(
            select(Asset)
            .join(CIHead, (CIHead.key_lc == Asset.ci_key) & CIHead.deleted.is_(False))
            .where(Asset.state == "disposed")
            .order_by(Asset.id)
        ).scalars()
    ]
    stuck_before = datetime.now(UTC) - STUCK_AFTER
    stuck = [
        {
            "outbox_id": e.id,
            "change_id": e.change_id,
            "status": e.status,
            "attempts": e.attempts,
            "last_error": e.last_error,
            "created_at": e.created_at.isoformat(),
        }
        for e in session.execute(
            select(OutboxEntry)
            .where(
                (OutboxEntry.status == "failed")
                | (
                    (OutboxEntry.status == "pending")
                    & (OutboxEntry.created_at < stuck_before)
                )
            )
            .order_by(OutboxEntry.id)
            .limit(1000)
        ).scalars()
    ]
    findings = {
        "cis_missing_in_graph": missing_cis,
        "cis_out_of_date_in_graph": stale_cis,
        "cis_only_in_graph": extra_cis,
        "relationships_missing_in_graph": missing_rels,
        "relationships_only_in_graph": extra_rels,
        "assets_linked_to_missing_cis": assets_missing_ci,
        "cis_linked_to_disposed_assets": cis_of_disposed,
        "outbox_stuck_or_failed": stuck,
    }
    return {
        "checked_at": datetime.now(UTC).isoformat(),
        "counts": {name: len(items) for name, items in findings.items()},
        "drift": any(findings.values()),
        **findings,
    }


def _latest_changes(session: Session, entity: str, ids: list[str]) -> list[int]:
    if not ids:
        return []
    rows = session.execute(
        select(func.max(TopologyChange.id))
        .where(TopologyChange.entity == entity, TopologyChange.entity_id.in_(ids))
        .group_by(TopologyChange.entity_id)
    ).scalars()
    return sorted(rows)


def repair(session: Session, drift: dict[str, Any]) -> dict[str, Any]:
    """Repair what is safe; returns what was done. The caller's unit of work commits."""
    reapply_cis = drift["cis_missing_in_graph"] + drift["cis_out_of_date_in_graph"]
    # Lift the replay guard of the CIs to re-apply, so their newest change applies again.
    with get_driver().session(database=get_settings().neo4j_database) as graph:
        graph.execute_write(
            lambda tx: tx.run(
                "UNWIND $keys AS k MATCH (c:CI {key_lc: k}) REMOVE c.change_id",
                keys=drift["cis_out_of_date_in_graph"],
            ).consume()
        )
        graph.execute_write(
            lambda tx: tx.run(
                "UNWIND $keys AS k MATCH (c:CI {key_lc: k}) "
                "REMOVE c:CI REMOVE c:$([l IN labels(c) WHERE l <> 'CI']) "
                "SET c:DeletedCI, c.valid_to = timestamp()",
                keys=drift["cis_only_in_graph"],
            ).consume()
        )
        graph.execute_write(
            lambda tx: tx.run(
                "UNWIND $ids AS rid MATCH (a:CI)-[r {id: rid}]->(b:CI) WHERE r.kind IS NULL "
                "CREATE (a)-[h:$('WAS_' + type(r))]->(b) "
                "SET h = properties(r), h.kind = type(r), h.valid_to = timestamp() DELETE r",
                ids=drift["relationships_only_in_graph"],
            ).consume()
        )
    change_ids = _latest_changes(session, "ci", reapply_cis) + _latest_changes(
        session, "relationship", drift["relationships_missing_in_graph"]
    )
    for change_id in change_ids:
        session.add(OutboxEntry(change_id=change_id))
    retried = (
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.status == "failed")
            .values(status="pending", attempts=0)
            .returning(OutboxEntry.id)
        )
        .scalars()
        .all()
    )
    session.flush()
    done = {
        "reapplied_cis": reapply_cis,
        "reapplied_relationships": drift["relationships_missing_in_graph"],
        "ended_in_graph_cis": drift["cis_only_in_graph"],
        "ended_in_graph_relationships": drift["relationships_only_in_graph"],
        "outbox_entries_retried": list(retried),
        "outbox_entries_added": len(change_ids),
        "left_for_a_person": {
            "assets_linked_to_missing_cis": drift["assets_linked_to_missing_cis"],
            "cis_linked_to_disposed_assets": drift["cis_linked_to_disposed_assets"],
        },
    }
    log.info(
        "reconcile.repaired",
        reapplied_cis=len(reapply_cis),
        ended_cis=len(drift["cis_only_in_graph"]),
        retried=len(retried),
    )
    return done
