"""Failure spreading with redundancy groups, without stores."""

from graphledger.impact.states import Group, State, spread

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
