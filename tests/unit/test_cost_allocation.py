"""Cost apportionment up the dependency graph: exact, conserving, cycle-safe."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from graphledger.servicecost.allocation import Edge, allocate, fractions_beneath, split


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
