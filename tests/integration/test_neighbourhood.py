"""GET /api/v1/cis/{key}/neighbourhood: the dependency map's CIs and relationships."""

import pytest

pytestmark = pytest.mark.stores


def neighbourhood(client, key, **params):
    response = client.get(f"/api/v1/cis/{key}/neighbourhood", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_depth_bounds_the_walk_in_both_directions(client):
    for key in ("web", "api", "db", "disk", "ui"):
        client.ci(key)
    client.rel("web", "DEPENDS_ON", "api")
    client.rel("api", "DEPENDS_ON", "db")
    client.rel("db", "DEPENDS_ON", "disk")
    client.rel("ui", "DEPENDS_ON", "web")

    got = neighbourhood(client, "web", depth=2)

    assert {(n["key"], n["distance"]) for n in got["nodes"]} == {
        ("web", 0),
        ("api", 1),
        ("ui", 1),
        ("db", 2),
    }
    assert {(e["source"], e["type"], e["target"]) for e in got["edges"]} == {
        ("web", "DEPENDS_ON", "api"),
        ("api", "DEPENDS_ON", "db"),
        ("ui", "DEPENDS_ON", "web"),
    }
    assert got["more_beyond"] is True and got["truncated"] is False


def test_relationships_among_the_outermost_cis_are_included(client):
    for key in ("hub", "a", "b"):
        client.ci(key)
    client.rel("a", "DEPENDS_ON", "hub")
    client.rel("b", "DEPENDS_ON", "hub")
    client.rel("a", "CONNECTS_TO", "b")

    got = neighbourhood(client, "hub", depth=1)

    assert ("a", "CONNECTS_TO", "b") in {
        (e["source"], e["type"], e["target"]) for e in got["edges"]
    }
    assert got["more_beyond"] is False


def test_cycles_and_the_size_cap(client):
    keys = [f"n{i}" for i in range(6)]
    for key in keys:
        client.ci(key)
    for a, b in zip(keys, keys[1:] + keys[:1], strict=True):
        client.rel(a, "DEPENDS_ON", b)

    whole = neighbourhood(client, "n0", depth=6)
    capped = neighbourhood(client, "n0", depth=6, max_nodes=3)

    assert sorted(n["key"] for n in whole["nodes"]) == keys
    assert len(whole["edges"]) == 6 and whole["truncated"] is False
    assert len(capped["nodes"]) == 3 and capped["truncated"] is True


def test_redundancy_group_members_and_their_threshold(client):
    client.ci("pool", "Cluster", attributes={"min_members_up": 2})
    for key in ("m1", "m2", "m3"):
        client.ci(key, "Server")
        client.rel(key, "MEMBER_OF", "pool")

    got = neighbourhood(client, "pool", depth=1)

    pool = next(n for n in got["nodes"] if n["key"] == "pool")
    assert pool["min_members_up"] == 2
    assert sum(e["type"] == "MEMBER_OF" for e in got["edges"]) == 3


def test_unknown_ci_404_and_depth_cap_422(client):
    client.ci("solo")

    assert client.get("/api/v1/cis/nope/neighbourhood").status_code == 404
    assert (
        client.get("/api/v1/cis/solo/neighbourhood", params={"depth": 99}).status_code
        == 422
    )


def test_viewer_may_read_the_map(client):
    client.ci("solo")

    response = client.get(
        "/api/v1/cis/solo/neighbourhood", headers=client.as_role("viewer")
    )

    assert response.status_code == 200
