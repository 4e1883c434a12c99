"""POST /api/v1/cis/{key}/merge on the real stores: plan, move, history, refusals."""

from typing import Any

from tests.conftest import Api


def merge(client: Api, survivor: str, duplicate: str, **body: Any) -> Any:
    return client.post(
        f"/api/v1/cis/{survivor}/merge", json={"duplicate": duplicate, **body}
    )


def relationships(client: Api, key: str) -> set[tuple[str, str, str]]:
    response = client.get(f"/api/v1/cis/{key}/relationships")
    assert response.status_code == 200, response.text
    return {(r["source"], r["type"], r["target"]) for r in response.json()["items"]}


def setup_pair(client: Api) -> None:
    client.ci("srv-1", "Server", owner="ops", attributes={"serial": "ABC123"})
    client.ci(
        "srv-1-dup",
        "Server",
        attributes={"serial": " abc 123", "mac": "00:1a:2b:3c:4d:5e"},
        last_seen_at="2099-01-01T00:00:00Z",
    )
    for key in ("app", "db", "rack"):
        client.ci(key, "Application")
    client.rel("app", "RUNS_ON", "srv-1-dup")
    client.rel("srv-1-dup", "LOCATED_IN", "rack")
    client.rel("db", "RUNS_ON", "srv-1")
    client.rel("db", "RUNS_ON", "srv-1-dup")  # the survivor has it already
    client.rel("srv-1", "CONNECTS_TO", "srv-1-dup")  # would become a self-loop


def test_dry_run_is_the_default_and_writes_nothing(client: Api) -> None:
    setup_pair(client)

    response = merge(client, "srv-1", "srv-1-dup")

    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["dry_run"] is True and plan["applied"] is False
    assert {
        (r["source"], r["type"], r["target"]) for r in plan["relationships_moved"]
    } == {
        ("app", "RUNS_ON", "srv-1"),
        ("srv-1", "LOCATED_IN", "rack"),
    }
    assert {r["reason"] for r in plan["relationships_skipped"]} == {
        "the survivor has it already",
        "would relate the survivor to itself",
    }
    assert client.get("/api/v1/cis/srv-1-dup").status_code == 200
    assert ("app", "RUNS_ON", "srv-1") not in relationships(client, "srv-1")


def test_merge_moves_relationships_asset_and_keeps_history(client: Api) -> None:
    setup_pair(client)
    asset = client.post(
        "/api/v1/assets",
        json={"asset_tag": "AT-9", "state": "in_use", "ci_key": "srv-1-dup"},
    )
    assert asset.status_code == 201, asset.text

    response = merge(client, "srv-1", "srv-1-dup", dry_run=False)

    assert response.status_code == 200, response.text
    assert response.json()["applied"] is True
    assert relationships(client, "srv-1") == {
        ("app", "RUNS_ON", "srv-1"),
        ("srv-1", "LOCATED_IN", "rack"),
        ("db", "RUNS_ON", "srv-1"),
    }
    assert client.get("/api/v1/cis/srv-1-dup").status_code == 404
    moved = client.get(f"/api/v1/assets/{asset.json()['id']}")
    assert moved.json()["ci_key"] == "srv-1"
    survivor = client.get("/api/v1/cis/srv-1").json()
    assert survivor["attributes"]["serial"] == "ABC123"
    assert survivor["attributes"]["mac"] == "00:1a:2b:3c:4d:5e"
    assert survivor["last_seen_at"].startswith("2099-01-01")
    history = client.get("/api/v1/cis/srv-1/history").json()["items"]
    merges = [h for h in history if h["source"] == "merge" and h["entity"] == "ci"]
    assert merges and merges[0]["after"]["merged_from"] == ["srv-1-dup"]
    old = client.get("/api/v1/cis/srv-1-dup/history")
    assert old.status_code == 200
    ops = [(h["entity"], h["op"], h["source"]) for h in old.json()["items"]]
    assert ("ci", "delete", "merge") in ops and ("ci", "create", "api") in ops
    assert merges[0]["id"] in {h["id"] for h in old.json()["items"]}
    report = client.get("/api/v1/health-report").json()
    assert report["findings"]["duplicates"]["count"] == 0


def test_disagreeing_identifiers_are_a_409_naming_the_field(client: Api) -> None:
    client.ci("a", "Server", attributes={"serial": "ABC123", "hostname": "web01"})
    client.ci("b", "Server", attributes={"serial": "ABC124", "hostname": "WEB01.corp"})

    response = merge(client, "a", "b", dry_run=False)

    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["attributes.serial"]
    assert client.get("/api/v1/cis/b").status_code == 200


def test_placeholder_identifiers_do_not_block_a_merge(client: Api) -> None:
    client.ci("a", "Server", attributes={"serial": "unknown", "hostname": "web01"})
    client.ci("b", "Server", attributes={"serial": "ABC124", "hostname": "web01.x"})

    assert merge(client, "a", "b", dry_run=False).status_code == 200


def test_both_with_assets_is_409_and_self_merge_422(client: Api) -> None:
    client.ci("a", "Server")
    client.ci("b", "Server")
    for tag, key in (("T1", "a"), ("T2", "b")):
        made = client.post(
            "/api/v1/assets", json={"asset_tag": tag, "state": "in_use", "ci_key": key}
        )
        assert made.status_code == 201, made.text

    both = merge(client, "a", "b")
    itself = merge(client, "a", "A")
    missing = merge(client, "a", "nope")

    assert both.status_code == 409 and both.json()["errors"][0]["field"] == "asset"
    assert itself.status_code == 422
    assert itself.json()["errors"][0]["field"] == "duplicate"
    assert missing.status_code == 422
    assert merge(client, "nope", "a").status_code == 404


def test_merge_needs_a_topology_writer(client: Api) -> None:
    client.ci("a", "Server")
    client.ci("b", "Server")

    response = client.post(
        "/api/v1/cis/a/merge",
        json={"duplicate": "b", "dry_run": False},
        headers=client.as_role("viewer"),
    )

    assert response.status_code == 403
    assert client.get("/api/v1/cis/b").status_code == 200
