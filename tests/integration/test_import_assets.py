"""csv-assets into the ledger: field cases C02, C06, C07 and Snipe-IT's sample registers."""

import json

import pytest
from sqlalchemy import text

from tests.conftest import SHARED_DATA, TEST_DATA

pytestmark = pytest.mark.stores
DATA = TEST_DATA / "imports"
SNIPEIT = SHARED_DATA / "snipeit-sample-csvs"


def post(client, body, **params):
    response = client.post(
        "/api/v1/imports", params={"format": "csv-assets", **params}, content=body
    )
    assert response.status_code == 200, response.text
    return response.json()


def counts(report):
    assets = report["assets"]
    return (
        assets["created"],
        assets["updated"],
        assets["unchanged"],
        assets["rejected"],
    )


def assets_by_tag(client):
    items = client.get("/api/v1/assets", params={"limit": 500}).json()["items"]
    return {a["asset_tag"]: a for a in items}


def rejected_at(report):
    return {(r["ref"], r["field"]) for r in report["rejected"]}


def test_c02_same_file_twice_then_our_export_back_is_unchanged(client):
    center = client.post(
        "/api/v1/cost-centers", json={"code": "CC-100", "name": "Laptops"}
    )
    assert center.status_code == 201, center.text
    raw = (DATA / "assets-c02.csv").read_bytes()

    first = post(client, raw)
    tags = ("AT-1001", "AT-1002", "AT-1003")
    etags = {t: client.get(f"/api/v1/assets/{t}").headers["etag"] for t in tags}
    second = post(client, raw)
    etags_after = {t: client.get(f"/api/v1/assets/{t}").headers["etag"] for t in tags}
    export = client.get("/api/v1/assets", headers={"Accept": "text/csv"})
    back = post(client, export.content)
    with_notes = post(client, (DATA / "assets-c02-notes.csv").read_bytes())
    stored = assets_by_tag(client)

    assert counts(first) == (3, 0, 0, 0)
    assert counts(second) == (0, 0, 3, 0)
    assert etags_after == etags
    assert export.status_code == 200 and export.headers["content-type"].startswith(
        "text/csv"
    )
    lines = export.text.splitlines()
    header = lines[0].split(",")
    dock = next(line.split(",") for line in lines if "AT-1003" in line)
    assert dock[header.index("purchase_date")] == ""
    assert {line.split(",")[header.index("purchase_cost")] for line in lines[1:]} == {
        "1249.00",
        "189.90",
    }
    assert counts(back) == (0, 0, 3, 0)
    assert counts(with_notes) == (0, 1, 2, 0)
    assert stored["AT-1001"]["notes"] == "spare charger"
    assert stored["AT-1003"]["purchase_date"] is None
    assert {a["cost_center_id"] for a in stored.values()} == {center.json()["id"]}
    assert len(stored) == 3


def test_c02_case_of_the_tag_and_spaces_in_the_serial_match_the_same_asset(client):
    post(client, b"asset_tag,serial,model\nAT-9001,CZ 1234 X,Dock\nAT-9002,,Dock\n")

    again = post(client, b"asset_tag,serial,model\nat-9001,CZ1234X,Dock\n")
    by_serial = post(client, b"asset_tag,serial,model\nOTHER-TAG,cz1234x ,Dock 2\n")

    assert counts(again) == (0, 0, 1, 0)
    assert counts(by_serial) == (0, 1, 0, 0)
    stored = assets_by_tag(client)
    assert set(stored) == {"AT-9001", "AT-9002"}
    assert stored["AT-9001"]["model"] == "Dock 2"


