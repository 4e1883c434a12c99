"""The neighbourhood of a CI, walked level by level in both directions over every relationship.

Like impact (`impact/service.py`), the walk keeps its own visited set and asks Neo4j for one
level at a time, so the cost is linear in the CIs and relationships it meets."""

from typing import Any

from graphledger.ci import service as ci_service
from graphledger.db import get_sessionmaker
from graphledger.graph import neo4j
from graphledger.logs import get_logger

log = get_logger(__name__)
ROWS_PER_NODE = 50


def _node(row: dict[str, Any], distance: int, via: str | None) -> dict[str, Any]:
    return {
        "key": row["key"],
        "class": row.get("class"),
        "name": row.get("name"),
        "owner": row.get("owner"),
        "status": row.get("status"),
        "min_members_up": row.get("min_members_up"),
        "distance": distance,
        "via": via,
    }


def neighbourhood(key: str, *, depth: int, max_nodes: int) -> dict[str, Any]:
    """The CIs within `depth` hops of `key` (at most `max_nodes`) and their relationships."""
    with get_sessionmaker()() as session:
        head = ci_service.require_live(session, key)
    document = head.document
    attributes = document.get("attributes") or {}
    start = _node(
        {**document, "min_members_up": attributes.get("min_members_up")}, 0, None
    )
    nodes: dict[str, dict[str, Any]] = {head.key_lc: start}
    edges: dict[str, dict[str, Any]] = {}
    frontier = [head.key_lc]
    truncated = False
    more_beyond = False

    # One extra round past `depth` adds no CI but finds the relationships among the outermost ones.
    for level in range(1, depth + 2):
        if not frontier:
            break
        limit = ROWS_PER_NODE * max_nodes
        rows = neo4j.read("neighbourhood/expand", frontier=frontier, limit=limit)
        truncated = truncated or len(rows) >= limit
        reached: list[str] = []
        for row in rows:
            other = row["to_key"]
            if other not in nodes:
                if level > depth:
                    more_beyond = True
                    continue
                if len(nodes) >= max_nodes:
                    truncated = True
                    continue
                nodes[other] = _node(row, level, nodes[row["from_key"]]["key"])
                reached.append(other)
            here, there = nodes[row["from_key"]]["key"], nodes[other]["key"]
            edges[row["id"]] = {
                "id": row["id"],
                "type": row["type"],
                "source": here if row["outbound"] else there,
                "target": there if row["outbound"] else here,
            }
        frontier = reached

    log.info(
        "neighbourhood.walked",
        ci_key=head.key,
        depth=depth,
        nodes=len(nodes),
        edges=len(edges),
        truncated=truncated,
    )
    return {
        "key": head.key,
        "depth": depth,
        "nodes": list(nodes.values()),
        "edges": list(edges.values()),
        "truncated": truncated,
        "more_beyond": more_beyond,
    }
