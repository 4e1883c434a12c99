"""The health report over HTTP on the real stores: each kind of finding, scores and roles."""

from typing import Any

from tests.conftest import Api


def report(client: Api, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/health-report", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def keys_of(body: dict[str, Any], finding: str) -> set[str]:
    return {item["key"] for item in body["findings"][finding]["items"]}


def pairs_of(body: dict[str, Any]) -> set[frozenset[str]]:
    return {frozenset(p["keys"]) for p in body["findings"]["duplicates"]["items"]}


def server(client: Api, key: str, **attributes: Any) -> None:
    client.ci(
        key,
        "Server",
        owner="ops",
        attributes={"tags": {"environment": "prod"}, **attributes},
    )


def test_duplicates_found_with_evidence_across_spellings(client: Api) -> None:
    server(client, "srv-a", serial="ab c123 ", hostname="web01.corp.example.")
    server(client, "srv-b", serial="ABC123", hostname="WEB01")
    server(client, "srv-c", serial="XYZ999", mac="00:1A:2b:3c:4d:5e")
    client.ci(
        "vm-c", "VirtualMachine", owner="ops", attributes={"mac": "001a.2b3c.4d5e"}
    )
    client.ci("app-1", "Application", attributes={"arn": "arn:aws:ec2:x:1:i-0ab"})
    client.ci(
        "app-2", "Application", attributes={"instance_id": " ARN:aws:ec2:x:1:i-0AB"}
    )

    body = report(client)

    assert pairs_of(body) == {
        frozenset({"srv-a", "srv-b"}),
        frozenset({"srv-c", "vm-c"}),
        frozenset({"app-1", "app-2"}),
    }
    ab = next(
        p
        for p in body["findings"]["duplicates"]["items"]
        if set(p["keys"]) == {"srv-a", "srv-b"}
    )
    assert {e["identifier"] for e in ab["evidence"]} == {"serial", "hostname"}
    serial = next(e for e in ab["evidence"] if e["identifier"] == "serial")
    assert serial["normalised"] == "ABC123"
    assert {v["value"] for v in serial["values"]} == {"ab c123 ", "ABC123"}


def test_placeholders_and_near_misses_never_pair(client: Api) -> None:
    for i, serial in enumerate(
        [
            "unknown",
            "Unknown",
            "N/A",
            "n/a",
            "0",
            "To Be Filled By O.E.M.",
            "to be filled by o.e.m.",
            "none",
            "None",
            "default",
            "abc",
            "ABC",
            "0000000",
            "",
        ]
    ):
        server(client, f"srv-{i}", serial=serial, hostname=f"host-{i}.corp")
    server(client, "ip-1", hostname="10.0.0.1")
    server(client, "ip-2", hostname="10.0.0.2")
    server(client, "mac-1", mac="00:00:00:00:00:00")
    server(client, "mac-2", mac="00-00-00-00-00-00")
    server(client, "mac-3", mac="ff:ff:ff:ff:ff:ff")
    server(client, "mac-4", mac="FF:FF:FF:FF:FF:FF")
    server(client, "near-1", serial="ABC-1234")
    server(client, "near-2", serial="ABC-1243")

    body = report(client)

    assert pairs_of(body) == set()


def test_completeness_findings_name_the_items(client: Api) -> None:
    client.ci("lonely", "Application")
    server(client, "bare-metal", serial="S-0001")
    client.ci(
        "vm-nohost",
        "VirtualMachine",
        owner="ops",
        attributes={"tags": {"environment": "x"}},
    )
    linked = client.post(
        "/api/v1/assets",
        json={
            "asset_tag": "AT-1",
            "serial": "S-0001",
            "state": "in_use",
            "ci_key": "bare-metal",
        },
    )
    assert linked.status_code == 201, linked.text
    orphan_asset = client.post(
        "/api/v1/assets",
        json={"asset_tag": "AT-ORPHAN", "serial": "S-9", "state": "in_use"},
    )
    assert orphan_asset.status_code == 201, orphan_asset.text
    stock = client.post(
        "/api/v1/assets", json={"asset_tag": "AT-STOCK", "state": "in_stock"}
    )
    assert stock.status_code == 201, stock.text
    server(client, "no-asset", serial="S-0002")
    client.rel("lonely", "RUNS_ON", "bare-metal")

    body = report(client)
    findings = body["findings"]

    assert "lonely" in keys_of(body, "no_owner")
    assert "bare-metal" not in keys_of(body, "no_owner")
    assert keys_of(body, "hardware_without_asset") == {"no-asset"}
    assert {a["asset_tag"] for a in findings["assets_without_ci"]["items"]} == {
        "AT-ORPHAN"
    }
    assert (
        findings["assets_without_ci"]["items"][0]["asset_id"]
        == orphan_asset.json()["id"]
    )
    missing = {
        (i["key"], i["attribute"]) for i in findings["missing_attributes"]["items"]
    }
    assert ("vm-nohost", "hostname") in missing
    assert ("bare-metal", "serial") not in missing
    assert keys_of(body, "orphans") == {"vm-nohost", "no-asset"}
    assert body["overall"]["completeness"] < 100
    by_class = {c["class"]: c for c in body["classes"]}
    assert by_class["Application"]["cis"] == 1


def test_stale_and_relationships_to_retired_or_stale(client: Api) -> None:
    client.ci("app", "Application", owner="o", last_seen_at="2099-01-01T00:00:00Z")
    client.ci("old-db", "Database", owner="o", last_seen_at="2020-01-01T00:00:00Z")
    client.ci(
        "gone",
        "Database",
        owner="o",
        status="retired",
        last_seen_at="2020-01-01T00:00:00Z",
    )
    client.ci("fresh", "Database", owner="o")
    client.rel("app", "DEPENDS_ON", "old-db")
    client.rel("app", "DEPENDS_ON", "gone")
    client.rel("app", "DEPENDS_ON", "fresh")
    client.rel("gone", "DEPENDS_ON", "old-db")

    body = report(client)

    assert keys_of(body, "stale") == {"old-db"}
    bad = {
        (r["source"], r["target"], r["reason"])
        for r in body["findings"]["relationships_to_retired_or_stale"]["items"]
    }
    assert bad == {("app", "old-db", "stale"), ("app", "gone", "retired")}
    assert body["stale_after_days"] == 30


def test_naming_and_tag_rules_from_the_environment(
    client: Api, monkeypatch: Any
) -> None:
    from graphledger.settings import get_settings

    monkeypatch.setenv(
        "GRAPHLEDGER_HEALTH_RULES",
        '{"stale_after_days": 7, "classes": {"Application": '
        '{"name_pattern": "^app-[a-z]+$", "required_tags": ["team"]}}}',
    )
    get_settings.cache_clear()
    try:
        client.ci(
            "a1",
            "Application",
            name="app-good",
            owner="o",
            attributes={"tags": {"team": "x"}},
        )
        client.ci(
            "a2",
            "Application",
            name="Bad Name",
            owner="o",
            attributes={"labels": {"team": "y"}},
        )
        client.ci(
            "a3",
            "Application",
            name="app-ok",
            owner="o",
            attributes={"tags": ["other"]},
        )
        server(client, "Web_01", serial="S-1")
        body = report(client)
    finally:
        get_settings.cache_clear()

    naming = {(i["key"], i["field"]) for i in body["findings"]["naming"]["items"]}
    assert naming == {("a2", "name"), ("Web_01", "name")}
    assert {
        (i["key"], i["tag"]) for i in body["findings"]["missing_tags"]["items"]
    } == {("a3", "team")}
    assert body["stale_after_days"] == 7


def test_bad_rules_are_a_422_naming_the_field(client: Api, monkeypatch: Any) -> None:
    from graphledger.settings import get_settings

    monkeypatch.setenv("GRAPHLEDGER_HEALTH_RULES", '{"classes": {"Nope": {}}}')
    get_settings.cache_clear()
    try:
        response = client.get("/api/v1/health-report")
    finally:
        get_settings.cache_clear()

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "classes.Nope"


def test_scores_fall_with_findings_and_items_are_capped(client: Api) -> None:
    for i in range(5):
        client.ci(f"app-{i}", "Application")
    client.ci("ok", "Application", owner="o")
    client.rel("ok", "DEPENDS_ON", "app-0")

    body = report(client, limit=2)

    no_owner = body["findings"]["no_owner"]
    assert (
        no_owner["count"] == 5 and no_owner["truncated"] and len(no_owner["items"]) == 2
    )
    app = next(c for c in body["classes"] if c["class"] == "Application")
    # 6 CIs x (owner + orphan) slots: 5 without owner, 4 orphans (app-1..app-4).
    assert app["scores"]["completeness"] == round(100 * (12 - 9) / 12, 1)
    assert app["scores"]["staleness"] == 100.0


def test_viewer_may_read_the_report_and_no_token_is_401(client: Api) -> None:
    viewer = client.as_role("viewer")
    assert client.get("/api/v1/health-report", headers=viewer).status_code == 200
    anonymous = client.http.get("/api/v1/health-report", headers={"Authorization": ""})
    assert anonymous.status_code == 401


def test_sql_grouping_agrees_with_the_python_rules(client: Api) -> None:
    """The SQL twin of each normaliser pairs exactly the CIs the Python rules pair."""
    from itertools import combinations

    from graphledger.quality.identifiers import identifiers_of

    spellings = [
        {"serial": "ab 12 cd"},
        {"serial_number": "AB12CD"},
        {"serial": "ab12cd\t"},
        {"serial": "abc"},
        {"serial": "ABC"},
        {"hostname": "Db01.Corp."},
        {"fqdn": "db01.other.example"},
        {"hostname": "db01"},
        {"hostname": "192.168.1.10"},
        {"hostname": "192.168.1.10."},
        {"hostname": "192.168.1.11"},
        {"mac": "AA-BB-CC-DD-EE-FF"},
        {"mac_address": "aabb.ccdd.eeff"},
        {"mac": "aa:bb:cc:dd:ee"},
        {"arn": "arn:aws:s3:::Bucket"},
        {"resource_id": "ARN:AWS:S3:::bucket "},
        {"cloud_id": "none"},
        {"instance_id": "NONE"},
        {"serial": 123456},
        {"serial_number": "123456"},
    ]
    for i, attributes in enumerate(spellings):
        client.ci(f"ci-{i:02d}", "Application", attributes=attributes)
    expected = set()
    for (i, a), (j, b) in combinations(enumerate(spellings), 2):
        mine = {(x.kind, x.normalised) for x in identifiers_of(a)}
        theirs = {(x.kind, x.normalised) for x in identifiers_of(b)}
        if mine & theirs:
            expected.add(frozenset({f"ci-{i:02d}", f"ci-{j:02d}"}))

    found = pairs_of(report(client))

    assert found == expected
    assert len(expected) == 3 + 3 + 1 + 1 + 1 + 1