def test_c06_dates_that_do_not_parse_are_rejected_never_1970(client, stores):
    from graphledger.db import get_engine

    report = post(client, (DATA / "assets-c06-dates.csv").read_bytes())
    stored = assets_by_tag(client)
    dmy = post(
        client,
        b"asset_tag,purchase_date\nAT-2004,03/04/2023\n",
        date_order="dmy",
    )

    assert counts(report) == (4, 0, 0, 3)
    assert {t: stored[t]["purchase_date"] for t in stored} == {
        "AT-2001": "2023-12-31",
        "AT-2002": "2023-12-31",
        "AT-2003": "2023-12-31",
        "AT-2005": None,
    }
    assert rejected_at(report) == {
        ("line 5", "purchase_date"),
        ("line 7", "purchase_date"),
        ("line 8", "purchase_date"),
    }
    assert "ambiguous" in next(
        r["reason"] for r in report["rejected"] if r["ref"] == "line 5"
    )
    assert counts(dmy) == (1, 0, 0, 0)
    assert assets_by_tag(client)["AT-2004"]["purchase_date"] == "2023-04-03"
    with get_engine().connect() as conn:
        epoch = conn.execute(
            text("SELECT count(*) FROM assets WHERE purchase_date = '1970-01-01'")
        ).scalar()
    assert epoch == 0


def test_c07_money_is_exact_or_rejected_and_survives_saves(client):
    report = post(client, (DATA / "assets-c07-costs.csv").read_bytes())
    stored = assets_by_tag(client)

    assert counts(report) == (6, 0, 0, 2)
    assert {t: stored[t]["purchase_cost"] for t in stored} == {
        "AT-3001": "1500.00",
        "AT-3002": "1637.05",
        "AT-3003": "1500.00",
        "AT-3004": "27.83",
        "AT-3005": "1500.00",
        "AT-3006": "1234.56",
    }
    assert rejected_at(report) == {
        ("line 8", "purchase_cost"),
        ("line 9", "purchase_cost"),
    }
    for _ in range(2):
        read = client.get("/api/v1/assets/AT-3002")
        saved = client.patch(
            f"/api/v1/assets/{read.json()['id']}",
            json=read.json(),
            headers={"If-Match": read.headers["etag"]},
        )
        assert saved.status_code == 200, saved.text
    assert client.get("/api/v1/assets/AT-3002").json()["purchase_cost"] == "1637.05"
    number = client.post(
        "/api/v1/assets",
        json={"asset_tag": "AT-3099", "purchase_cost": 1637.05, "currency": "CHF"},
    )
    assert number.status_code == 422
    assert "purchase_cost" in number.text


def test_dry_run_writes_no_asset_vendor_or_cost_center(client, stores):
    from graphledger.db import get_engine

    body = b"asset_tag,supplier,company\nAT-1,Acme,Finance\nAT-2,Acme,Finance\n"
    dry = post(client, body, dry_run="true")
    real = post(client, body)

    assert counts(dry) == counts(real) == (2, 0, 0, 0)
    assert [c["op"] for c in dry["changes"]] == ["created", "created"]
    vendors = client.get("/api/v1/vendors").json()["items"]
    centers = client.get("/api/v1/cost-centers").json()["items"]
    assert [v["name"] for v in vendors] == ["Acme"]
    assert [(c["code"], c["name"]) for c in centers] == [("Finance", "Finance")]
    post(client, body, dry_run="true")
    with get_engine().connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM vendors")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM assets")).scalar() == 2


def test_a_rejected_row_leaves_no_vendor_behind(client):
    report = post(
        client,
        b"asset_tag,supplier,purchase_cost,currency\nAT-1,Newco,-5.00,EUR\n",
    )

    assert counts(report) == (0, 0, 0, 1)
    assert report["rejected"][0]["field"] == "purchase_cost"
    assert client.get("/api/v1/vendors").json()["items"] == []


def test_an_unknown_ci_key_is_rejected_naming_it(client):
    client.ci("srv-1", "Server")

    report = post(client, b"asset_tag,ci_key\nAT-1,SRV-1\nAT-2,srv-404\n")

    assert counts(report) == (1, 0, 0, 1)
    assert rejected_at(report) == {("line 3", "ci_key")}
    assert assets_by_tag(client)["AT-1"]["ci_key"] == "srv-1"


