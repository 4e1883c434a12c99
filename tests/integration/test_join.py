"""The join of both stores: service cost through the graph, change assessment, reconciliation."""

import json
from decimal import Decimal

import pytest

from graphledger.graph.neo4j import get_driver

pytestmark = pytest.mark.stores


def asset_for(client, ci_key, **fields):
    body = {
        "asset_tag": f"AT-{ci_key}",
        "ci_key": ci_key,
        "currency": "EUR",
        "state": "in_use",
        **fields,
    }
    response = client.post("/api/v1/assets", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def cost_entry(client, asset, amount, currency="EUR", period="2026-11"):
    response = client.post(
        "/api/v1/costs",
        json={
            "asset_id": asset["id"],
            "amount": amount,
            "currency": currency,
            "period": period,
            "category": "hosting",
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def shared_db(client):
    """Issue 5's example: S needs A (100.00) and D (300.00); T needs D."""
    client.ci("svc-s", "Service", owner="team-s@example.test")
    client.ci("svc-t", "Service", owner="team-t@example.test")
    client.ci("app-a", "Application", owner="team-a@example.test")
    client.ci("db-d", "Database", owner="dba@example.test")
    client.rel("svc-s", "DEPENDS_ON", "app-a")
    client.rel("svc-s", "DEPENDS_ON", "db-d")
    client.rel("svc-t", "DEPENDS_ON", "db-d")
    cost_entry(client, asset_for(client, "app-a"), "100.00")
    cost_entry(client, asset_for(client, "db-d"), "300.00")
    return client


def test_shared_database_split_between_services(shared_db):
    finance = shared_db.as_role("finance")
    s = shared_db.get(
        "/api/v1/services/svc-s/cost?month=2026-11", headers=finance
    ).json()
    t = shared_db.get(
        "/api/v1/services/svc-t/cost?month=2026-11", headers=finance
    ).json()

    assert (s["total"], t["total"]) == ({"EUR": "250.00"}, {"EUR": "150.00"})
    assert Decimal(s["total"]["EUR"]) + Decimal(t["total"]["EUR"]) == Decimal("400.00")
    db = next(b for b in s["breakdown"] if b["key"] == "db-d")
    assert (db["share"], db["amount"], db["path"]) == (
        "0.500000",
        {"EUR": "150.00"},
        ["svc-s", "db-d"],
    )


def test_viewer_cannot_read_service_cost(shared_db):
    response = shared_db.get(
        "/api/v1/services/svc-s/cost?month=2026-11", headers=shared_db.as_role("viewer")
    )

    assert response.status_code == 403
    assert "250" not in response.text


def test_currencies_never_mix(client):
    # C08
    client.ci("svc-pay", "Service")
    for ci_key, amount, currency in (
        ("vm-pay-1", "400.00", "EUR"),
        ("vm-pay-2", "150.00", "USD"),
        ("db-pay-1", "250.00", "EUR"),
    ):
        client.ci(ci_key, "VirtualMachine")
        client.rel("svc-pay", "DEPENDS_ON", ci_key)
        cost_entry(
            client,
            asset_for(client, ci_key, currency=currency),
            amount,
            currency,
            "2024-06",
        )

    body = client.get("/api/v1/services/svc-pay/cost?month=2024-06").json()

    assert body["total"] == {"EUR": "650.00", "USD": "150.00"}
    assert "800" not in json.dumps(body)
    assert {(b["key"], b["share"]) for b in body["breakdown"]} == {
        ("vm-pay-1", "1.000000"),
        ("vm-pay-2", "1.000000"),
        ("db-pay-1", "1.000000"),
    }


def test_depreciation_from_in_service_date_and_fresh_after_cost_edits(client):
    # C11: the charge starts at the in-service date; cost entries count in their month at once.
    client.ci("svc-51", "Service")
    client.ci("srv-51", "Server")
    client.rel("svc-51", "DEPENDS_ON", "srv-51")
    asset = asset_for(
        client,
        "srv-51",
        purchase_cost="1200.00",
        purchase_date="2022-12-20",
        in_service_date="2023-01-01",
        warranty_end="2024-06-30",
        depreciation={
            "method": "straight_line",
            "life_months": 12,
            "salvage_value": "0.00",
        },
    )
    repair = cost_entry(client, asset, "180.00", period="2023-03")
    support = cost_entry(client, asset, "120.00", period="2023-09")

    def month(m):
        return client.get(f"/api/v1/services/svc-51/cost?month={m}").json()["total"]

    assert month("2022-12") == {}
    assert month("2023-03") == {"EUR": "280.00"}
    assert month("2023-09") == {"EUR": "220.00"}
    assert month("2024-06") == {}
    assert client.delete(f"/api/v1/costs/{support['id']}").status_code == 204
    assert month("2023-09") == {"EUR": "100.00"}
    etag = client.get(f"/api/v1/costs/{repair['id']}").headers["ETag"]
    client.patch(
        f"/api/v1/costs/{repair['id']}",
        json={"amount": "200.00"},
        headers={"If-Match": etag},
    )
    assert month("2023-03") == {"EUR": "300.00"}


def test_ranking_lists_services_by_cost_and_as_csv(shared_db):
    body = shared_db.get("/api/v1/services/costs?month=2026-11").json()
    csv_text = shared_db.get(
        "/api/v1/services/costs?month=2026-11", headers={"Accept": "text/csv"}
    ).text

    assert [(i["key"], i["total"]) for i in body["items"]] == [
        ("svc-s", {"EUR": "250.00"}),
        ("svc-t", {"EUR": "150.00"}),
    ]
    assert csv_text.splitlines()[1:] == [
        "svc-s,EUR,250.00,True",
        "svc-t,EUR,150.00,True",
    ]


def test_ranking_costs_every_service_before_keeping_the_dearest(shared_db):
    # svc-z sorts after the others but costs most; limit=1 must still find it
    shared_db.ci("svc-z", "Service")
    shared_db.ci("db-z", "Database")
    shared_db.rel("svc-z", "DEPENDS_ON", "db-z")
    cost_entry(shared_db, asset_for(shared_db, "db-z"), "999.00")

    body = shared_db.get("/api/v1/services/costs?month=2026-11&limit=1").json()

    assert [(i["key"], i["total"]) for i in body["items"]] == [
        ("svc-z", {"EUR": "999.00"})
    ]


def test_ranking_never_compares_amounts_in_different_currencies(shared_db):
    # 100000 JPY is a larger number than any EUR total here, and must not outrank them
    shared_db.ci("svc-yen", "Service")
    shared_db.ci("vm-yen", "VirtualMachine")
    shared_db.rel("svc-yen", "DEPENDS_ON", "vm-yen")
    cost_entry(
        shared_db, asset_for(shared_db, "vm-yen", currency="JPY"), "100000", "JPY"
    )

    by_default = shared_db.get("/api/v1/services/costs?month=2026-11").json()
    in_yen = shared_db.get("/api/v1/services/costs?month=2026-11&currency=JPY").json()

    assert by_default["ranked_by"] == "EUR"  # two services have EUR totals, one JPY
    assert [i["key"] for i in by_default["items"]] == ["svc-s", "svc-t", "svc-yen"]
    assert in_yen["ranked_by"] == "JPY"
    assert [i["key"] for i in in_yen["items"]] == ["svc-yen", "svc-s", "svc-t"]


@pytest.mark.parametrize("month", ["２０２６-１１", "٢٠٢٦-١١", "2026-1１"])
def test_a_month_in_other_digits_is_422(shared_db, month):
    single = shared_db.get(f"/api/v1/services/svc-s/cost?month={month}")
    ranking = shared_db.get(f"/api/v1/services/costs?month={month}")

    assert (single.status_code, ranking.status_code) == (422, 422)
    assert single.headers["content-type"].startswith("application/problem+json")


def test_bad_month_is_422(shared_db):
    response = shared_db.get("/api/v1/services/svc-s/cost?month=2026-13")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "month"


def test_assessing_the_shared_database_names_services_owners_and_risk(shared_db):
    contract = shared_db.post(
        "/api/v1/vendors", json={"name": "DB Support GmbH"}
    ).json()
    db_asset = shared_db.get("/api/v1/assets", params={"ci_key": "db-d"}).json()[
        "items"
    ][0]
    shared_db.post(
        "/api/v1/contracts",
        json={
            "name": "db support",
            "kind": "support",
            "vendor_id": contract["id"],
            "start_date": "2026-01-01",
            "end_date": "2027-01-01",
            "asset_ids": [db_asset["id"]],
        },
    )
    manager = shared_db.as_role("change_manager")

    body = shared_db.post(
        "/api/v1/changes/assess", json={"keys": ["db-d"]}, headers=manager
    )

    assert body.status_code == 200, body.text
    answer = body.json()
    assert {(s["key"], s["state"]) for s in answer["services"]} == {
        ("svc-s", "down"),
        ("svc-t", "down"),
    }
    owners = {o["owner"] for o in answer["owners"]}
    assert {"team-s@example.test", "team-t@example.test", "dba@example.test"} <= owners
    assert [c["vendor"] for c in answer["contracts"]] == ["DB Support GmbH"]
    assert answer["risk"]["score"] >= 24 and answer["risk"]["level"] in (
        "medium",
        "high",
    )
    assert "cost_at_risk" not in answer
    finance = shared_db.post(
        "/api/v1/changes/assess",
        json={"keys": ["db-d"]},
        headers=shared_db.as_role("finance"),
    ).json()
    month_total = finance["cost_at_risk"]["total"]
    assert set(month_total) <= {"EUR"}


def test_reconciliation_finds_planted_drift_and_repairs_it(shared_db):
    with get_driver().session() as session:
        session.run("MATCH (c:CI {key_lc: 'app-a'}) DETACH DELETE c").consume()
        session.run(
            "CREATE (:CI:Application {key: 'ghost', key_lc: 'ghost', version: 1})"
        ).consume()
    report = shared_db.get("/api/v1/reconciliation").json()

    assert report["cis_missing_in_graph"] == ["app-a"]
    assert report["cis_only_in_graph"] == ["ghost"]
    assert len(report["relationships_missing_in_graph"]) == 1

    repaired = shared_db.post("/api/v1/reconciliation/repair").json()

    assert repaired["after"]["drift"] is False
    assert [i["key"] for i in shared_db.impact("app-a")["impacted"]] == ["svc-s"]
    assert (
        shared_db.get(
            "/api/v1/reconciliation", headers=shared_db.as_role("viewer")
        ).status_code
        == 403
    )
