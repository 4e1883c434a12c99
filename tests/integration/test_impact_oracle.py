"""Property: on random cyclic graphs with random redundancy groups and relationship types, impact
through the API on the real Neo4j agrees with the plain reference in tests/reference_impact.py."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import wipe
from tests.reference_impact import CARRIES, distances, is_impact_path, states

pytestmark = pytest.mark.stores
TYPES = sorted(CARRIES)


@st.composite
def estates(draw):
    size = draw(st.integers(min_value=2, max_value=9))
    nodes = [f"n{i}" for i in range(size)]
    pairs = st.tuples(
        st.sampled_from(nodes), st.sampled_from(TYPES), st.sampled_from(nodes)
    )
    edges = draw(st.lists(pairs, max_size=size * 3))
    edges = list(dict.fromkeys(e for e in edges if e[0] != e[2]))
    groups = {e[2] for e in edges if e[1] == "MEMBER_OF"}
    min_up = {
        g: draw(st.integers(min_value=0, max_value=4))
        for g in sorted(groups)
        if draw(st.booleans())
    }
    failed = draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=3, unique=True))
    depth = draw(st.integers(min_value=1, max_value=6))
    return nodes, edges, min_up, failed, depth


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(estate=estates())
def test_impact_matches_reference(client, estate):
    nodes, edges, min_up, failed, depth = estate
    wipe()
    for node in nodes:
        attributes = {"min_members_up": min_up[node]} if node in min_up else {}
        client.ci(node, "Cluster", attributes=attributes)
    for source, type_, target in edges:
        client.rel(source, type_, target)

    result = client.impact(*failed, max_depth=depth)

    expected_dist = distances(failed, edges, depth)
    got = {i["key"]: i for i in result["impacted"]}
    expected_states = states(failed, edges, min_up, set(expected_dist))
    assert {k: i["distance"] for k, i in got.items()} == {
        k: expected_dist[k] for k in expected_states
    }
    assert {k: i["state"] for k, i in got.items()} == expected_states
    for key, item in got.items():
        assert item["path"][0] in failed and item["path"][-1] == key
        assert len(item["path"]) == item["distance"] + 1
        assert is_impact_path(item["path"], edges)
    beyond = distances(failed, edges, depth + 1)
    assert result["truncated"] is (len(beyond) > len(expected_dist))
