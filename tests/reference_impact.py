"""A deliberately plain reference of the impact rules, written apart from the product's engine.

Distances come from repeated relaxation over every edge (no queue, no visited set); states from
re-evaluating every CI until nothing changes. Slow, obviously correct, for small graphs only.
"""

from itertools import pairwise

# Which way each stored relationship type carries a failure: from its target to its source
# ("back"), from its source to its target ("forward"), both, or not at all. Written out here
# again on purpose, from DESIGN.md, so a wrong registry entry shows up as a mismatch.
CARRIES = {
    "DEPENDS_ON": "back",
    "RUNS_ON": "back",
    "HOSTED_ON": "back",
    "LOCATED_IN": "back",
    "MEMBER_OF": "forward",
    "CONNECTS_TO": "both",
    "MANAGED_BY": None,
    "DOCUMENTED_BY": None,
    "PART_OF": None,
}


def impact_arcs(edges):
    """(failing, affected, type) for every stored (source, type, target)."""
    arcs = []
    for source, type_, target in edges:
        way = CARRIES[type_]
        if way in ("back", "both"):
            arcs.append((target, source, type_))
        if way in ("forward", "both"):
            arcs.append((source, target, type_))
    return arcs


def distances(failed, edges, max_depth):
    arcs = impact_arcs(edges)
    dist = {f: 0 for f in failed}
    changed = True
    while changed:
        changed = False
        for a, b, _ in arcs:
            if a in dist and dist[a] < max_depth and dist[a] + 1 < dist.get(b, 10**9):
                dist[b] = dist[a] + 1
                changed = True
    return dist


def states(failed, edges, min_up, reached):
    """'down' or 'degraded' for each reached CI (the failed ones are down)."""
    arcs = [a for a in impact_arcs(edges) if a[0] in reached and a[1] in reached]
    members_of = {}
    for source, type_, target in edges:
        if type_ == "MEMBER_OF":
            members_of.setdefault(target, set()).add(source)
    rank = {"up": 0, "degraded": 1, "down": 2}
    state = {k: ("down" if k in failed else "up") for k in reached}
    changed = True
    while changed:
        changed = False
        for node in reached:
            if node in failed:
                continue
            worst = "up"
            for a, b, type_ in arcs:
                if b != node or a == node:
                    continue
                if type_ == "MEMBER_OF" and node in members_of:
                    continue
                if rank[state[a]] > rank[worst]:
                    worst = state[a]
            if node in members_of:
                members = members_of[node]
                lost = [m for m in members if state.get(m) == "down"]
                hurt = [m for m in members if state.get(m) == "degraded"]
                needed = min_up.get(node, len(members))
                if len(members) - len(lost) < needed:
                    worst = "down"
                elif (lost or hurt) and rank[worst] < 1:
                    worst = "degraded"
            if rank[worst] > rank[state[node]]:
                state[node] = worst
                changed = True
    return {k: v for k, v in state.items() if k not in failed and v != "up"}


def is_impact_path(path, edges):
    """True when each step of the path is one impact-carrying arc."""
    arcs = {(a, b) for a, b, _ in impact_arcs(edges)}
    return all((a, b) in arcs for a, b in pairwise(path))
