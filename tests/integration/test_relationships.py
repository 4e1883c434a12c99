"""Relationships: registry types, both ends required, listed from both sides."""

import pytest

pytestmark = pytest.mark.stores


def test_unknown_type_and_missing_end_are_422_naming_the_field(client):
    client.ci("a")
    bad_type = client.post(
        "/api/v1/relationships", json={"source": "a", "type": "LIKES", "target": "a"}
    )
    missing = client.post(
        "/api/v1/relationships",
        json={"source": "a", "type": "DEPENDS_ON", "target": "ghost"},
    )

    assert (
        bad_type.status_code == 422 and bad_type.json()["errors"][0]["field"] == "type"
    )
    assert (
        missing.status_code == 422 and missing.json()["errors"][0]["field"] == "target"
    )


def test_a_weight_of_true_is_422_and_stores_nothing(client):
    client.ci("a")
    client.ci("b")
    flag = client.post(
        "/api/v1/relationships",
        json={"source": "a", "type": "DEPENDS_ON", "target": "b", "weight": True},
    )

    assert flag.status_code == 422 and flag.json()["errors"][0]["field"] == "weight"
    assert client.get("/api/v1/cis/a/relationships").json()["items"] == []


def test_duplicate_is_409_and_self_loop_422(client):
    client.ci("a")
    client.ci("b")
    client.rel("a", "DEPENDS_ON", "b")

    again = client.post(
        "/api/v1/relationships",
        json={"source": "A", "type": "DEPENDS_ON", "target": "b"},
    )
    loop = client.post(
        "/api/v1/relationships",
        json={"source": "a", "type": "DEPENDS_ON", "target": "A"},
    )
    assert again.status_code == 409
    assert loop.status_code == 422


def test_listed_with_direction_as_stored(client):
    # C13: relationships of vm-07 are RUNS_ON inbound from web-01 and HOSTED_ON outbound to esx-3.
    for key, cls in (
        ("web-01", "Application"),
        ("vm-07", "VirtualMachine"),
        ("esx-3", "Server"),
    ):
        client.ci(key, cls)
    client.rel("web-01", "RUNS_ON", "vm-07")
    client.rel("vm-07", "HOSTED_ON", "esx-3")

    items = client.get("/api/v1/cis/vm-07/relationships").json()["items"]
    assert {(i["type"], i["direction"], i["other"]) for i in items} == {
        ("RUNS_ON", "inbound", "web-01"),
        ("HOSTED_ON", "outbound", "esx-3"),
    }


def test_delete_relationship(client):
    client.ci("a")
    client.ci("b")
    rel = client.rel("a", "DEPENDS_ON", "b")

    assert client.delete(f"/api/v1/relationships/{rel['id']}").status_code == 204
    assert client.delete(f"/api/v1/relationships/{rel['id']}").status_code == 404
    assert client.get("/api/v1/cis/a/relationships").json()["items"] == []
    assert client.impact("b")["impacted"] == []


def test_registries_are_listed(client):
    types = {
        t["name"]: t for t in client.get("/api/v1/relationship-types").json()["items"]
    }
    classes = {c["name"] for c in client.get("/api/v1/ci-classes").json()["items"]}

    assert types["DEPENDS_ON"]["impact"] == "to_source"
    assert types["MANAGED_BY"]["carries_impact"] is False
    assert {
        "Service",
        "Database",
        "Server",
        "VirtualMachine",
        "CloudResource",
    } <= classes
