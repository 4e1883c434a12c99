"""Field cases C01, C03, C04, C05, C16 and the hard cases of our own fixtures, through the API."""

import json

import pytest
from sqlalchemy import text

from tests.conftest import TEST_DATA

pytestmark = pytest.mark.stores
DATA = TEST_DATA / "imports"


def post(client, fmt, body, **params):
    response = client.post(
        "/api/v1/imports", params={"format": fmt, **params}, content=body
    )
    assert response.status_code == 200, response.text
    return response.json()


def counts(report):
    return (
        report["created"],
        report["updated"],
        report["unchanged"],
        len(report["rejected"]),
    )


def test_c01_case_variant_key_updates_the_same_ci(client):
    post(client, "csv-cis", b"key,class,name\nSRV-APP-01,Server,App 01\n")
    etag_before = client.get("/api/v1/cis/SRV-APP-01").headers["etag"]
    second = post(
        client, "csv-cis", b"key,class,name\nsrv-app-01,Server,App 01 (prod)\n"
    )
    lower = client.get("/api/v1/cis/srv-app-01")
    upper = client.get("/api/v1/cis/SRV-APP-01")
    duplicate = client.post(
        "/api/v1/cis", json={"key": "Srv-App-01", "class": "Server", "name": "x"}
    )

    assert counts(second) == (0, 1, 0, 0)
    assert (
        lower.json()["key"] == "SRV-APP-01" and lower.json()["name"] == "App 01 (prod)"
    )
    assert lower.headers["etag"] == upper.headers["etag"] != etag_before
    assert duplicate.status_code == 409
    assert client.get("/api/v1/cis").json()["items"].__len__() == 1


def test_c03_bom_crlf_and_latin1_import_clean(client):
    bom = post(client, "csv-cis", (DATA / "cis-bom.csv").read_bytes())
    latin1 = post(client, "csv-cis", (DATA / "cis-latin1.csv").read_bytes())
    again = post(client, "csv-cis", (DATA / "cis-bom.csv").read_bytes())
    items = client.get("/api/v1/cis").json()["items"]

    assert counts(bom)[0::3] == (2, 0) and counts(latin1)[0::3] == (2, 0)
    assert counts(again) == (0, 0, 2, 0)
    assert [i["key"] for i in items] == [f"sw-core-0{n}" for n in range(1, 5)]
    assert {i["attributes"]["location"] for i in items} == {"Z\u00fcrich"}


def test_c04_bad_rows_are_named_and_the_rest_applied_once(client):
    for key in ("web-01", "web-02", "web-03", "web-04", "db-01"):
        client.ci(key)
    client.ci("cache-eu", name="cache")
    client.ci("cache-us", name="cache")
    rels = (
        b"source_key,type,target_key,target_name\n"
        b"web-01,DEPENDS_ON,db-01,\nweb-02,DEPENDS_ON,db-01,\n"
        b"web-03,DEPENDS_ON,db-99,\nweb-04,DEPENDS_ON,db-01,\nweb-04,DEPENDS_ON,,cache\n"
    )

    dry = post(client, "csv-relationships", rels, dry_run="true")
    first = post(client, "csv-relationships", rels)
    second = post(client, "csv-relationships", rels)
    client.ci("db-99")
    third = post(client, "csv-relationships", rels)

    assert counts(dry) == counts(first) == (3, 0, 0, 2)
    by_line = {r["ref"]: r for r in first["rejected"]}
    assert (
        by_line["line 4"]["field"] == "target_key"
        and "db-99" in by_line["line 4"]["reason"]
    )
    assert by_line["line 6"]["field"] == "target_name"
    assert (
        "cache-eu" in by_line["line 6"]["reason"]
        and "cache-us" in by_line["line 6"]["reason"]
    )
    assert counts(second) == (0, 0, 3, 2)
    assert counts(third) == (1, 0, 3, 1)
    web04 = client.get("/api/v1/cis/web-04/relationships").json()["items"]
    assert {r["target"] for r in web04} == {"db-01"}


