"""Breadth-first impact over any expansion function, with set semantics and caps.

Each CI is visited once, at its shortest distance, and remembers the CI it was first reached from,
so one shortest path per CI comes out of the parent chain. Work is linear in the CIs and
relationships visited: no path is ever enumerated, so cycles and dense lattices cost nothing extra.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# An expansion takes a frontier of normalised keys and yields (from_key, to_key, display_key).
Expand = Callable[[list[str]], Iterable[tuple[str, str, str]]]


@dataclass
class Reached:
    key_lc: str
    key: str
    distance: int
    parent: str | None


@dataclass
class Traversal:
    reached: dict[str, Reached] = field(default_factory=dict)
    order: list[str] = field(
        default_factory=list
    )  # impacted keys, by distance then discovery
    truncated: bool = False
    truncated_by: str | None = None

    def path(self, key_lc: str) -> list[str]:
        """Display keys from the changed CI to this one."""
        chain: list[str] = []
        node: str | None = key_lc
        while node is not None:
            chain.append(self.reached[node].key)
            node = self.reached[node].parent
        return chain[::-1]


def breadth_first(
    sources: dict[str, str], expand: Expand, *, max_depth: int, max_results: int
) -> Traversal:
    """Walk from the sources (normalised key -> display key) up to the caps."""
    walk = Traversal()
    for key_lc, key in sources.items():
        walk.reached[key_lc] = Reached(key_lc, key, 0, None)
    frontier = list(sources)
    depth = 0
    while frontier:
        rows = sorted(expand(frontier), key=lambda r: (r[0], r[1]))
        fresh = [r for r in rows if r[1] not in walk.reached]
        if depth == max_depth:
            if fresh:
                walk.truncated, walk.truncated_by = True, "max_depth"
            break
        depth += 1
        frontier = []
        for from_key, to_key, display in fresh:
            if to_key in walk.reached:
                continue
            if len(walk.order) >= max_results:
                walk.truncated, walk.truncated_by = True, "max_results"
                return walk
            walk.reached[to_key] = Reached(to_key, display, depth, from_key)
            walk.order.append(to_key)
            frontier.append(to_key)
    return walk
