"""Redundancy states, single points of failure, root-cause ranking, impact as of an instant."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from graphledger.db import get_engine

pytestmark = pytest.mark.stores


def states(result):
    return {i["key"]: i["state"] for i in result["impacted"]}


@pytest.fixture
def estate(client):
    """svc -> lb -> grp <- m1, m2, m3 (two must stay up); svc -> db."""
    client.ci("svc", "Service", owner="team-shop")
    client.ci("lb", "LoadBalancer")
    client.ci("grp", "Cluster", attributes={"min_members_up": 2})
    client.ci("db", "Database")
    for m in ("m1", "m2", "m3"):
        client.ci(m, "Server")
        client.rel(m, "MEMBER_OF", "grp")
    client.rel("svc", "DEPENDS_ON", "lb")
    client.rel("lb", "DEPENDS_ON", "grp")
    client.rel("svc", "DEPENDS_ON", "db")
    return client


def test_one_member_lost_degrades_group_and_dependants(estate):
    result = estate.impact("m1")

    assert states(result) == {"grp": "degraded", "lb": "degraded", "svc": "degraded"}
    assert result["services"] == [
        {
            "key": "svc",
            "name": "svc",
            "owner": "team-shop",
            "state": "degraded",
            "distance": 3,
        }
    ]


def test_two_members_lost_takes_group_and_dependants_down(estate):
    assert states(estate.impact("m1", "m2")) == {
        "grp": "down",
        "lb": "down",
        "svc": "down",
    }


def test_group_without_min_members_needs_all(client):
    client.ci("pair", "Cluster")
    client.ci("a", "Server")
    client.ci("b", "Server")
    client.rel("a", "MEMBER_OF", "pair")
    client.rel("b", "MEMBER_OF", "pair")

    assert states(client.impact("a")) == {"pair": "down"}


def test_single_points_of_failure_honour_redundancy(estate):
    body = estate.get("/api/v1/cis/svc/single-points-of-failure").json()

    assert {i["key"] for i in body["items"]} == {"lb", "db", "grp"}
    assert next(i for i in body["items"] if i["key"] == "grp")["path"] == [
        "svc",
        "lb",
        "grp",
    ]


def test_lone_member_group_member_is_a_single_point(client):
    client.ci("svc", "Service")
    client.ci("grp", "Cluster", attributes={"min_members_up": 1})
    client.ci("only", "Server")
    client.rel("only", "MEMBER_OF", "grp")
    client.rel("svc", "DEPENDS_ON", "grp")

    items = client.get("/api/v1/cis/svc/single-points-of-failure").json()["items"]
    assert {i["key"] for i in items} == {"grp", "only"}


def backdate(seconds_ago: int, key: str | None = None) -> None:
    """Move journal entries (all, or one CI's own) into the past, as if made back then."""
    with get_engine().begin() as conn:
        conn.execute(
            text(
                "UPDATE topology_changes SET at = now() - make_interval(secs => :s) "
                "WHERE CAST(:k AS text) IS NULL OR (entity = 'ci' AND entity_id = :k)"
            ),
            {"s": seconds_ago, "k": key},
        )


def test_recent_configuration_change_ranks_first(client):
    client.ci("checkout", "Service")
    for backend in ("payments", "inventory", "pricing"):
        client.ci(backend, "Application")
        client.rel("checkout", "DEPENDS_ON", backend)
    client.ci("pricing-db", "Database")
    client.rel("pricing", "DEPENDS_ON", "pricing-db")
    backdate(7 * 24 * 3600)
    client.patch("/api/v1/cis/pricing-db", json={"attributes": {"max_connections": 50}})
    backdate(3600, "pricing-db")

    body = client.get("/api/v1/cis/checkout/root-causes").json()

    assert body["items"][0]["key"] == "pricing-db"
    top = body["items"][0]
    changed = next(r for r in top["reasons"] if r["kind"] == "changed")
    assert changed["change"]["fields"] == ["attributes"]
    assert top["path"] == ["checkout", "pricing", "pricing-db"]
    assert {c["key"] for c in body["items"]} == {
        "payments",
        "inventory",
        "pricing",
        "pricing-db",
    }


def test_unhealthy_dependency_ranks_first_and_each_candidate_once(estate):
    estate.patch("/api/v1/cis/db", json={"status": "down"})
    body = estate.get("/api/v1/cis/svc/root-causes").json()
    keys = [c["key"] for c in body["items"]]

    assert keys[0] == "db"
    assert sorted(keys) == ["db", "grp", "lb", "m1", "m2", "m3"]
    assert [r["kind"] for r in body["items"][0]["reasons"]][0] == "unhealthy"


def test_root_causes_walk_cycles_and_follow_direction(client):
    # C12 and C13: D -> A -> B -> C -> A; web-01 RUNS_ON vm-07 HOSTED_ON esx-3, MANAGED_BY team.
    for key in "ABCD":
        client.ci(key)
    for s, t in (("A", "B"), ("B", "C"), ("C", "A"), ("D", "A")):
        client.rel(s, "DEPENDS_ON", t)
    for key, cls in (
        ("web-01", "Application"),
        ("vm-07", "VirtualMachine"),
        ("esx-3", "Server"),
        ("team-ops", "Team"),
    ):
        client.ci(key, cls)
    client.rel("web-01", "RUNS_ON", "vm-07")
    client.rel("vm-07", "HOSTED_ON", "esx-3")
    client.rel("web-01", "MANAGED_BY", "team-ops")

    d = client.get("/api/v1/cis/D/root-causes").json()["items"]
    web = client.get("/api/v1/cis/web-01/root-causes").json()["items"]
    assert sorted((c["key"], c["distance"]) for c in d) == [
        ("A", 1),
        ("B", 2),
        ("C", 3),
    ]
    assert sorted((c["key"], c["distance"]) for c in web) == [
        ("esx-3", 2),
        ("vm-07", 1),
    ]


def test_impact_as_of_follows_relationships_as_they_stood(client):
    client.ci("x")
    client.ci("y")
    rel = client.rel("x", "DEPENDS_ON", "y")
    time.sleep(0.05)
    while_linked = datetime.now(UTC)
    time.sleep(0.05)
    client.delete(f"/api/v1/relationships/{rel['id']}")
    client.ci("z")
    client.rel("z", "DEPENDS_ON", "y")

    now = client.impact("y")
    then = client.impact("y", as_of=while_linked.isoformat())

    assert [i["key"] for i in now["impacted"]] == ["z"]
    assert [i["key"] for i in then["impacted"]] == ["x"]


def test_impact_as_of_sees_deleted_cis_and_not_later_ones(client):
    client.ci("app")
    client.ci("db")
    client.rel("app", "DEPENDS_ON", "db")
    time.sleep(0.05)
    before_delete = datetime.now(UTC)
    time.sleep(0.05)
    assert client.delete("/api/v1/cis/app").status_code == 204
    client.ci("app", name="rebuilt")

    assert client.impact("db")["impacted"] == []
    assert [
        i["key"]
        for i in client.impact("db", as_of=before_delete.isoformat())["impacted"]
    ] == ["app"]
    too_early = client.post(
        "/api/v1/impact",
        json={"keys": ["db"], "as_of": (before_delete - timedelta(days=1)).isoformat()},
    )
    assert too_early.status_code == 422


def test_future_as_of_is_422(client):
    client.ci("a")
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    response = client.post("/api/v1/impact", json={"keys": ["a"], "as_of": future})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "as_of"


def test_lattice_of_two_to_the_forty_paths_is_complete(client):
    from graphledger.graph.neo4j import get_driver

    client.ci("base", "Server")
    # Build the 80-CI lattice straight in the graph: the write path is tested elsewhere.
    with get_driver().session() as session:
        session.run(
            "UNWIND range(0, 39) AS level UNWIND ['a', 'b'] AS side "
            "CREATE (:CI:Application {key: 'L' + level + side, key_lc: 'l' + level + side, "
            "class: 'Application', name: 'L' + level + side})"
        ).consume()
        session.run(
            "MATCH (b:CI {key_lc: 'base'}) MATCH (l:CI) WHERE l.key_lc IN ['l0a', 'l0b'] "
            "CREATE (l)-[:DEPENDS_ON {id: l.key_lc + '-base'}]->(b)"
        ).consume()
        session.run(
            "UNWIND range(1, 39) AS level UNWIND ['a', 'b'] AS up UNWIND ['a', 'b'] AS down "
            "MATCH (u:CI {key_lc: 'l' + level + up}), (d:CI {key_lc: 'l' + (level - 1) + down}) "
            "CREATE (u)-[:DEPENDS_ON {id: u.key_lc + '-' + d.key_lc}]->(d)"
        ).consume()

    result = client.impact("base", max_depth=50)
    capped = client.impact("base", max_depth=3)

    assert len(result["impacted"]) == 80 and result["truncated"] is False
    assert {i["key"]: i["distance"] for i in result["impacted"]}["L39a"] == 40
    assert len(capped["impacted"]) == 6 and capped["truncated"] is True
