"""The ledger through HTTP on the real PostgreSQL: assets, lifecycle, depreciation, licenses,
contracts, costs, money gating and the finance reports."""

from datetime import UTC, date, datetime, timedelta

import pytest

pytestmark = pytest.mark.stores


def create(client, path, body, status=201):
    response = client.post(path, json=body)
    assert response.status_code == status, response.text
    return response.json()


def create_asset(client, tag="AT-1", **fields):
    body = {
        "asset_tag": tag,
        "purchase_cost": "1200.00",
        "currency": "EUR",
        "purchase_date": "2026-01-10",
        "in_service_date": "2026-01-15",
        "state": "in_use",
        "depreciation": {
            "method": "straight_line",
            "life_months": 36,
            "salvage_value": "0.00",
        },
        **fields,
    }
    return create(client, "/api/v1/assets", body)


def patch(client, path, body):
    etag = client.get(path).headers["ETag"]
    return client.patch(path, json=body, headers={"If-Match": etag})


@pytest.mark.parametrize(
    ("as_of", "book", "accumulated"),
    [
        ("2027-02-14", "800.00", "400.00"),
        ("2027-02-15", "766.67", "433.33"),
        ("2030-01-01", "0.00", "1200.00"),
    ],
)
def test_depreciation_of_the_design_example(client, as_of, book, accumulated):
    asset = create_asset(client)

    response = client.get(
        f"/api/v1/assets/{asset['id']}/depreciation", params={"as_of": as_of}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["book_value"], body["accumulated_depreciation"]) == (book, accumulated)
    assert asset["purchase_cost"] == "1200.00"


def test_c09_salvage_floor_by_tag_and_salvage_above_cost_422(client):
    create_asset(
        client,
        "AT-4001",
        purchase_cost="1300.00",
        purchase_date="2024-01-15",
        in_service_date="2024-01-15",
        depreciation={
            "method": "straight_line",
            "life_months": 12,
            "salvage_value": "100.00",
        },
    )
    books = [
        client.get("/api/v1/assets/AT-4001/depreciation", params={"as_of": d}).json()[
            "book_value"
        ]
        for d in (
            "2024-01-15",
            "2024-02-15",
            "2024-03-15",
            "2024-07-15",
            "2025-01-15",
            "2026-03-15",
        )
    ]
    report = client.get("/api/v1/assets/AT-4001/depreciation").json()
    too_high = client.post(
        "/api/v1/assets",
        json={
            "asset_tag": "AT-4009",
            "purchase_cost": "1300.00",
            "currency": "EUR",
            "in_service_date": "2024-01-15",
            "depreciation": {
                "method": "straight_line",
                "life_months": 12,
                "salvage_value": "1400.00",
            },
        },
    )

    assert books == ["1300.00", "1200.00", "1100.00", "700.00", "100.00", "100.00"]
    assert [r["charge"] for r in report["schedule"]] == ["100.00"] * 12
    assert "108.33" not in str(report)
    assert too_high.status_code == 422
    assert any("salvage_value" in e["field"] for e in too_high.json()["errors"])


def test_c10_book_value_and_accumulated_separate_schedule_sums(client):
    create_asset(
        client,
        "AT-4002",
        purchase_cost="1000.00",
        currency="USD",
        purchase_date="2024-03-01",
        in_service_date="2024-03-01",
        depreciation={"method": "straight_line", "life_months": 48},
    )
    reports = [
        client.get("/api/v1/assets/AT-4002/depreciation", params={"as_of": d}).json()
        for d in ("2024-04-01", "2024-09-01", "2028-03-01")
    ]

    assert [(r["book_value"], r["accumulated_depreciation"]) for r in reports] == [
        ("979.17", "20.83"),
        ("875.00", "125.00"),
        ("0.00", "1000.00"),
    ]
    charges = [r["charge"] for r in reports[0]["schedule"]]
    assert charges[:3] == ["20.83", "20.84", "20.83"]
    assert sum(int(c.replace(".", "")) for c in charges) == 100000


