"""Ranking what a CI depends on by how likely each is the cause of its trouble.

The score of an upstream CI is the sum of four parts, each with its reason in the answer:
- unhealthy: 50 when its status is down, 30 when degraded, 15 in maintenance;
- changed: when the journal holds a change touching it since `since` (default: the last 24 hours),
  30 scaled by how recent the newest one is: 30 x max(0.25, 1 - age / window);
- single point of failure: 15 when its loss alone takes the CI down (redundancy honoured);
- proximity: 10 / distance, so nearer candidates win ties.
Candidates are ranked by score, then distance, then key.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from graphledger.ci.keys import normalise
from graphledger.impact.engine import Traversal
from graphledger.impact.service import GraphWalk, edges_within
from graphledger.impact.states import Network
from graphledger.models import TopologyChange
from graphledger.settings import get_settings

UNHEALTHY = {"down": 50.0, "degraded": 30.0, "maintenance": 15.0}
CHANGED, SPOF, PROXIMITY = 30.0, 15.0, 10.0
DEFAULT_WINDOW = timedelta(hours=24)


@dataclass
class Upstream:
    """The upstream part of the graph seen from one CI."""

    key_lc: str
    key: str
    walk: Traversal
    graph: GraphWalk
    network: Network
    spof: set[str] = field(default_factory=set)
    spof_truncated: bool = False


def walk_upstream(key: str) -> Upstream:
    """Everything the CI needs, transitively, with one shortest path to each."""
    settings = get_settings()
    graph = GraphWalk(upstream=True)
    key_lc = normalise(key)

    sources, walk, groups = graph.region(
        [key],
        max_depth=settings.upstream_max_depth,
        max_results=settings.upstream_max_results,
    )
    network = Network(edges_within(walk, graph.edges), groups)
    return Upstream(
        key_lc=key_lc, key=sources[key_lc], walk=walk, graph=graph, network=network
    )


def find_single_points(up: Upstream) -> Upstream:
    """Mark the upstream CIs whose failure alone takes the CI down."""
    limit = get_settings().spof_max_candidates
    candidates = up.walk.order[:limit]
    up.spof_truncated = len(up.walk.order) > limit
    up.spof = up.network.single_points(up.key_lc, candidates)
    return up


NEWEST_CHANGE_PER_KEY = text(
    """
    SELECT k.key, max(c.id)
    FROM topology_changes AS c
    CROSS JOIN LATERAL unnest(c.ci_keys) AS k(key)
    WHERE c.at >= :since AND k.key = ANY(CAST(:keys AS varchar[]))
    GROUP BY k.key
    """
)


def recent_changes(
    session: Session, keys: list[str], since: datetime
) -> dict[str, TopologyChange]:
    """The newest journal change since `since` touching each of the given CIs.

    The newest change per key is picked inside PostgreSQL over the window's changes (a hashed
    key list; an array overlap with hundreds of keys is checked element by element), so one
    journal row per CI comes back however busy the journal is.
    """
    if not keys:
        return {}
    newest = dict(
        session.execute(NEWEST_CHANGE_PER_KEY, {"keys": keys, "since": since})
        .tuples()
        .all()
    )
    changes = session.execute(
        select(TopologyChange).where(TopologyChange.id.in_(set(newest.values())))
    ).scalars()
    by_id = {change.id: change for change in changes}
    return {key: by_id[change_id] for key, change_id in newest.items()}


def describe(change: TopologyChange) -> dict[str, Any]:
    """A change as a reason: what, when, who, and which fields moved."""
    before, after = change.before or {}, change.after or {}
    fields = sorted(
        k
        for k in set(before) | set(after)
        if before.get(k) != after.get(k) and k not in ("version", "updated_at")
    )
    return {
        "change_id": change.id,
        "entity": change.entity,
        "op": change.op,
        "at": change.at.isoformat(),
        "actor": change.actor,
        "source": change.source,
        "fields": fields if change.op == "update" else [],
    }


def rank(
    up: Upstream, changes: dict[str, TopologyChange], *, since: datetime, now: datetime
) -> list[dict[str, Any]]:
    """Scored candidates with their reasons and paths, best first."""
    window = max((now - since).total_seconds(), 1.0)
    ranked: list[dict[str, Any]] = []
    for key_lc in up.walk.order:
        detail = up.graph.details[key_lc]
        distance = up.walk.reached[key_lc].distance
        reasons: list[dict[str, Any]] = []
        status = detail.get("status") or "operational"
        if status in UNHEALTHY:
            reasons.append(
                {"kind": "unhealthy", "status": status, "weight": UNHEALTHY[status]}
            )
        change = changes.get(key_lc)
        if change is not None:
            age = max((now - change.at).total_seconds(), 0.0)
            weight = round(CHANGED * max(0.25, 1 - age / window), 2)
            reasons.append(
                {"kind": "changed", "weight": weight, "change": describe(change)}
            )
        if key_lc in up.spof:
            reasons.append({"kind": "single_point_of_failure", "weight": SPOF})
        reasons.append(
            {
                "kind": "distance",
                "distance": distance,
                "weight": round(PROXIMITY / distance, 2),
            }
        )
        ranked.append(
            {
                "key": up.walk.reached[key_lc].key,
                "class": detail.get("class"),
                "name": detail.get("name"),
                "status": status,
                "owner": detail.get("owner"),
                "distance": distance,
                "score": round(sum(r["weight"] for r in reasons), 2),
                "single_point_of_failure": key_lc in up.spof,
                "reasons": reasons,
                "path": up.walk.path(key_lc),
            }
        )
    ranked.sort(key=lambda c: (-c["score"], c["distance"], c["key"].lower()))
    return ranked


def default_since(now: datetime) -> datetime:
    return now - DEFAULT_WINDOW


def utcnow() -> datetime:
    return datetime.now(UTC)