SHOP = b"""# Source: shop/templates/svc.yaml
---
---
apiVersion: v1
kind: Service
metadata: {name: checkout, namespace: shop}
spec:
  selector: {app: checkout}
  ports: [{port: 80, targetPort: 8080}]
---
# Source: shop/templates/unused.yaml
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: checkout, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec: {containers: [{name: app, image: "shop/checkout:1.4.2"}]}
---
"""
BAD = b"""apiVersion: v1
kind: ConfigMap
metadata: {name: checkout-cfg, namespace: shop}
---
metadata: {name: orphan}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: checkout, namespace: shop}
"""


def test_c05_empty_documents_are_skipped_and_a_kindless_one_rejected(client):
    first = post(client, "kubernetes", SHOP)
    second = post(client, "kubernetes", SHOP)
    bad = post(client, "kubernetes", BAD, dry_run="true")

    assert counts(first) == (2, 0, 0, 0) and first["relationships"]["created"] == 1
    assert counts(second) == (0, 0, 2, 0) and second["relationships"]["unchanged"] == 1
    assert bad["created"] == 2 and len(bad["rejected"]) == 1
    assert (
        bad["rejected"][0]["ref"].endswith("#doc2")
        and bad["rejected"][0]["field"] == "kind"
    )


def snapshot(account, when, items):
    return json.dumps(
        {
            "configurationItems": [
                {
                    "resourceType": type_,
                    "resourceId": rid,
                    "awsAccountId": account,
                    "awsRegion": "eu-west-1",
                    "configurationItemCaptureTime": when,
                    "configurationItemStatus": status,
                    "relationships": rels,
                }
                for type_, rid, status, rels in items
            ]
        }
    ).encode()


SG_REL = [
    {
        "resourceType": "AWS::EC2::SecurityGroup",
        "resourceId": "sg-0a9",
        "relationshipName": "Is associated with SecurityGroup",
    }
]
INSTANCE, SG = "AWS::EC2::Instance", "AWS::EC2::SecurityGroup"
A1 = snapshot(
    "111111111111",
    "2024-05-01T00:00:00Z",
    [
        (INSTANCE, "i-0a1", "OK", SG_REL),
        (INSTANCE, "i-0a2", "OK", []),
        (SG, "sg-0a9", "OK", []),
    ],
)
B1 = snapshot("222222222222", "2024-05-01T00:00:00Z", [(INSTANCE, "i-0b1", "OK", [])])
A2 = snapshot(
    "111111111111",
    "2024-05-02T00:00:00Z",
    [
        (INSTANCE, "i-0a1", "OK", SG_REL),
        (SG, "sg-0a9", "OK", []),
        (INSTANCE, "i-0a2", "ResourceDeleted", []),
        (INSTANCE, "i-0zz", "ResourceDeleted", []),
    ],
)
A3 = snapshot(
    "111111111111",
    "2024-05-03T00:00:00Z",
    [(INSTANCE, "i-0a1", "OK", SG_REL), (SG, "sg-0a9", "OK", [])],
)


def arn(account, kind, rid):
    return f"arn:aws:ec2:eu-west-1:{account}:{kind}/{rid}"


