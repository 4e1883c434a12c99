"""Property: the order, distances and parents graphledger.region returns from the real Neo4j are
the ones engine.breadth_first gives over the same relationships, cut at the same caps."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphledger.graph.neo4j import get_driver
from graphledger.impact.engine import breadth_first
from graphledger.impact.service import GraphWalk
from tests.conftest import wipe
from tests.reference_impact import CARRIES, impact_arcs

pytestmark = pytest.mark.stores
TYPES = sorted(CARRIES)
# Keys whose order differs by code point, by UTF-16 unit and by locale: ASCII, accented Latin,
# a character above the surrogates (U+FF41) and one beyond the basic plane (U+1D4B6).
KEYS = ["a", "b", "z", "aa", "a-1", "é", "ß", "\uff41x", "\U0001d4b6", "k9", "k10", "m"]


@st.composite
def estates(draw):
    nodes = draw(st.lists(st.sampled_from(KEYS), min_size=2, max_size=10, unique=True))
    pairs = st.tuples(
        st.sampled_from(nodes), st.sampled_from(TYPES), st.sampled_from(nodes)
    )
    edges = list(dict.fromkeys(draw(st.lists(pairs, max_size=len(nodes) * 3))))
    starts = draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=3, unique=True))
    depth = draw(st.integers(min_value=0, max_value=6))
    cap = draw(st.integers(min_value=1, max_value=12))
    return nodes, edges, starts, depth, cap


def _store(nodes, edges):
    """The graph written straight into Neo4j: this is about the walk, not the write path."""
    wipe()
    with get_driver().session() as session:
        session.run(
            "UNWIND $keys AS k CREATE (:CI:Cluster {key_lc: k, key: k, class: 'Cluster', name: k})",
            keys=nodes,
        ).consume()
        session.run(
            "UNWIND $rows AS r MATCH (a:CI {key_lc: r[0]}), (b:CI {key_lc: r[2]}) "
            "CREATE (a)-[:$(r[1])]->(b)",
            rows=[list(e) for e in edges],
        ).consume()


def _engine(sources, arcs, depth, cap):
    steps = {}
    for a, b, _ in arcs:
        steps.setdefault(a, []).append((a, b, b))
    return breadth_first(
        sources,
        lambda frontier: [s for k in frontier for s in steps.get(k, ())],
        max_depth=depth,
        max_results=cap,
    )


def _shape(walk):
    return (
        walk.order,
        {k: (r.distance, r.parent) for k, r in walk.reached.items()},
        walk.truncated,
        walk.truncated_by,
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(estate=estates())
def test_region_orders_as_the_engine_does(stores, estate):
    nodes, edges, starts, depth, cap = estate
    _store(nodes, edges)

    graph = GraphWalk()
    sources, walk, _ = graph.region(starts, max_depth=depth, max_results=cap)

    # The engine over what the procedure returned (it stops after one CI more than the cap, and
    # returns nothing beyond the depth, only whether there is some).
    assert _shape(walk)[:2] == _shape(_engine(sources, graph.edges, depth, cap))[:2]
    # Under the cap that is the whole graph, so the engine over every relationship agrees too,
    # on the cut as well; over the cap the cut is the cap's.
    whole = _engine(sources, impact_arcs(edges), depth, 10_000)
    if len(whole.order) <= cap:
        assert _shape(walk) == _shape(whole)
    else:
        assert (len(walk.order), walk.truncated_by) == (cap, "max_results")


def test_a_node_that_left_the_live_graph_is_neither_reached_nor_beyond_the_cap(stores):
    # Drift: live relationships still touching a deleted CI's node (its label is DeletedCI).
    with get_driver().session() as session:
        session.run(
            "CREATE (db:CI:Database {key_lc: 'db', key: 'db', class: 'Database'}) "
            "CREATE (app:CI:Application {key_lc: 'app', key: 'app', class: 'Application'}) "
            "CREATE (gone:DeletedCI {key_lc: 'gone', key: 'gone', class: 'Application'}) "
            "CREATE (app)-[:DEPENDS_ON]->(db), (gone)-[:DEPENDS_ON]->(db), "
            "(gone)-[:DEPENDS_ON]->(app)"
        ).consume()
    _, walk, _ = GraphWalk().region(["db"], max_depth=1, max_results=10)
    assert (walk.order, walk.truncated) == (
        ["app"],
        False,
    )  # only the deleted node is beyond

    with get_driver().session() as session:
        session.run(
            "MATCH (app:CI {key_lc: 'app'}) "
            "CREATE (:CI:Application {key_lc: 'web', key: 'web', class: 'Application'})"
            "-[:DEPENDS_ON]->(app)"
        ).consume()
    _, walk, _ = GraphWalk().region(["db"], max_depth=1, max_results=10)
    assert (walk.order, walk.truncated_by) == (["app"], "max_depth")  # web lies beyond
    _, walk, _ = GraphWalk().region(["db"], max_depth=2, max_results=10)
    assert (walk.order, walk.truncated) == (["app", "web"], False)
