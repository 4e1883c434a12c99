"""How failure spreads once the reachable part of the graph is known: down, degraded, or fine.

Rules (DESIGN, "Direction and impact"):
- A failed CI is down.
- A CI is down when anything it needs (an impact-carrying predecessor other than a group member)
  is down, and degraded when such a predecessor is degraded.
- A group (a CI that members point at with MEMBER_OF) with `min_members_up` m and n members is
  down when fewer than m members are up, else degraded when any member is down or degraded.
  Without `min_members_up` every member is needed (m = n).
- A CI's state is the worst its inputs give. States only ever worsen while spreading, so the
  worklist below reaches the fixpoint in time linear in the edges times the three states, and
  cycles cannot loop.
"""

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

MEMBER_OF = "MEMBER_OF"


class State(IntEnum):
    UP = 0
    DEGRADED = 1
    DOWN = 2


@dataclass(frozen=True)
class Group:
    members: int
    min_members_up: int | None

    @property
    def needed(self) -> int:
        return self.members if self.min_members_up is None else self.min_members_up


class Network:
    """The impact edges of a part of the graph, ready to spread failures over many times."""

    def __init__(
        self, edges: Iterable[tuple[str, str, str]], groups: dict[str, Group]
    ) -> None:
        self.groups = groups
        self.successors: dict[str, set[str]] = defaultdict(set)
        self.needs: dict[str, set[str]] = defaultdict(set)  # ordinary inputs
        self.members: dict[str, set[str]] = defaultdict(set)  # group inputs
        for source, target, type_ in edges:
            if source == target:
                continue
            self.successors[source].add(target)
            if type_ == MEMBER_OF and target in groups:
                self.members[target].add(source)
            else:
                self.needs[target].add(source)
        # Groups with members in this part of the graph; every other CI is ordinary.
        self.grouped = {key for key in self.members if key in groups}

    def spread(self, failed: Iterable[str]) -> dict[str, State]:
        """State of every CI that the failure of `failed` reaches.

        Each change of state is pushed to the CI's successors once, and each successor judges
        itself without looking at all its inputs again. An ordinary CI is as bad as its worst
        input, so its own state is that running worst; a group keeps the worst of its needs and
        how many members are down or hurt. A CI changes state at most twice and a CI that is
        down never changes again, so the work is linear in the edges even for a hub that tens of
        thousands of CIs need.
        """
        failed = set(failed)
        state: dict[str, State] = {key: State.DOWN for key in failed}
        worst_need: dict[str, State] = {}  # kept for groups only
        # A CI goes down once, so each member is counted once.
        down_members: dict[str, int] = defaultdict(int)
        hurt_groups: set[str] = set()  # with a member down or degraded
        grouped = self.grouped
        # Each change of state: the CI and its new state.
        queue = deque((key, State.DOWN) for key in failed)
        while queue:
            key, now = queue.popleft()
            for target in self.successors[key]:
                before = state.get(target, State.UP)
                if before is State.DOWN:
                    continue  # nothing worsens it further
                if target not in grouped:
                    # Every input of an ordinary CI is a need: it is as bad as its worst one.
                    if now > before:
                        state[target] = now
                        queue.append((target, now))
                    continue
                worst = worst_need.get(target, State.UP)
                if key in self.needs[target] and now > worst:
                    worst = worst_need[target] = now
                if key in self.members[target]:
                    hurt_groups.add(target)
                    if now is State.DOWN:
                        down_members[target] += 1
                group = self.groups[target]
                if group.members - down_members[target] < group.needed:
                    worst = State.DOWN
                elif target in hurt_groups:
                    worst = max(worst, State.DEGRADED)
                if worst > before:
                    state[target] = worst
                    queue.append((target, worst))
        return state

    def single_points(self, target: str, candidates: Iterable[str]) -> set[str]:
        """The candidates whose failure alone takes `target` down.

        Only DOWN matters here, and whether a CI is down is a monotone circuit: an ordinary CI is
        down when any of its needs is, a group when at least members - needed + 1 of its members
        are. So every candidate is tried at once: each CI carries the set (a bitset) of single
        failures that bring it down, grown to the least fixpoint by a worklist. That is the same
        answer as spreading each candidate's failure on its own, in one pass over the edges per
        change instead of one per candidate.
        """
        nodes = (
            set(self.successors)
            | set(self.needs)
            | set(self.members)
            | {target}
            | set(candidates)
        )
        threshold: dict[str, int] = {}
        for key, group in self.groups.items():
            if self.members[key]:
                threshold[key] = group.members - group.needed + 1
        if any(t <= 0 for t in threshold.values()):
            # A group that needs more members than it has: its state follows degradation too,
            # which the bitsets do not carry, so try the candidates one by one.
            return {c for c in candidates if self.spread([c]).get(target) is State.DOWN}
        bit = {key: 1 << i for i, key in enumerate(sorted(nodes))}
        downs = dict(bit)  # a CI's own failure brings it down
        queue = deque(sorted(nodes))
        queued = set(queue)
        while queue:
            key = queue.popleft()
            queued.discard(key)
            new = downs[key]
            for need in self.needs[key]:
                new |= downs[need]
            if key in threshold:
                new |= _at_least(threshold[key], [downs[m] for m in self.members[key]])
            if new != downs[key]:
                downs[key] = new
                for successor in self.successors[key]:
                    if successor not in queued:
                        queued.add(successor)
                        queue.append(successor)
        mask = downs[target]
        return {c for c in candidates if mask & bit[c]}


def _at_least(count: int, sets: list[int]) -> int:
    """The bits set in at least `count` of the given bitsets."""
    if count == 1:
        result = 0
        for s in sets:
            result |= s
        return result
    # Saturating bit-sliced counters: levels[i] holds the bits seen in more than i sets.
    levels = [0] * count
    for s in sets:
        for i in range(count - 1, 0, -1):
            levels[i] |= levels[i - 1] & s
        levels[0] |= s
    return levels[count - 1]


def spread(
    failed: Iterable[str],
    edges: Iterable[tuple[str, str, str]],
    groups: dict[str, Group],
) -> dict[str, State]:
    """State of every CI that a failure of `failed` reaches along `edges` (from, to, type)."""
    return Network(edges, groups).spread(failed)


def spread_over_region(
    failed: Iterable[str],
    reached: Iterable[str],
    edges: list[tuple[str, str, str]],
    groups: dict[str, Group],
) -> dict[str, State]:
    """States over a walked region, where each CI in `reached` is reachable from `failed` along
    `edges`: the same answer as `spread`.

    Only a group can stop a failure, so when no edge brings a member to a group every CI reached
    is down, and no network is built: on the benchmark estate most regions have no group.
    """
    if any(type_ == MEMBER_OF and target in groups for _, target, type_ in edges):
        return spread(failed, edges, groups)
    state = dict.fromkeys(reached, State.DOWN)
    state.update((key, State.DOWN) for key in failed)
    return state
