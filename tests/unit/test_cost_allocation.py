"""Cost apportionment up the dependency graph: exact, conserving, cycle-safe."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from graphledger.servicecost.allocation import (
    Edge,
    Upstream,
    allocate,
    fractions_beneath,
    split,
)


def test_split_hands_out_every_unit_ties_to_first_key():
    assert split(100, {"b": Fraction(1), "a": Fraction(1), "c": Fraction(1)}) == {
        "a": 34,
        "b": 33,
        "c": 33,
    }
    assert split(1000, {"x": Fraction(3), "y": Fraction(1)}) == {"x": 750, "y": 250}
    assert split(0, {"x": Fraction(1)}) == {"x": 0}


def test_shared_database_split_evenly_between_two_services():
    # Issue 5's example: S needs A (100.00) and D (300.00); T needs D.
    edges = [Edge("S", "A"), Edge("S", "D"), Edge("T", "D")]
    result = allocate({"A": 10000, "D": 30000}, edges)

    assert result.top_level == {"S": 25000, "T": 15000}
    assert fractions_beneath("S", edges) == {"S": 1, "A": 1, "D": Fraction(1, 2)}


def test_weights_steer_the_split():
    edges = [Edge("S", "D", Fraction(3)), Edge("T", "D", Fraction(1))]

    assert allocate({"D": 10000}, edges).top_level == {"S": 7500, "T": 2500}


def test_cost_flows_on_up_through_layers():
    edges = [Edge("svc", "app"), Edge("app", "vm"), Edge("other", "vm")]
    result = allocate({"vm": 1000, "app": 10, "svc": 1}, edges)

    assert result.top_level == {"svc": 511, "other": 500}
    assert result.carried["app"] == 510


def test_cycle_with_an_outside_dependant_passes_everything_on():
    edges = [Edge("a", "b"), Edge("b", "a"), Edge("svc", "a")]
    result = allocate({"a": 100, "b": 50}, edges)

    assert result.top_level == {"svc": 150}


def test_cycle_that_nothing_depends_on_shares_its_pool():
    edges = [Edge("a", "b"), Edge("b", "c"), Edge("c", "a")]
    result = allocate({"a": 100, "b": 0, "c": 0}, edges)

    assert result.top_level == {"a": 34, "b": 33, "c": 33}


@st.composite
def graphs(draw, cyclic: bool):
    n = draw(st.integers(min_value=1, max_value=12))
    names = [f"n{i:02d}" for i in range(n)]
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n
        )
    )
    edges = []
    for i, j in pairs:
        if i == j or (not cyclic and i >= j):
            continue  # acyclic: a dependant always has a smaller index than its dependency
        weight = Fraction(draw(st.integers(min_value=1, max_value=5)))
        edges.append(Edge(names[i], names[j], weight))
    costs = {name: draw(st.integers(min_value=0, max_value=10**7)) for name in names}
    return costs, edges


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(graphs(cyclic=False), graphs(cyclic=True)))
def test_top_level_amounts_add_up_to_every_cost_beneath(data):
    costs, edges = data
    result = allocate(costs, edges)

    assert sum(result.top_level.values()) == sum(costs.values())
    assert all(units >= 0 for units in result.top_level.values())
    has_dependant = {e.dependency for e in edges if e.dependency != e.dependant}
    assert set(result.top_level) >= set(costs) - has_dependant


@settings(max_examples=200, deadline=None)
@given(data=graphs(cyclic=False))
def test_exact_fractions_explain_each_top_within_rounding(data):
    costs, edges = data
    result = allocate(costs, edges)
    for top, units in result.top_level.items():
        fractions = fractions_beneath(top, edges)
        exact = sum(f * costs.get(node, 0) for node, f in fractions.items())
        # every split along the way may move the amount by less than one unit
        assert abs(exact - units) <= len(costs) + len(edges)


def _split_by_fractions(units, weights):
    """The largest-remainder rule written directly over fractions, as a reference."""
    total = sum(weights.values())
    exact = {k: Fraction(units) * w / total for k, w in weights.items()}
    parts = {k: int(v) if v >= 0 else -int(-v) for k, v in exact.items()}
    rest = units - sum(parts.values())
    step = 1 if rest > 0 else -1
    order = sorted(weights, key=lambda k: (-(exact[k] - parts[k]) * step, k))
    for k in order[: abs(rest)]:
        parts[k] += step
    return parts


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=-100_000, max_value=100_000),
    st.dictionaries(
        st.text(alphabet="abcdef", min_size=1, max_size=3),
        st.fractions(min_value=Fraction(1, 60), max_value=50, max_denominator=60),
        min_size=1,
        max_size=12,
    ),
)
def test_integer_split_matches_the_rule_over_fractions(units, weights):
    assert split(units, weights) == _split_by_fractions(units, weights)


def _dependants(edges, whole_numbers):
    """Dependency -> {dependant: summed weight}; whole weights as ints when asked, as the
    service passes unweighted relationships."""
    those = {}
    for e in edges:
        row = those.setdefault(e.dependency, {})
        row[e.dependant] = row.get(e.dependant, 0) + e.weight
    if whole_numbers:
        for row in those.values():
            for k, w in row.items():
                if w.denominator == 1:
                    row[k] = w.numerator
    return those


@st.composite
def wide_graphs(draw):
    """A small core with cycles and a fan of dependants around it: most CIs are sinks for any
    one target, their weights tie, some are halves, some edges are loops, and costs may be
    credits."""
    costs, edges = draw(graphs(cyclic=draw(st.booleans())))
    core = sorted(costs)
    denominators = [1, 2] if draw(st.booleans()) else [1]
    for _ in range(draw(st.integers(0, 25))):
        dependency = draw(st.sampled_from(core))
        weight = Fraction(
            draw(st.sampled_from([1, 1, 1, 2, 3])), draw(st.sampled_from(denominators))
        )
        edges.append(
            Edge(
                # few names, so a dependant often needs several core CIs, or one twice
                draw(st.sampled_from(["a", "é", "\uff41", "\U0001f600", "z"]))
                + str(draw(st.integers(0, 3))),
                dependency,
                weight,
            )
        )
    for key in draw(st.lists(st.sampled_from(core), max_size=2)):
        edges.append(Edge(key, key))  # a loop carries nothing
    costs = {k: v * draw(st.sampled_from([1, -1])) for k, v in costs.items()}
    return costs, edges


@settings(max_examples=400, deadline=None)
@given(data=wide_graphs(), whole_numbers=st.booleans())
def test_one_targets_share_is_what_the_whole_graph_allocation_gives_it(
    data, whole_numbers
):
    costs, edges = data
    whole = allocate(costs, edges)
    dependants = _dependants(edges, whole_numbers)
    for target in sorted(set(costs) | {e.dependant for e in edges}):
        upstream = Upstream(target, dependants)
        assert upstream.carried(costs) == whole.carried[target], target
        assert upstream.top_level == (target in whole.top_level), target
        assert upstream.fractions() == fractions_beneath(target, edges), target


def test_a_dependant_of_two_cycle_members_takes_both_weights():
    # a and b need each other; svc needs a, x needs both a and b (so x weighs 2 against svc's 1)
    edges = [
        Edge("a", "b"),
        Edge("b", "a"),
        Edge("svc", "a"),
        Edge("x", "a"),
        Edge("x", "b"),
    ]
    costs = {"a": 100, "b": 200}
    for whole_numbers in (True, False):
        upstream = Upstream("svc", _dependants(edges, whole_numbers))
        assert upstream.carried(costs) == allocate(costs, edges).carried["svc"] == 100
        assert upstream.fractions() == fractions_beneath("svc", edges)
