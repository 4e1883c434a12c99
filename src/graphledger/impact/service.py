"""Impact over the graph in Neo4j: one breadth-first walk inside the database, states by redundancy.

Why not one Cypher pattern: a variable-length pattern such as `(a)<-[:DEPENDS_ON*1..6]-(b)` and
quantified path patterns both match paths, and on a lattice or a dense cluster the number of paths
grows exponentially with depth (2^40 on a 40-level lattice of pairs); `ANY SHORTEST` towards every
reachable CI did not finish within the transaction timeout on the benchmark estate. The live walk is
the product's procedure `graphledger.region` (tools/neo4j-procedures): breadth-first inside the
database, each CI expanded once, one Bolt round trip whatever the depth, the work linear in the CIs
and relationships met. It returns the CIs in the order `engine.breadth_first` defines (by distance,
then by the key of the CI each is first reached from, then by key) with their distances and
parents, and the walked relationships among them; the caps are cut and the states worked out here.
A walk as of an instant follows validity intervals the procedure does not know, so it goes level by
level in Cypher, one round trip per level, through `engine.breadth_first` itself; a test holds the
procedure's order to that engine's.
"""

import sys
from array import array
from collections.abc import Container, Iterable
from datetime import UTC, datetime
from typing import Any

from graphledger.ci.keys import normalise
from graphledger.errors import Unprocessable
from graphledger.graph import neo4j
from graphledger.graph.registry import CI_CLASSES, impact_types
from graphledger.impact.engine import Reached, Traversal, breadth_first
from graphledger.impact.schemas import (
    ImpactedCI,
    ImpactedService,
    ImpactRequest,
    ImpactResponse,
)
from graphledger.impact.states import Group, State, spread_over_region
from graphledger.logs import get_logger
from graphledger.settings import get_settings

log = get_logger(__name__)
FOREVER_MS = 2**62


def _ints(packed: bytes) -> list[int]:
    """A column the region procedure packs as little-endian 32-bit integers."""
    values = array("i")
    values.frombytes(packed)
    if sys.byteorder == "big":
        values.byteswap()
    return values.tolist()


def _epoch_ms(instant: datetime) -> int:
    return int(instant.astimezone(UTC).timestamp() * 1000)