@pytest.mark.parametrize(
    ("field", "value"),
    [("purchase_cost", 12.5), ("purchase_cost", 1200), ("currency", "XYZ")],
)
def test_float_amount_or_unknown_currency_is_422_naming_the_field(client, field, value):
    body = {"asset_tag": "AT-9", "purchase_cost": "10.00", "currency": "EUR"}
    body[field] = value

    response = client.post("/api/v1/assets", json=body)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert client.get("/api/v1/assets").json()["items"] == []


def test_lifecycle_disposed_is_final_and_moves_are_kept(client):
    asset = create_asset(client)
    path = f"/api/v1/assets/{asset['id']}"

    retired = patch(client, path, {"state": "retired"})
    disposed = patch(client, path, {"state": "disposed"})
    back = patch(client, path, {"state": "in_use"})
    moves = client.get(f"{path}/moves").json()["items"]

    assert (retired.status_code, disposed.status_code) == (200, 200)
    assert back.status_code == 409
    assert back.json()["allowed"] == []
    assert client.get(path).json()["state"] == "disposed"
    assert [(m["from_state"], m["to_state"]) for m in moves] == [
        (None, "in_use"),
        ("in_use", "retired"),
        ("retired", "disposed"),
    ]


def test_forbidden_move_names_the_allowed_ones(client):
    asset = create_asset(client, state="in_stock")

    response = patch(client, f"/api/v1/assets/{asset['id']}", {"state": "disposed"})

    assert response.status_code == 409
    assert response.json()["allowed"] == ["in_use", "in_repair", "retired"]


def test_stale_etag_412_and_get_body_round_trip_keeps_the_cost(client):
    asset = create_asset(client, purchase_cost="1637.05", currency="CHF")
    path = f"/api/v1/assets/{asset['id']}"
    first = client.get(path)

    for _ in range(2):
        read = client.get(path)
        again = client.patch(
            path, json=read.json(), headers={"If-Match": read.headers["ETag"]}
        )
        assert again.status_code == 200, again.text
    stale = client.patch(path, json={"owner": "x"}, headers={"If-Match": '"0"'})

    assert stale.status_code == 412
    assert client.get(path).json()["purchase_cost"] == "1637.05"
    assert client.get(path).headers["ETag"] == first.headers["ETag"]


def test_viewer_never_sees_money_and_finance_reports_are_403(client):
    asset = create_asset(client)
    contract = create(
        client,
        "/api/v1/contracts",
        {
            "name": "Care",
            "kind": "support",
            "start_date": "2026-01-01",
            "cost": "1200.00",
            "currency": "EUR",
        },
    )
    viewer = client.as_role("viewer")

    seen = [
        client.get(f"/api/v1/assets/{asset['id']}", headers=viewer),
        client.get("/api/v1/assets", headers=viewer),
        client.get(f"/api/v1/contracts/{contract['id']}", headers=viewer),
    ]
    denied = [
        client.get(path, headers=viewer)
        for path in (
            "/api/v1/finance/book-value",
            "/api/v1/finance/renewals",
            f"/api/v1/assets/{asset['id']}/depreciation",
            "/api/v1/costs",
        )
    ]

    assert all(r.status_code == 200 for r in seen)
    assert all("1200" not in r.text for r in seen)
    assert "purchase_cost" not in seen[0].json()
    assert [r.status_code for r in denied] == [403, 403, 403, 403]
    assert all(
        r.headers["content-type"].startswith("application/problem+json") for r in denied
    )


def test_asset_links_only_an_existing_ci_once(client):
    client.ci("srv-1", "Server")
    create_asset(client, "AT-1", ci_key="SRV-1")

    missing = client.post(
        "/api/v1/assets", json={"asset_tag": "AT-2", "ci_key": "nope"}
    )
    taken = client.post("/api/v1/assets", json={"asset_tag": "AT-3", "ci_key": "srv-1"})
    duplicate_tag = client.post("/api/v1/assets", json={"asset_tag": "AT-1"})

    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "ci_key"
    assert taken.status_code == 409
    assert duplicate_tag.status_code == 409


