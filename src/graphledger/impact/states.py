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

    def spread(self, failed: Iterable[str]) -> dict[str, State]:
        """State of every CI that the failure of `failed` reaches."""
        failed = set(failed)
        state: dict[str, State] = {key: State.DOWN for key in failed}

        def evaluate(key: str) -> State:
            if key in failed:
                return State.DOWN
            worst = max(
                (state.get(p, State.UP) for p in self.needs[key]), default=State.UP
            )
            group = self.groups.get(key)
            if group is not None and self.members[key]:
                member_states = [state.get(m, State.UP) for m in self.members[key]]
                down = sum(1 for s in member_states if s is State.DOWN)
                if group.members - down < group.needed:
                    worst = State.DOWN
                elif down or any(s is State.DEGRADED for s in member_states):
                    worst = max(worst, State.DEGRADED)
            return worst

        queue = deque(failed)
        while queue:
            key = queue.popleft()
            for target in self.successors[key]:
                new = evaluate(target)
                if new > state.get(target, State.UP):
                    state[target] = new
                    queue.append(target)
        return state


def spread(
    failed: Iterable[str],
    edges: Iterable[tuple[str, str, str]],
    groups: dict[str, Group],
) -> dict[str, State]:
    """State of every CI that a failure of `failed` reaches along `edges` (from, to, type)."""
    return Network(edges, groups).spread(failed)