def test_c16_stale_clean_up_stays_in_its_scope(client):
    i_0a1, i_0a2 = (
        arn("111111111111", "instance", "i-0a1"),
        arn("111111111111", "instance", "i-0a2"),
    )
    i_0b1 = arn("222222222222", "instance", "i-0b1")
    post(client, "aws", A1)
    post(client, "aws", B1)
    client.ci("svc-billing", "Service")
    client.rel("svc-billing", "DEPENDS_ON", i_0a1)
    etag_b = client.get(f"/api/v1/cis/{i_0b1}").headers["etag"]

    a2 = post(client, "aws", A2)
    a2_again = post(client, "aws", A2)
    cut = client.post(
        "/api/v1/imports", params={"format": "aws"}, content=A3[: len(A3) // 2]
    )
    gone = client.get(f"/api/v1/cis/{i_0a2}").json()
    a3 = post(client, "aws", A3)
    retire = post(client, "aws", A3, retire_stale="true")

    assert (a2["created"], a2["unchanged"], a2["stale"]) == (0, 2, [i_0a2])
    assert gone["last_seen_at"].startswith("2024-05-01T00:00:00")
    assert "_stale" in gone["attributes"]
    assert client.get("/api/v1/cis/i-0zz").status_code == 404
    assert (a2_again["unchanged"], a2_again["stale"], a2_again["updated"]) == (2, [], 0)
    assert cut.status_code == 422 and cut.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert a3["stale"] == [] and retire["retired"] == [i_0a2]
    assert client.get(f"/api/v1/cis/{i_0a2}").json()["status"] == "retired"
    assert client.get(f"/api/v1/cis/{i_0b1}").headers["etag"] == etag_b
    assert client.get("/api/v1/cis/svc-billing").json()["status"] == "operational"
    rels = client.get(f"/api/v1/cis/{i_0a1}/relationships").json()["items"]
    assert {(r["source"], r["target"]) for r in rels} >= {
        ("svc-billing", i_0a1),
        (i_0a1, arn("111111111111", "security-group", "sg-0a9")),
    }


def test_hard_cases_hostname_case_serial_spaces_duplicate_and_missing_fields(client):
    report = post(client, "csv-cis", (DATA / "hard-cases.csv").read_bytes())
    rejected = {r["ref"]: r for r in report["rejected"]}

    # srv-b is srv-a under another hostname case and serial spelling: matched, not duplicated
    assert (report["created"], report["updated"]) == (2, 1)
    assert client.get("/api/v1/cis/srv-b").status_code == 404
    assert client.get("/api/v1/cis/srv-a").json()["name"] == "Server A again"
    assert "line 4" in rejected["line 5"]["reason"]
    assert (
        rejected["line 6"]["field"] == "key" and rejected["line 7"]["field"] == "class"
    )


def test_ambiguous_identifier_is_rejected_naming_both(client):
    client.ci("host-1", "Server", attributes={"serial": "S1"})
    client.ci("host-2", "Server", attributes={"hostname": "db.example.com"})
    report = post(
        client,
        "csv-cis",
        b"key,class,name,serial,hostname\nnew,Server,N,s1,DB.example.com\n",
    )

    assert report["created"] == 0 and "host-1" in report["rejected"][0]["reason"]
    assert "host-2" in report["rejected"][0]["reason"]


def test_manual_edit_is_not_overwritten_by_an_import(client):
    post(client, "csv-cis", b"key,class,name,location\nsw-9,Network,Switch 9,Basel\n")
    client.patch("/api/v1/cis/sw-9", json={"attributes": {"location": "Bern"}})
    report = post(
        client, "csv-cis", b"key,class,name,location\nsw-9,Network,Switch 9,Basel\n"
    )

    assert report["updated"] == 0 and report["kept"][0]["fields"] == [
        "attributes.location"
    ]
    assert client.get("/api/v1/cis/sw-9").json()["attributes"]["location"] == "Bern"


def test_dry_run_writes_nothing(client, stores):
    from graphledger.db import get_engine

    post(client, "aws", A1, dry_run="true")

    with get_engine().connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ci_heads")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM ci_observations")).scalar() == 0


def test_an_item_matching_one_written_earlier_in_the_same_chunk_updates_it(client):
    body = b"key,class,name,serial\nsrv-a,Server,A,SN 77\nsrv-b,Server,B,sn77\n"

    report = post(client, "csv-cis", body)
    items = client.get("/api/v1/cis").json()["items"]

    assert counts(report) == (1, 1, 0, 0)
    assert [(i["key"], i["name"]) for i in items] == [("srv-a", "B")]