def test_c14_seats_lowered_below_assignments_show_over(client):
    lic = create(client, "/api/v1/licenses", {"name": "LIC-CAD", "seats": 3})
    path = f"/api/v1/licenses/{lic['id']}"
    for user in ("u-01", "u-02", "u-03"):
        create(client, f"{path}/assignments", {"assignee": user})

    def row():
        items = client.get("/api/v1/licenses/compliance").json()["items"]
        found = next(i for i in items if i["license_id"] == lic["id"])
        return (found["entitled"], found["assigned"], found["over"], found["available"])

    etag = client.get(path).headers["ETag"]
    lowered = client.patch(path, json={"seats": 2}, headers={"If-Match": etag})
    after_lowering = row()
    create(client, f"{path}/assignments", {"assignee": "u-04"})
    again = client.post(f"{path}/assignments", json={"assignee": "u-01"})
    after_u04 = row()
    raised = patch(client, path, {"seats": 4})
    stale = client.patch(path, json={"seats": 9}, headers={"If-Match": etag})

    assert lowered.status_code == 200
    assert after_lowering == (2, 3, 1, 0)
    assert again.status_code == 409
    assert after_u04 == (2, 4, 2, 0)
    assert raised.status_code == 200
    assert row() == (4, 4, 0, 0)
    assert stale.status_code == 412
    assert client.get(path).json()["seats"] == 4


def test_twelve_assignments_on_ten_seats_are_over_two(client):
    lic = create(
        client,
        "/api/v1/licenses",
        {"name": "Office", "seats": 10, "cost": "3000.00", "currency": "EUR"},
    )
    for i in range(12):
        create(
            client, f"/api/v1/licenses/{lic['id']}/assignments", {"assignee": f"u{i}"}
        )

    row = client.get("/api/v1/licenses/compliance").json()["items"][0]

    assert (row["entitled"], row["assigned"], row["over"], row["compliant"]) == (
        10,
        12,
        2,
        False,
    )


def test_unused_seats_are_the_reclaim_list_with_their_savings(client):
    lic = create(
        client,
        "/api/v1/licenses",
        {"name": "CAD", "seats": 4, "cost": "1000.00", "currency": "EUR"},
    )
    path = f"/api/v1/licenses/{lic['id']}/assignments"
    old = (datetime.now(UTC) - timedelta(days=91)).isoformat()
    recent = (datetime.now(UTC) - timedelta(days=5)).isoformat()
    stale = create(client, path, {"assignee": "idle", "last_used_at": old})
    create(client, path, {"assignee": "busy", "last_used_at": recent})

    row = client.get("/api/v1/licenses/compliance").json()["items"][0]
    viewer_row = client.get(
        "/api/v1/licenses/compliance", headers=client.as_role("viewer")
    ).json()["items"][0]

    assert [u["assignment_id"] for u in row["unused"]] == [stale["id"]]
    assert row["reclaim_savings"] == {"EUR": "250.00"}
    assert "reclaim_savings" not in viewer_row


def test_c15_ci_holding_a_seat_and_license_deletion(client):
    client.ci("ws-0100", "Server")
    lic = create(client, "/api/v1/licenses", {"name": "LIC-OFFICE", "seats": 5})
    path = f"/api/v1/licenses/{lic['id']}"
    seat = create(client, f"{path}/assignments", {"ci_key": "ws-0100"})
    create(client, f"{path}/assignments", {"assignee": "p-17"})
    etag = client.get("/api/v1/cis/ws-0100").headers["ETag"]

    refused = client.delete("/api/v1/cis/ws-0100")
    unchanged = client.get("/api/v1/cis/ws-0100")
    released = client.delete(f"{path}/assignments/{seat['id']}")
    deleted = client.delete("/api/v1/cis/ws-0100")
    held = client.delete(path)

    assert refused.status_code == 409
    assert refused.json()["assignments"][0]["license"] == "LIC-OFFICE"
    assert unchanged.headers["ETag"] == etag
    assert released.status_code == 204
    assert deleted.status_code == 204
    assert client.get(path).json()["assigned"] == 1
    assert held.status_code == 409
    assert [a["assignee"] for a in held.json()["assignments"]] == ["p-17"]