@pytest.mark.skipif(not SNIPEIT.exists(), reason="../shared/data is absent")
def test_snipeit_register_imports_with_its_currency_and_is_then_unchanged(client):
    raw = (SNIPEIT / "assets-sample.csv").read_bytes()

    without = post(client, raw, dry_run="true")
    first = post(client, raw, currency="USD", date_order="mdy")
    second = post(client, raw, currency="USD", date_order="mdy")
    stored = assets_by_tag(client)

    assert counts(without)[0] < 22 and {r["field"] for r in without["rejected"]} <= {
        "currency",
        "purchase_date",
        "eol_date",
    }
    assert counts(first) == (22, 0, 0, 0)
    assert counts(second) == (0, 0, 22, 0)
    assert stored["ICC-2065556"]["purchase_cost"] == "2266.13"
    assert stored["ICC-2065556"]["purchase_date"] == "2023-01-23"
    assert stored["ICC-2065556"]["model"] == 'Macbook Pro 13"'
    assert "category" in first["ignored_columns"]


@pytest.mark.skipif(not SNIPEIT.exists(), reason="../shared/data is absent")
@pytest.mark.parametrize("name", ["assets-sample-BAD.csv", "assets-sample-BLANKS.csv"])
def test_snipeit_bad_files_are_refused_or_rejected_clearly(client, name):
    raw = (SNIPEIT / name).read_bytes()

    refused = client.post(
        "/api/v1/imports", params={"format": "csv-assets"}, content=raw
    )
    report = post(client, raw, encoding="mac_roman", date_order="mdy", currency="USD")

    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "UTF-8" in refused.json()["detail"]
    created, _, _, rejected = counts(report)
    assert created + rejected == 200 and 150 < created < 200
    reasons = {(r["field"], r["reason"].split(" ")[-1]) for r in report["rejected"]}
    assert all(r["ref"].startswith("line ") for r in report["rejected"])
    assert any("decoded" in r["reason"] for r in report["rejected"]), reasons


def netbox_dump(devices):
    objects = [
        {"model": "dcim.site", "pk": 1, "fields": {"name": "HQ", "slug": "hq"}},
        {"model": "dcim.manufacturer", "pk": 1, "fields": {"name": "Juniper"}},
        {
            "model": "dcim.devicetype",
            "pk": 1,
            "fields": {"model": "MX480", "manufacturer": 1},
        },
        {"model": "dcim.devicerole", "pk": 1, "fields": {"name": "Router"}},
    ]
    for pk, (name, serial, tag) in enumerate(devices, start=1):
        objects.append(
            {
                "model": "dcim.device",
                "pk": pk,
                "fields": {
                    "name": name,
                    "site": 1,
                    "device_type": 1,
                    "role": 1,
                    "serial": serial,
                    "asset_tag": tag,
                    "status": "active",
                },
            }
        )
    return json.dumps(objects).encode()


def test_netbox_devices_with_serial_or_tag_feed_assets_linked_to_their_ci(client):
    dump = netbox_dump(
        [
            ("edge-1", "JN1234", "NB-0001"),
            ("edge-2", " JN 5678 ", None),
            ("edge-3", "", None),
        ]
    )

    first = client.post("/api/v1/imports", params={"format": "netbox"}, content=dump)
    second = client.post("/api/v1/imports", params={"format": "netbox"}, content=dump)
    stored = assets_by_tag(client)

    assert first.status_code == second.status_code == 200, first.text
    assert counts(first.json()) == (2, 0, 0, 0)
    assert counts(second.json()) == (0, 0, 2, 0)
    assert second.json()["created"] == second.json()["updated"] == 0
    assert {
        t: (
            a["ci_key"],
            a["serial"],
            a["model"],
            a["vendor_id"] is not None,
            a["state"],
        )
        for t, a in stored.items()
    } == {
        "NB-0001": ("nb:hq/device/edge-1", "JN1234", "MX480", True, "in_use"),
        "JN 5678": ("nb:hq/device/edge-2", "JN 5678", "MX480", True, "in_use"),
    }
    assert client.get("/api/v1/cis/nb:hq/device/edge-3").status_code == 200


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="../shared/data is absent")
def test_netbox_demo_has_no_serials_or_tags_so_no_assets():
    from graphledger.imports import netbox

    objects = netbox.read_path(SHARED_DATA / "netbox-demo" / "netbox-demo-v3.6.json.gz")
    batch = netbox.transform(objects)

    assert sum(1 for c in batch.cis if c.ref.startswith("dcim.device ")) == 72
    assert batch.assets == []
