"""CIs through HTTP on the real stores: create, read, list, update with ETags, delete, history."""

import pytest

pytestmark = pytest.mark.stores


def test_create_then_read_in_any_case(client):
    client.ci("Web-01", "Server", owner="team-ops", attributes={"rack": "r1"})
    response = client.get("/api/v1/cis/WEB-01")

    assert response.status_code == 200
    body = response.json()
    assert (body["key"], body["class"], body["status"], body["version"]) == (
        "Web-01",
        "Server",
        "operational",
        1,
    )
    assert response.headers["ETag"] == '"1"'


def test_read_after_postgres_dropped_the_read_connections_is_200(client):
    from sqlalchemy import text

    from graphledger.db import get_engine
    from graphledger.readpool import APPLICATION_NAME

    client.ci("kept")
    assert client.get("/api/v1/cis/kept").status_code == 200
    with get_engine().connect() as conn:
        dropped = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = :name AND datname = current_database()"
            ),
            {"name": APPLICATION_NAME},
        ).scalar_one()

    response = client.get("/api/v1/cis/kept")

    assert dropped >= 1
    assert response.status_code == 200
    assert response.json()["key"] == "kept"


def test_missing_ci_is_404_problem(client):
    response = client.get("/api/v1/cis/nowhere/at-all")

    assert response.status_code == 404
    assert response.json()["type"].endswith("not-found")


def test_duplicate_key_in_other_case_is_409(client):
    client.ci("db-1", "Database")
    response = client.post(
        "/api/v1/cis", json={"key": "DB-1", "class": "Database", "name": "x"}
    )

    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key": "bad key", "class": "Server", "name": "x"}, "key"),
        ({"key": "ok-1", "class": "Toaster", "name": "x"}, "class"),
        ({"key": "ok-1", "class": "Server", "name": "x", "colour": "red"}, "colour"),
        (
            {"key": "ok-1", "class": "Server", "name": "x", "status": "on fire"},
            "status",
        ),
        (
            {
                "key": "ok-1",
                "class": "Cluster",
                "name": "x",
                "attributes": {"min_members_up": "two"},
            },
            "attributes",
        ),
        (
            {"key": "ok-1", "class": "CloudResource", "name": "x"},
            "attributes.resource_type",
        ),
    ],
)
def test_bad_input_is_422_naming_the_field(client, body, field):
    response = client.post("/api/v1/cis", json=body)

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("validation")
    assert any(e["field"] == field for e in problem["errors"]), problem
    assert client.get("/api/v1/cis").json()["items"] == []


def test_patch_with_current_etag_then_stale_etag_412_changes_nothing(client):
    client.ci("app-1")
    etag = client.get("/api/v1/cis/app-1").headers["ETag"]

    first = client.patch(
        "/api/v1/cis/app-1", json={"name": "renamed"}, headers={"If-Match": etag}
    )
    stale = client.patch(
        "/api/v1/cis/app-1", json={"name": "stale"}, headers={"If-Match": etag}
    )

    assert first.status_code == 200 and first.headers["ETag"] == '"2"'
    assert stale.status_code == 412
    assert client.get("/api/v1/cis/app-1").json()["name"] == "renamed"


def test_patch_cannot_change_key(client):
    client.ci("app-1")
    response = client.patch("/api/v1/cis/app-1", json={"key": "app-2"})

    assert response.status_code == 422
    assert client.get("/api/v1/cis/app-2").status_code == 404


def test_list_is_paginated_stable_and_filtered(client):
    for i in range(7):
        client.ci(f"svc-{i}", "Service" if i % 2 else "Application", owner="team-a")
    pages, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/cis", params=params).json()
        pages.append([c["key"] for c in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert pages == [
        ["svc-0", "svc-1", "svc-2"],
        ["svc-3", "svc-4", "svc-5"],
        ["svc-6"],
    ]
    services = client.get("/api/v1/cis", params={"class": "Service"}).json()["items"]
    assert [c["key"] for c in services] == ["svc-1", "svc-3", "svc-5"]
    assert [
        c["key"]
        for c in client.get("/api/v1/cis", params={"q": "VC-4"}).json()["items"]
    ] == ["svc-4"]


def test_bad_cursor_is_422(client):
    response = client.get("/api/v1/cis", params={"cursor": "%%%not-ours"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


def test_history_records_who_when_before_after_newest_first(client):
    client.ci("app-1")
    client.patch("/api/v1/cis/app-1", json={"owner": "team-b"})
    items = client.get("/api/v1/cis/app-1/history").json()["items"]

    assert [i["op"] for i in items] == ["update", "create"]
    assert items[0]["actor"] == "admin-token"
    assert (
        items[0]["before"]["owner"] is None and items[0]["after"]["owner"] == "team-b"
    )


def test_delete_removes_ci_and_its_relationships_but_keeps_history(client):
    client.ci("a")
    client.ci("b")
    client.rel("a", "DEPENDS_ON", "b")

    assert client.delete("/api/v1/cis/b").status_code == 204
    assert client.get("/api/v1/cis/b").status_code == 404
    assert client.get("/api/v1/cis/a/relationships").json()["items"] == []
    ops = [
        (i["entity"], i["op"])
        for i in client.get("/api/v1/cis/b/history").json()["items"]
    ]
    assert ops == [
        ("ci", "delete"),
        ("relationship", "delete"),
        ("relationship", "create"),
        ("ci", "create"),
    ]


def test_unchanged_patch_keeps_version(client):
    client.ci("app-1", owner="x")
    response = client.patch("/api/v1/cis/app-1", json={"owner": "x"})

    assert response.status_code == 200 and response.json()["version"] == 1