def test_contract_in_notice_window_appears_in_renewals_soonest_first(client):
    today = date.today()
    soon = create(
        client,
        "/api/v1/contracts",
        {
            "name": "Support",
            "kind": "support",
            "start_date": "2025-01-01",
            "end_date": (today + timedelta(days=45)).isoformat(),
            "notice_days": 60,
            "cost": "900.00",
            "currency": "EUR",
        },
    )
    notice_first = create(
        client,
        "/api/v1/contracts",
        {
            "name": "Lease",
            "kind": "lease",
            "start_date": "2025-01-01",
            "end_date": (today + timedelta(days=150)).isoformat(),
            "notice_days": 120,
        },
    )
    create(
        client,
        "/api/v1/contracts",
        {
            "name": "Far",
            "kind": "lease",
            "start_date": "2025-01-01",
            "end_date": (today + timedelta(days=400)).isoformat(),
        },
    )
    create_asset(client, "AT-W", warranty_end=(today - timedelta(days=3)).isoformat())

    body = client.get("/api/v1/finance/renewals", params={"within_days": 90}).json()

    assert [(i["type"], i["name"]) for i in body["items"]] == [
        ("contract", "Support"),
        ("warranty", "AT-W"),
        ("contract", "Lease"),
    ]
    first = body["items"][0]
    assert first["id"] == soon["id"]
    assert first["notice_deadline"] == (today - timedelta(days=15)).isoformat()
    assert body["items"][2]["id"] == notice_first["id"]


def test_c11_costs_over_time_follow_edits_at_once(client):
    center = create(client, "/api/v1/cost-centers", {"code": "CC-200", "name": "Ops"})
    asset = create_asset(
        client,
        "AT-5001",
        cost_center_id=center["id"],
        purchase_date="2022-12-20",
        in_service_date="2023-01-01",
        warranty_end="2024-06-30",
        depreciation={"method": "straight_line", "life_months": 12},
    )
    repair = create(
        client,
        "/api/v1/costs",
        {
            "asset_id": asset["id"],
            "amount": "180.00",
            "currency": "EUR",
            "period": "2023-03",
            "category": "repair",
        },
    )
    support = create(
        client,
        "/api/v1/costs",
        {
            "asset_id": asset["id"],
            "amount": "120.00",
            "currency": "EUR",
            "period": "2023-09",
            "category": "support",
        },
    )

    def tco(group_by):
        params = {"from": "2023-02", "to": "2023-12", "group_by": group_by}
        body = client.get("/api/v1/finance/tco", params=params).json()
        return body["items"][0]["total"]

    def month(m):
        from graphledger.db import get_sessionmaker
        from graphledger.ledger.costs import monthly_cost
        from graphledger.ledger.periods import parse_month

        with get_sessionmaker()() as session:
            return monthly_cost(session, [asset["id"]], parse_month(m))[asset["id"]]

    assert {m: str(sum(month(m).values())) for m in ("2022-12", "2024-06")} == {
        "2022-12": "0",
        "2024-06": "0",
    }
    assert str(month("2023-03")["EUR"]) == "280.0000"
    assert str(month("2023-09")["EUR"]) == "220.0000"
    assert tco("asset") == tco("cost_center") == {"EUR": "1400.00"}

    assert client.delete(f"/api/v1/costs/{support['id']}").status_code == 204
    assert tco("asset") == {"EUR": "1280.00"}
    assert (
        patch(client, f"/api/v1/costs/{repair['id']}", {"amount": "200.00"}).status_code
        == 200
    )
    assert tco("cost_center") == {"EUR": "1300.00"}
    assert str(month("2023-03")["EUR"]) == "300.0000"


