"""Failure spreading with redundancy groups, without stores."""

from graphledger.impact.states import Group, State, spread, spread_over_region

EDGES = [  # (failing, affected, type) in impact direction
    ("m1", "grp", "MEMBER_OF"),
    ("m2", "grp", "MEMBER_OF"),
    ("m3", "grp", "MEMBER_OF"),
    ("grp", "lb", "DEPENDS_ON"),
    ("lb", "svc", "DEPENDS_ON"),
]
GROUPS = {"grp": Group(members=3, min_members_up=2)}


def test_one_of_three_degrades():
    assert spread(["m1"], EDGES, GROUPS) == {
        "m1": State.DOWN,
        "grp": State.DEGRADED,
        "lb": State.DEGRADED,
        "svc": State.DEGRADED,
    }


def test_two_of_three_take_it_down():
    result = spread(["m1", "m2"], EDGES, GROUPS)

    assert (result["grp"], result["svc"]) == (State.DOWN, State.DOWN)


def test_without_minimum_every_member_is_needed():
    result = spread(["m1"], EDGES, {"grp": Group(members=3, min_members_up=None)})

    assert result["svc"] is State.DOWN


def test_degraded_member_degrades_group_and_worst_input_wins():
    edges = [
        ("x", "m1", "MEMBER_OF"),
        ("m1", "grp", "MEMBER_OF"),
        ("y", "grp", "DEPENDS_ON"),
    ]
    groups = {
        "grp": Group(members=2, min_members_up=1),
        "m1": Group(members=2, min_members_up=1),
    }

    assert spread(["x"], edges, groups)["grp"] is State.DEGRADED
    assert spread(["x", "y"], edges, groups)["grp"] is State.DOWN


def test_cycles_settle():
    edges = [
        ("a", "b", "DEPENDS_ON"),
        ("b", "a", "DEPENDS_ON"),
        ("b", "c", "CONNECTS_TO"),
    ]

    assert spread(["a"], edges, {}) == {
        "a": State.DOWN,
        "b": State.DOWN,
        "c": State.DOWN,
    }


def _random_network(rng):
    keys = [f"n{i}" for i in range(rng.randint(2, 12))]
    edges = []
    for _ in range(rng.randint(1, 30)):
        a, b = rng.choice(keys), rng.choice(keys)
        edges.append((a, b, rng.choice(["DEPENDS_ON", "MEMBER_OF", "MEMBER_OF"])))
    groups = {}
    for key in keys:
        members = {a for a, b, t in edges if b == key and t == "MEMBER_OF"}
        if members:
            extra = rng.randint(0, 2)  # members outside the walked part count as up
            low = rng.choice([None, *range(0, len(members) + extra + 2)])
            groups[key] = Group(members=len(members) + extra, min_members_up=low)
    return keys, edges, groups


def test_single_points_agree_with_spreading_each_candidate_alone():
    import random

    from graphledger.impact.states import Network

    rng = random.Random(20261204)
    for _ in range(400):
        keys, edges, groups = _random_network(rng)
        network = Network(edges, groups)
        target = rng.choice(keys)
        expected = {c for c in keys if network.spread([c]).get(target) is State.DOWN}
        assert network.single_points(target, keys) == expected, (edges, groups, target)


def test_a_shared_host_under_two_of_three_members_is_a_single_point():
    from graphledger.impact.states import Network

    edges = [
        ("m1", "grp", "MEMBER_OF"),
        ("m2", "grp", "MEMBER_OF"),
        ("m3", "grp", "MEMBER_OF"),
        ("host", "m1", "RUNS_ON"),
        ("host", "m2", "RUNS_ON"),
        ("grp", "app", "DEPENDS_ON"),
    ]
    groups = {"grp": Group(members=3, min_members_up=2)}
    points = Network(edges, groups).single_points(
        "app", ["m1", "m2", "m3", "host", "grp"]
    )
    assert points == {"host", "grp"}


def _fixpoint(failed, edges, groups):
    """Every CI the failure reaches judged again from all its inputs until nothing changes."""
    reached = set(failed)
    grew = True
    while grew:
        grew = False
        for a, b, _ in edges:
            if a in reached and b not in reached:
                reached.add(b)
                grew = True
    members = {}
    needs = {}
    for a, b, type_ in edges:
        if a == b:
            continue
        if type_ == "MEMBER_OF" and b in groups:
            members.setdefault(b, set()).add(a)
        else:
            needs.setdefault(b, set()).add(a)
    state = {key: State.DOWN for key in failed}
    changed = True
    while changed:
        changed = False
        for key in sorted(reached):
            if key in failed:
                continue
            worst = max(
                (state.get(p, State.UP) for p in needs.get(key, ())), default=State.UP
            )
            group = groups.get(key)
            if group is not None and members.get(key):
                states = [state.get(m, State.UP) for m in members[key]]
                down = states.count(State.DOWN)
                if group.members - down < group.needed:
                    worst = State.DOWN
                elif any(s is not State.UP for s in states):
                    worst = max(worst, State.DEGRADED)
            if worst > state.get(key, State.UP):
                state[key] = worst
                changed = True
    return state


def test_spread_agrees_with_judging_every_ci_again_until_nothing_changes():
    import random

    rng = random.Random(4122026)
    for _ in range(1500):
        keys, edges, groups = _random_network(rng)
        failed = rng.sample(keys, rng.randint(1, min(3, len(keys))))
        assert spread(failed, edges, groups) == _fixpoint(failed, edges, groups), (
            failed,
            edges,
            groups,
        )


def test_spreading_over_a_region_agrees_with_spreading_with_or_without_groups():
    import random

    rng = random.Random(5122026)
    without_groups = 0
    for _ in range(1500):
        keys, edges, groups = _random_network(rng)
        if rng.random() < 0.5:  # as often a region where no member edge meets a group
            edges = [(a, b, "DEPENDS_ON") for a, b, _ in edges]
            groups = {}
            without_groups += 1
        failed = rng.sample(keys, rng.randint(1, min(3, len(keys))))
        reached, frontier = set(failed), list(failed)
        while frontier:
            step = {b for a, b, _ in edges if a in frontier} - reached
            reached |= step
            frontier = list(step)
        assert spread_over_region(failed, reached, edges, groups) == spread(
            failed, edges, groups
        ), (failed, edges, groups)
    assert without_groups > 500
