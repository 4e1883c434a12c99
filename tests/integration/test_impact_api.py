"""Impact through HTTP on the real Neo4j: direction, cycles, caps (field cases C12, C13)."""

import pytest

pytestmark = pytest.mark.stores


def by_key(result):
    return {i["key"]: (i["distance"], i["path"]) for i in result["impacted"]}


def test_cycle_terminates_each_ci_once(client):
    for key in "ABCD":
        client.ci(key)
    for source, target in (("A", "B"), ("B", "C"), ("C", "A"), ("D", "A")):
        client.rel(source, "DEPENDS_ON", target)

    full = client.impact("C")
    capped = client.impact("C", max_depth=2)

    assert by_key(full) == {
        "B": (1, ["C", "B"]),
        "A": (2, ["C", "B", "A"]),
        "D": (3, ["C", "B", "A", "D"]),
    }
    assert full["truncated"] is False
    assert set(by_key(capped)) == {"B", "A"} and capped["truncated"] is True


def test_dense_graph_each_once_at_distance_one(client):
    keys = [f"N{i:02d}" for i in range(1, 31)]
    for key in keys:
        client.ci(key)
    from graphledger.graph.neo4j import get_driver

    # 870 relationships through the API would be slow; the write path is covered elsewhere.
    with get_driver().session() as session:
        session.run(
            "UNWIND $keys AS a UNWIND $keys AS b WITH a, b WHERE a <> b "
            "MATCH (x:CI {key_lc: toLower(a)}), (y:CI {key_lc: toLower(b)}) "
            "CREATE (x)-[:DEPENDS_ON {id: a + '>' + b}]->(y)",
            keys=keys,
        ).consume()

    result = client.impact("N01")
    assert sorted(by_key(result)) == keys[1:]
    assert {d for d, _ in by_key(result).values()} == {1}
    assert result["truncated"] is False


def test_direction_of_each_type(client):
    # C13
    for key, cls in (
        ("web-01", "Application"),
        ("vm-07", "VirtualMachine"),
        ("esx-3", "Server"),
        ("team-ops", "Team"),
        ("lb-1", "LoadBalancer"),
        ("dns-1", "Application"),
    ):
        client.ci(key, cls)
    client.rel("web-01", "RUNS_ON", "vm-07")
    client.rel("vm-07", "HOSTED_ON", "esx-3")
    client.rel("web-01", "MANAGED_BY", "team-ops")
    client.rel("lb-1", "CONNECTS_TO", "dns-1")

    assert by_key(client.impact("esx-3")) == {
        "vm-07": (1, ["esx-3", "vm-07"]),
        "web-01": (2, ["esx-3", "vm-07", "web-01"]),
    }
    assert client.impact("web-01")["impacted"] == []
    assert client.impact("team-ops")["impacted"] == []
    assert set(by_key(client.impact("lb-1"))) == {"dns-1"}
    assert set(by_key(client.impact("dns-1"))) == {"lb-1"}


def test_member_failure_reaches_the_group(client):
    client.ci("node-1", "Server")
    client.ci("cluster", "Cluster")
    client.ci("app", "Application")
    client.rel("node-1", "MEMBER_OF", "cluster")
    client.rel("app", "DEPENDS_ON", "cluster")

    assert by_key(client.impact("node-1")) == {
        "cluster": (1, ["node-1", "cluster"]),
        "app": (2, ["node-1", "cluster", "app"]),
    }
    assert by_key(client.impact("cluster")) == {"app": (1, ["cluster", "app"])}


def test_several_changed_cis_and_type_filter(client):
    for key in ("a", "b", "x", "y"):
        client.ci(key)
    client.rel("x", "DEPENDS_ON", "a")
    client.rel("y", "RUNS_ON", "b")

    assert set(by_key(client.impact("a", "b"))) == {"x", "y"}
    assert set(by_key(client.impact("a", "b", types=["RUNS_ON"]))) == {"y"}


def test_unknown_key_and_bad_caps_are_422(client):
    client.ci("a")

    unknown = client.post("/api/v1/impact", json={"keys": ["a", "nope"]})
    zero = client.post("/api/v1/impact", json={"keys": ["a"], "max_depth": 0})
    assert unknown.status_code == 422 and unknown.json()["unknown"] == ["nope"]
    assert zero.status_code == 422 and zero.json()["errors"][0]["field"] == "max_depth"


def test_pages_cover_the_whole_answer_once_in_order(client):
    client.ci("core", "Database")
    for i in range(7):
        client.ci(f"app-{i}")
        client.rel(f"app-{i}", "DEPENDS_ON", "core")
    client.ci("shop", "Service")
    client.rel("shop", "DEPENDS_ON", "app-0")

    whole = client.impact("core")
    pages, offset = [], 0
    while offset is not None:
        page = client.impact("core", page_size=3, offset=offset)
        assert page["total"] == whole["total"] == 8
        assert page["services"] == whole["services"]  # the summary spans every page
        assert len(page["impacted"]) <= 3
        pages.extend(page["impacted"])
        offset = page["next_offset"]
    assert pages == whole["impacted"]
    assert [s["key"] for s in whole["services"]] == ["shop"]
    beyond = client.impact("core", page_size=3, offset=9)
    assert beyond["impacted"] == [] and beyond["next_offset"] is None


def test_a_page_larger_than_allowed_is_a_problem(client):
    client.ci("lonely")
    response = client.http.post(
        "/api/v1/impact", json={"keys": ["lonely"], "page_size": 10_001}
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