def test_c08_spend_and_book_value_never_mix_currencies(client):
    center = create(client, "/api/v1/cost-centers", {"code": "CC-PAY", "name": "Pay"})
    vendor = create(client, "/api/v1/vendors", {"name": "Cloud Co"})
    ids = [
        create(
            client,
            "/api/v1/assets",
            {
                "asset_tag": tag,
                "cost_center_id": center["id"],
                "vendor_id": vendor["id"],
            },
        )["id"]
        for tag in ("vm-pay-1", "vm-pay-2", "db-pay-1")
    ]
    for asset_id, amount, currency in zip(
        ids, ("400.00", "150.00", "250.00"), ("EUR", "USD", "EUR"), strict=True
    ):
        create(
            client,
            "/api/v1/costs",
            {
                "asset_id": asset_id,
                "amount": amount,
                "currency": currency,
                "period": "2024-06",
                "category": "cloud",
            },
        )
    create_asset(client, "AT-BV", cost_center_id=center["id"])

    spend = client.get(
        "/api/v1/finance/spend", params={"month": "2024-06", "group_by": "vendor"}
    ).json()
    by_category = client.get(
        "/api/v1/finance/spend", params={"month": "2024-06", "group_by": "category"}
    ).json()
    tco = client.get(
        "/api/v1/finance/tco",
        params={"from": "2024-06", "to": "2024-06", "group_by": "cost_center"},
    ).json()
    book = client.get(
        "/api/v1/finance/book-value", params={"as_of": "2027-02-15"}
    ).json()

    expected = {"EUR": "650.00", "USD": "150.00"}
    assert spend["items"] == [
        {"vendor_id": vendor["id"], "vendor": "Cloud Co", "total": expected}
    ]
    assert by_category["items"] == [{"category": "cloud", "total": expected}]
    assert tco["items"][0]["total"] == expected
    assert "800.00" not in str(spend) + str(tco)
    assert book["items"][0]["code"] == "CC-PAY"
    assert book["items"][0]["book_value"] == {"EUR": "766.67"}


def test_lists_paginate_and_answer_csv(client):
    for i in range(5):
        create(client, "/api/v1/vendors", {"name": f"=V{i}"})
    first = client.get("/api/v1/vendors", params={"limit": 2}).json()
    second = client.get(
        "/api/v1/vendors", params={"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    as_csv = client.get("/api/v1/vendors", headers={"Accept": "text/csv"})

    assert [v["name"] for v in first["items"] + second["items"]] == [
        "=V0",
        "=V1",
        "=V2",
        "=V3",
    ]
    assert as_csv.headers["content-type"].startswith("text/csv")
    lines = as_csv.text.splitlines()
    assert lines[0].startswith("id,name,contact,version")
    assert len(lines) == 6
    assert ",'=V0," in lines[1]


def test_cost_center_parent_must_exist_and_not_loop(client):
    top = create(client, "/api/v1/cost-centers", {"code": "CC-1", "name": "Top"})
    child = create(
        client,
        "/api/v1/cost-centers",
        {"code": "CC-2", "name": "Child", "parent_id": top["id"]},
    )

    missing = client.post(
        "/api/v1/cost-centers", json={"code": "CC-3", "name": "x", "parent_id": 999}
    )
    loop = patch(
        client, f"/api/v1/cost-centers/{top['id']}", {"parent_id": child["id"]}
    )
    in_use = client.delete(f"/api/v1/cost-centers/{top['id']}")

    assert missing.status_code == 422
    assert loop.status_code == 422
    assert loop.json()["errors"][0]["field"] == "parent_id"
    assert in_use.status_code == 409


def test_schema_refuses_bad_money_even_without_the_api(stores):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from graphledger.db import get_engine

    statements = [
        "INSERT INTO assets (asset_tag, state, purchase_cost, currency, version,"
        " created_at, updated_at) VALUES ('X', 'in_use', -1, 'EUR', 1, now(), now())",
        "INSERT INTO assets (asset_tag, state, purchase_cost, currency, version,"
        " created_at, updated_at) VALUES ('X', 'in_use', 1, 'eur', 1, now(), now())",
        "INSERT INTO contracts (name, kind, start_date, end_date, notice_days,"
        " auto_renew, version, created_at, updated_at) VALUES ('c', 'support',"
        " '2026-02-01', '2026-01-01', 0, false, 1, now(), now())",
    ]
    for statement in statements:
        with pytest.raises(IntegrityError), get_engine().begin() as conn:
            conn.execute(text(statement))
