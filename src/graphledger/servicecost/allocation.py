"""Apportioning costs up a dependency graph so that no money is lost, counted twice or rounded away.

The rules (DESIGN, "Money and time"):
- A CI's cost flows to the CIs that directly depend on it, split evenly or by relationship
  `weight`, and on up from them. What a CI carries is its own cost plus what flows into it.
- A CI that nothing depends on keeps what it carries: it is top-level.
- A cycle is one unit: its members' costs and inflows are pooled and split among the dependants
  outside the cycle; a cycle that nothing outside depends on is top-level, and each member holds
  an equal part of the pool.
- Amounts are whole minor units (cents) of one currency. Each split hands out every unit by the
  largest-remainder rule, ties going to the dependant whose key sorts first, so the parts always
  add up to the whole and the top-level amounts add up exactly to all the costs beneath them. The
  key compared is the one that identifies the CI: lower-case, by code point ("B" ties as "b", so
  after "a").

Work is linear in the CIs and edges involved (Tarjan's strongly connected components, then one
pass in topological order). `allocate` states the rules over a whole graph; a service's cost is
asked of one CI, and `Upstream` answers that from the CIs whose cost reaches it, with the same
result.
"""

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import cast


def split(
    units: int, weights: Mapping[str, Fraction] | Mapping[str, int]
) -> dict[str, int]:
    """Hand out `units` over `weights` by largest remainder; ties to the first key.

    Worked in integers: the weights are scaled to a common denominator, so each exact share is
    units * w / total and its remainder an integer over the same total. A hub with ten thousand
    dependants splits in one pass of integer arithmetic instead of ten thousand fractions.
    """
    if units == 0 or not weights:
        return {k: 0 for k in weights}
    scale = math.lcm(*(w.denominator for w in weights.values()))
    scaled = {k: w.numerator * (scale // w.denominator) for k, w in weights.items()}
    total = sum(scaled.values())
    parts: dict[str, int] = {}
    remainders: dict[str, int] = {}
    for k, w in scaled.items():
        share = units * w
        part = share // total if share >= 0 else -(-share // total)  # towards zero
        parts[k] = part
        remainders[k] = share - part * total
    rest = units - sum(parts.values())
    step = 1 if rest > 0 else -1
    order = sorted(weights, key=lambda k: (-remainders[k] * step, k))
    for k in order[: abs(rest)]:
        parts[k] += step
    return parts


@dataclass(frozen=True)
class Edge:
    """`dependant` needs `dependency`; cost flows from the dependency to the dependant."""

    dependant: str
    dependency: str
    weight: Fraction = Fraction(1)


def components(nodes: Iterable[str], edges: Iterable[Edge]) -> dict[str, int]:
    """Strongly connected component id of each node (iterative Tarjan), in reverse topological
    order of the dependency direction: a dependency's component never gets a larger id than a
    dependant's, except inside a cycle."""
    succ: dict[str, list[str]] = defaultdict(list)
    needed: set[str] = set()
    for e in edges:
        succ[e.dependant].append(e.dependency)
        needed.add(e.dependency)
    # A CI nothing depends on cannot sit on a cycle: it is its own component and may come after
    # every other. Leaving those out of the search matters: a hub's thousands of dependants are
    # all such CIs.
    nodes = set(nodes)
    tops = sorted(n for n in nodes if n not in needed)
    nodes -= set(tops)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    comp: dict[str, int] = {}
    counter = 0
    finished = 0
    for root in sorted(set(nodes)):
        if root in index:
            continue
        work = [(root, iter(sorted(succ[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(succ[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp[member] = finished
                    if member == node:
                        break
                finished += 1
    for top in tops:
        comp[top] = finished
        finished += 1
    return comp


def _outside(comp: dict[str, int], edges: list[Edge]) -> dict[int, dict[str, int]]:
    """Per component, the weight each dependant outside it takes, as whole numbers.

    The weights are scaled by one common denominator: only their ratios matter to a split, and
    whole numbers add without building a fraction per edge.
    """
    scale = math.lcm(1, *{e.weight.denominator for e in edges})
    outside: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in edges:
        if comp[e.dependant] != comp[e.dependency]:
            weight = e.weight.numerator * (scale // e.weight.denominator)
            outside[comp[e.dependency]][e.dependant] += weight
    return outside


@dataclass
class Allocation:
    """What each CI carries (own cost plus inflow) and what each top-level CI ends with."""

    carried: dict[
        str, int
    ]  # per CI; members of a cycle each show an equal part of the pool
    top_level: dict[str, int]  # CIs nothing depends on, with the amount they end with
    flows: dict[tuple[str, str], int]  # (dependency, dependant) -> units handed over


def allocate(costs: Mapping[str, int], edges: Iterable[Edge]) -> Allocation:
    """Flow every CI's cost (whole minor units of one currency) up to the top-level CIs."""
    edges = [e for e in edges if e.dependant != e.dependency]
    nodes = set(costs) | {e.dependant for e in edges} | {e.dependency for e in edges}
    comp = components(nodes, edges)
    members: dict[int, list[str]] = defaultdict(list)
    for node in sorted(nodes):
        members[comp[node]].append(node)
    outside = _outside(comp, edges)
    pool: dict[int, int] = {
        c: sum(costs.get(n, 0) for n in ms) for c, ms in members.items()
    }
    carried: dict[str, int] = {}
    top: dict[str, int] = {}
    flows: dict[tuple[str, str], int] = {}
    # Component ids grow from dependencies towards dependants, so ascending order settles
    # every dependency's pool before the pools that receive from it.
    for cid in sorted(members):
        if len(members[cid]) == 1:
            shares = {members[cid][0]: pool[cid]}
        else:
            shares = split(pool[cid], {m: 1 for m in members[cid]})
        carried.update(shares)
        dependants = outside.get(cid)
        if not dependants:
            top.update(shares)
            continue
        handed = split(pool[cid], dependants)
        for dependant, units in handed.items():
            pool[comp[dependant]] += units
            source = (
                members[cid][0] if len(members[cid]) == 1 else "+".join(members[cid])
            )
            flows[(source, dependant)] = flows.get((source, dependant), 0) + units
    return Allocation(carried=carried, top_level=top, flows=flows)


def fractions_beneath(target: str, edges: Iterable[Edge]) -> dict[str, Fraction]:
    """The exact fraction of each CI's own cost that reaches `target` (1 for itself), under the
    same rules without rounding; used to explain a total, not to compute it."""
    edges = [e for e in edges if e.dependant != e.dependency]
    nodes = {e.dependant for e in edges} | {e.dependency for e in edges} | {target}
    comp = components(nodes, edges)
    members: dict[int, list[str]] = defaultdict(list)
    for node in nodes:
        members[comp[node]].append(node)
    outside = _outside(comp, edges)
    # reach[c] = fraction of component c's pool that ends in target's component
    target_comp = comp[target]
    reach: dict[int, Fraction] = {target_comp: Fraction(1)}
    for cid in sorted(members, reverse=True):
        if cid == target_comp:
            continue
        dependants = outside.get(cid)
        if not dependants:
            reach[cid] = Fraction(0)
            continue
        total = sum(dependants.values())
        reach[cid] = sum(
            (
                Fraction(w, total) * reach[comp[d]]
                for d, w in dependants.items()
                if reach.get(
                    comp[d]
                )  # most of a hub's dependants lie outside the region
            ),
            Fraction(0),
        )
    size = Fraction(len(members[target_comp]))
    return {n: reach[comp[n]] / size for n in nodes if reach.get(comp[n])}


Weight = int | Fraction
Dependants = Mapping[
    str, Mapping[str, Weight]
]  # dependency -> {dependant: summed weight}


class Upstream:
    """What flows into one CI, worked out without following the money anywhere else.

    `dependants` gives, for each CI whose cost may reach `target`, every CI that depends on it
    with the summed weight of their relationships. Only the CIs whose cost reaches the target (the
    inside) carry pools. Any other dependant is a sink for this question: what it receives never
    comes back, or it would be inside. So a split needs the parts of its inside dependants only;
    the outside ones count through their weights, and through their keys only where a tie in
    the largest-remainder order has to be broken. A hub's tens of thousands of dependants then
    cost one pass over their weights instead of a pool, a component and a sort each. The answers
    are those of `allocate` and `fractions_beneath` over the same edges, which a test holds.
    """

    def __init__(self, target: str, dependants: Dependants) -> None:
        self.target = target
        # Only a CI that is itself a dependency can be inside besides the target.
        needs: dict[str, list[str]] = defaultdict(list)
        for dependency, those in dependants.items():
            for dependant in those:
                if dependant != dependency and (
                    dependant in dependants or dependant == target
                ):
                    needs[dependant].append(dependency)
        inside = {target}
        frontier = [target]
        while frontier:
            step = [
                n for key in frontier for n in needs.get(key, ()) if n not in inside
            ]
            inside.update(step)
            frontier = step
        self.inside = inside
        edges = [
            Edge(dependant, dependency)
            for dependency in inside
            for dependant in dependants.get(dependency, {})
            if dependant in inside and dependant != dependency
        ]
        self.comp = components(inside, edges)
        self.members: dict[int, list[str]] = defaultdict(list)
        for node in sorted(inside):
            self.members[self.comp[node]].append(node)
        scale = math.lcm(
            1,
            *{
                w.denominator
                for dependency in inside
                for w in dependants.get(dependency, {}).values()
                if type(w) is not int
            },
        )
        # Per component: the inside dependants' weights, the outside ones' keys by weight, and
        # the total, all scaled to whole numbers (only the ratios matter to a split).
        self.inner: dict[int, dict[str, int]] = {}
        self.outer: dict[int, dict[int, list[str]]] = {}
        self.total: dict[int, int] = {}
        for cid, members in self.members.items():
            summed: dict[str, int] = defaultdict(int)
            for member in members:
                those = dependants.get(member, {})
                if scale == 1 and all(type(w) is int for w in those.values()):
                    whole = cast(Mapping[str, int], those)  # every weight is an int
                    if len(members) == 1:
                        summed.update(whole)
                        summed.pop(member, None)
                        continue
                    for dependant, w in whole.items():
                        if self.comp.get(dependant) != cid:
                            summed[dependant] += w
                    continue
                for dependant, weight in those.items():
                    if self.comp.get(dependant) != cid:
                        summed[dependant] += int(weight * scale)
            inner = {d: w for d, w in summed.items() if d in inside}
            outer: dict[int, list[str]] = defaultdict(list)
            for dependant, scaled in summed.items():
                if dependant not in inside:
                    outer[scaled].append(dependant)
            self.inner[cid], self.outer[cid] = inner, outer
            self.total[cid] = sum(summed.values())
        self._sorted: dict[tuple[int, int], list[str]] = {}

    @property
    def top_level(self) -> bool:
        """Whether nothing outside the target's own cycle depends on it."""
        return not self.total[self.comp[self.target]]

    def carried(self, costs: Mapping[str, int]) -> int:
        """What the target carries: its own cost and everything that flows into it (whole
        minor units of one currency; a member of a cycle shows an equal part of its pool)."""
        pool = {
            cid: sum(costs.get(m, 0) for m in members)
            for cid, members in self.members.items()
        }
        mine = self.comp[self.target]
        # Ascending ids settle each dependency before what depends on it; every inside CI
        # reaches the target, so the target's component comes last.
        for cid in sorted(self.members):
            if cid == mine:
                break
            for dependant, units in self._inner_parts(cid, pool[cid]).items():
                pool[self.comp[dependant]] += units
        if len(self.members[mine]) == 1:
            return pool[mine]
        return split(pool[mine], {m: 1 for m in self.members[mine]})[self.target]

    def _inner_parts(self, cid: int, units: int) -> dict[str, int]:
        """The inside dependants' parts of `split(units, every dependant's weight)`."""
        inner, outer, total = self.inner[cid], self.outer[cid], self.total[cid]
        if units == 0:
            return dict.fromkeys(inner, 0)

        def part(weight: int) -> tuple[int, int]:
            share = units * weight
            whole = share // total if share >= 0 else -(-share // total)  # towards zero
            return whole, share - whole * total

        parts: dict[str, int] = {}
        remainders: dict[str, int] = {}
        handed = 0
        for dependant, weight in inner.items():
            parts[dependant], remainders[dependant] = part(weight)
            handed += parts[dependant]
        outer_remainders: dict[int, int] = {}
        for weight, keys in outer.items():
            whole, outer_remainders[weight] = part(weight)
            handed += whole * len(keys)
        rest = units - handed
        if rest == 0:
            return parts
        step = 1 if rest > 0 else -1
        # A dependant gets one more unit when fewer than |rest| dependants come before it in
        # split's order: larger remainder first (smaller for a negative rest), then key.
        for dependant in inner:
            place = (-remainders[dependant] * step, dependant)
            ahead = sum(
                1 for other, r in remainders.items() if (-r * step, other) < place
            )
            for weight, keys in outer.items():
                theirs = -outer_remainders[weight] * step
                if theirs < place[0]:
                    ahead += len(keys)
                elif theirs == place[0]:
                    ahead += bisect_left(self._keys(cid, weight), dependant)
            if ahead < abs(rest):
                parts[dependant] += step
        return parts

    def _keys(self, cid: int, weight: int) -> list[str]:
        """The outside dependants of a component with one weight, sorted once when a tie needs
        them."""
        found = self._sorted.get((cid, weight))
        if found is None:
            found = self._sorted[(cid, weight)] = sorted(self.outer[cid][weight])
        return found

    def fractions(self) -> dict[str, Fraction]:
        """The exact fraction of each inside CI's own cost that reaches the target (1 for
        itself), as `fractions_beneath` gives it."""
        mine = self.comp[self.target]
        reach: dict[int, Fraction] = {mine: Fraction(1)}
        for cid in sorted(self.members, reverse=True):
            if cid == mine:
                continue
            total = self.total[cid]
            reach[cid] = sum(
                (
                    Fraction(w, total) * reach[self.comp[d]]
                    for d, w in self.inner[cid].items()
                ),
                Fraction(0),
            )
        size = Fraction(len(self.members[mine]))
        return {
            n: reach[self.comp[n]] / size for n in self.inside if reach[self.comp[n]]
        }