class GraphWalk:
    """A traversal of the live graph, or of the graph as of an instant, recording every edge."""

    def __init__(
        self,
        *,
        as_of: datetime | None = None,
        upstream: bool = False,
        types: list[str] | None = None,
    ) -> None:
        self.as_of_ms = _epoch_ms(as_of) if as_of is not None else None
        directions = impact_types(types)
        if upstream:  # walk what a CI needs: every direction reversed
            directions = {
                "inbound": directions["outbound"],
                "outbound": directions["inbound"],
                "both": directions["both"],
            }
        self.directions = directions
        self.upstream = upstream
        self.read: neo4j.Reader = neo4j.read
        self.details: dict[str, dict[str, Any]] = {}
        self.edges: list[
            tuple[str, str, str]
        ] = []  # (failing, reached, type) in impact direction

    def _params(self) -> dict[str, Any]:
        """The instant a level-by-level walk reads the graph at (live walks use `region`)."""
        if self.as_of_ms is None:
            raise ValueError("a live walk goes through region(), in one call")
        return {"t": self.as_of_ms, "forever": FOREVER_MS}

    def resolve(self, keys: list[str]) -> dict[str, str]:
        """Normalised key -> display key; 422 naming the keys that do not exist (then)."""
        wanted = list(dict.fromkeys(normalise(k) for k in keys))
        found = {
            row["key_lc"]: row["key"]
            for row in self.read("impact/resolve_as_of", keys=wanted, **self._params())
        }
        _refuse_unknown(keys, found, " at as_of")
        return {k: found[k] for k in wanted}

    def region(
        self, keys: list[str], *, max_depth: int, max_results: int
    ) -> tuple[dict[str, str], Traversal, dict[str, Group]]:
        """The whole walk in one call: sources, traversal under the caps, redundancy groups."""
        if self.as_of_ms is not None:
            raise ValueError("a walk as of an instant goes level by level")
        wanted = list(dict.fromkeys(normalise(k) for k in keys))
        row = self.read(
            "impact/region",
            keys=wanted,
            **self.directions,
            depth=max_depth,
            limit=max_results + 1,
        )[0]
        found = row["keys"]
        # The starts come first; a wanted key that was found is always one of them.
        index = {key_lc: i for i, key_lc in enumerate(found[: len(wanted)])}
        _refuse_unknown(keys, index, "")
        display = row["display"]
        self.details.update(
            (key_lc, {"key": d, "class": c, "name": n, "owner": o, "status": st})
            for key_lc, d, c, n, o, st in zip(
                found,
                display,
                row["classes"],
                row["names"],
                row["owners"],
                row["statuses"],
                strict=True,
            )
        )
        groups = {
            found[i]: Group(members=n, min_members_up=_whole(row["minMembersUp"][i]))
            for i, n in enumerate(_ints(row["members"]))
            if n
        }
        flat, types = _ints(row["edges"]), row["types"]
        triples = zip(flat[0::3], flat[1::3], flat[2::3], strict=True)
        if self.upstream:
            self.edges.extend((found[b], found[a], types[t]) for a, b, t in triples)
        else:
            self.edges.extend((found[a], found[b], types[t]) for a, b, t in triples)
        sources = {k: display[index[k]] for k in wanted}
        # The procedure found at most one CI more than asked for, in the product's order: keep
        # the first max_results past the starts, as the engine's walk would.
        kept = min(len(found), len(sources) + max_results)
        depths, parents = _ints(row["depths"]), _ints(row["parents"])
        walk = Traversal()
        for i in range(kept):
            key_lc, parent = found[i], parents[i]
            walk.reached[key_lc] = Reached(
                key_lc, display[i], depths[i], found[parent] if parent >= 0 else None
            )
        walk.order = found[len(sources) : kept]
        if kept < len(found):
            walk.truncated, walk.truncated_by = True, "max_results"
        elif row["beyondDepth"]:
            walk.truncated, walk.truncated_by = True, "max_depth"
        return sources, walk, groups

    def expand(self, frontier: list[str]) -> Iterable[tuple[str, str, str]]:
        """One step from the frontier as of the instant, details and edges recorded."""
        rows = self.read(
            "impact/expand_as_of",
            frontier=frontier,
            **self.directions,
            **self._params(),
        )
        for row in rows:
            self.details.setdefault(row["to_key"], row)
            if self.upstream:
                self.edges.append((row["to_key"], row["from_key"], row["type"]))
            else:
                self.edges.append((row["from_key"], row["to_key"], row["type"]))
        return [(row["from_key"], row["to_key"], row["key"]) for row in rows]

    def restart(self, read: neo4j.Reader) -> None:
        """Forget what an earlier attempt saw and read through `read` from now on."""
        self.read = read
        self.details.clear()
        self.edges.clear()

    def groups(self, keys: Iterable[str]) -> dict[str, Group]:
        """Redundancy groups among the given CIs."""
        rows = self.read("impact/groups_as_of", keys=list(keys), **self._params())
        return {
            row["key_lc"]: Group(
                members=row["members"],
                min_members_up=_whole(row["min_members_up"]),
            )
            for row in rows
        }


def _refuse_unknown(keys: list[str], found: Container[str], when: str) -> None:
    """422 naming the given keys that are not among the normalised keys found."""
    unknown = [k for k in keys if normalise(k) not in found]
    if unknown:
        raise Unprocessable(
            f"unknown CI keys{when}: {', '.join(unknown[:20])}",
            field="keys",
            unknown=unknown,
        )


