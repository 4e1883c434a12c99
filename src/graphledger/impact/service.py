"""Impact over the live graph in Neo4j, one round trip per breadth-first level."""

from collections.abc import Iterable
from typing import Any

from graphledger.ci.keys import normalise
from graphledger.errors import Unprocessable
from graphledger.graph import neo4j
from graphledger.graph.registry import impact_types
from graphledger.impact.engine import breadth_first
from graphledger.impact.schemas import ImpactedCI, ImpactRequest, ImpactResponse
from graphledger.logs import get_logger
from graphledger.settings import get_settings

log = get_logger(__name__)


def resolve(keys: list[str]) -> dict[str, str]:
    """Normalised key -> display key for the given keys; 422 naming the unknown ones."""
    wanted = list(dict.fromkeys(normalise(k) for k in keys))
    found = {
        row["key_lc"]: row["key"] for row in neo4j.read("impact/resolve", keys=wanted)
    }
    unknown = [k for k in keys if normalise(k) not in found]
    if unknown:
        raise Unprocessable(
            f"unknown CI keys: {', '.join(unknown[:20])}", field="keys", unknown=unknown
        )
    return {k: found[k] for k in wanted}


def impact(request: ImpactRequest) -> ImpactResponse:
    """Each CI reached from the changed ones, once, at its shortest distance, with one path."""
    settings = get_settings()
    max_depth = min(
        request.max_depth or settings.impact_default_depth, settings.impact_max_depth
    )
    max_results = min(
        request.max_results or settings.impact_default_results,
        settings.impact_max_results,
    )
    sources = resolve(request.keys)
    types = impact_types(request.types)
    details: dict[str, dict[str, Any]] = {}

    def expand(frontier: list[str]) -> Iterable[tuple[str, str, str]]:
        rows = neo4j.read("impact/expand", frontier=frontier, **types)
        for row in rows:
            details.setdefault(row["to_key"], row)
        return [(row["from_key"], row["to_key"], row["key"]) for row in rows]

    walk = breadth_first(sources, expand, max_depth=max_depth, max_results=max_results)
    impacted = [
        ImpactedCI(
            key=walk.reached[k].key,
            class_=details[k].get("class"),
            name=details[k].get("name"),
            owner=details[k].get("owner"),
            distance=walk.reached[k].distance,
            state="down",
            path=walk.path(k),
        )
        for k in walk.order
    ]
    log.info(
        "impact.computed",
        sources=list(sources.values())[:10],
        impacted=len(impacted),
        truncated=walk.truncated,
    )
    return ImpactResponse(
        changed=list(sources.values()),
        impacted=impacted,
        truncated=walk.truncated,
        truncated_by=walk.truncated_by,
        max_depth=max_depth,
        max_results=max_results,
    )
