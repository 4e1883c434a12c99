"""The breadth-first engine on in-memory graphs: set semantics, shortest paths, caps."""

from collections import defaultdict

from graphledger.impact.engine import breadth_first


def expander(edges: list[tuple[str, str]]):
    """Impact flows from the first element of each pair to the second."""
    out: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        out[a].append(b)
    calls: list[list[str]] = []

    def expand(frontier: list[str]):
        calls.append(list(frontier))
        return [(a, b, b.upper()) for a in frontier for b in out[a]]

    return expand, calls


def test_cycle_each_ci_once_at_shortest_distance():
    expand, _ = expander([("c", "b"), ("b", "a"), ("a", "c"), ("a", "d")])
    walk = breadth_first({"c": "C"}, expand, max_depth=10, max_results=100)

    assert [(k, walk.reached[k].distance) for k in walk.order] == [
        ("b", 1),
        ("a", 2),
        ("d", 3),
    ]
    assert walk.path("d") == ["C", "B", "A", "D"]
    assert "c" not in walk.order
    assert walk.truncated is False


def test_depth_cap_sets_truncated_only_when_something_lies_beyond():
    expand, _ = expander([("a", "b"), ("b", "c")])
    cut = breadth_first({"a": "A"}, expand, max_depth=1, max_results=100)
    exact = breadth_first({"a": "A"}, expand, max_depth=2, max_results=100)

    assert cut.order == ["b"] and cut.truncated and cut.truncated_by == "max_depth"
    assert exact.order == ["b", "c"] and not exact.truncated


def test_result_cap_sets_truncated():
    expand, _ = expander([("a", x) for x in "bcdef"])
    walk = breadth_first({"a": "A"}, expand, max_depth=5, max_results=3)

    assert len(walk.order) == 3
    assert walk.truncated_by == "max_results"


def test_lattice_is_linear_not_exponential():
    # 40 levels of 2 CIs, each needing both below it: 2**40 paths, 80 CIs.
    edges = []
    for level in range(40):
        for i in range(2):
            for j in range(2):
                edges.append((f"n{level}_{j}", f"n{level + 1}_{i}"))
    expand, calls = expander(edges)
    walk = breadth_first({"n0_0": "N0_0"}, expand, max_depth=100, max_results=1000)

    assert len(walk.order) == 80
    assert len(calls) == 41
    assert sum(len(frontier) for frontier in calls) == 81


def test_parent_choice_is_deterministic():
    expand, _ = expander([("s", "x"), ("s", "y"), ("x", "z"), ("y", "z")])
    walk = breadth_first({"s": "S"}, expand, max_depth=5, max_results=10)

    assert walk.path("z") == ["S", "X", "Z"]