def _whole(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return None


def caps(max_depth: int | None, max_results: int | None) -> tuple[int, int]:
    """The caller's caps, defaulted and held under the configured maximums."""
    settings = get_settings()
    return (
        min(max_depth or settings.impact_default_depth, settings.impact_max_depth),
        min(
            max_results or settings.impact_default_results, settings.impact_max_results
        ),
    )


def walk_impact(
    keys: list[str],
    *,
    max_depth: int,
    max_results: int,
    types: list[str] | None = None,
    as_of: datetime | None = None,
) -> tuple[dict[str, str], Traversal, GraphWalk, dict[str, State]]:
    """Walk from the changed CIs and work out the state of everything reached."""
    graph = GraphWalk(as_of=as_of, types=types)

    def together(read: neo4j.Reader) -> tuple[dict[str, str], Traversal, Any]:
        graph.restart(read)
        sources = graph.resolve(keys)
        walk = breadth_first(
            sources, graph.expand, max_depth=max_depth, max_results=max_results
        )
        return sources, walk, graph.groups(k for k in walk.order)

    if as_of is None:
        sources, walk, groups = graph.region(
            keys, max_depth=max_depth, max_results=max_results
        )
    else:
        # One read transaction for every step: a Bolt round trip per level, no BEGIN/COMMIT each.
        sources, walk, groups = neo4j.read_together(together)
    edges = edges_within(walk, graph.edges)
    return (
        sources,
        walk,
        graph,
        spread_over_region(sources, walk.reached, edges, groups),
    )


def edges_within(
    walk: Traversal, edges: list[tuple[str, str, str]]
) -> list[tuple[str, str, str]]:
    """The edges between CIs the walk kept (a capped walk drops some the graph returned)."""
    reached = walk.reached
    return [e for e in edges if e[0] in reached and e[1] in reached]


def impact(request: ImpactRequest) -> ImpactResponse:
    """Each CI reached from the changed ones, once, at its shortest distance, with one path."""
    max_depth, max_results = caps(request.max_depth, request.max_results)
    sources, walk, graph, states = walk_impact(
        request.keys,
        max_depth=max_depth,
        max_results=max_results,
        types=request.types,
        as_of=request.as_of,
    )
    hit = [k for k in walk.order if states.get(k, State.UP) is not State.UP]
    end = len(hit) if request.page_size is None else request.offset + request.page_size
    impacted: list[ImpactedCI] = []
    for key_lc in hit[request.offset : end]:
        detail = graph.details[key_lc]
        impacted.append(
            ImpactedCI(
                key=walk.reached[key_lc].key,
                class_=detail.get("class"),
                name=detail.get("name"),
                owner=detail.get("owner"),
                distance=walk.reached[key_lc].distance,
                state="down" if states[key_lc] is State.DOWN else "degraded",
                path=walk.path(key_lc),
            )
        )
    services = []
    for key_lc in hit:  # the summary covers every page
        detail = graph.details[key_lc]
        kind = CI_CLASSES.get(detail.get("class") or "")
        if kind is not None and kind.business_service:
            services.append(
                ImpactedService(
                    key=walk.reached[key_lc].key,
                    name=detail.get("name"),
                    owner=detail.get("owner"),
                    state="down" if states[key_lc] is State.DOWN else "degraded",
                    distance=walk.reached[key_lc].distance,
                )
            )
    services.sort(key=lambda s: (s.state != "down", s.distance, s.key))
    log.info(
        "impact.computed",
        changed=list(sources.values())[:10],
        impacted=len(hit),
        truncated=walk.truncated,
        as_of=request.as_of.isoformat() if request.as_of else None,
    )
    return ImpactResponse(
        changed=list(sources.values()),
        total=len(hit),
        offset=request.offset,
        next_offset=end if end < len(hit) else None,
        impacted=impacted,
        services=services,
        truncated=walk.truncated,
        truncated_by=walk.truncated_by,
        max_depth=max_depth,
        max_results=max_results,
        as_of=request.as_of,
    )
