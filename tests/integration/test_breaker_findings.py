"""Faults an adversarial run found: each is the kind, tested beyond the one input."""

import threading

import pytest

pytestmark = pytest.mark.stores


@pytest.mark.parametrize("field", ["name", "status", "attributes", "class"])
def test_patch_with_null_is_422_and_the_ci_stays_readable(client, field):
    client.ci("c-1", "Server")
    response = client.patch("/api/v1/cis/c-1", json={field: None})

    assert response.status_code == 422
    assert any(e["field"] == field for e in response.json()["errors"])
    assert client.get("/api/v1/cis/c-1").json()["version"] == 1
    assert client.get("/api/v1/cis").status_code == 200


def test_owner_can_still_be_cleared(client):
    client.ci("c-1", "Server", owner="ops")

    assert client.patch("/api/v1/cis/c-1", json={"owner": None}).json()["owner"] is None


@pytest.mark.parametrize(
    "raw", [b'{"x": NaN}', b'{"x": Infinity}', b'{"x": 1e999}', b'{"x": "\\ud800"}']
)
def test_unstorable_attributes_are_422(client, raw):
    client.ci("a")
    client.ci("b")
    ci = client.post(
        "/api/v1/cis",
        content=b'{"key": "n", "class": "Server", "name": "n", '
        b'"attributes": ' + raw + b"}",
        headers={"Content-Type": "application/json"},
    )
    rel = client.post(
        "/api/v1/relationships",
        content=b'{"source": "a", "type": "DEPENDS_ON", '
        b'"target": "b", "attributes": ' + raw + b"}",
        headers={"Content-Type": "application/json"},
    )

    assert ci.status_code == 422
    assert rel.status_code == 422


def test_races_on_one_key_give_one_201_and_409s(client):
    statuses: list[int] = []

    def create(i: int) -> None:
        key = "Race-Key" if i % 2 else "race-key"
        statuses.append(
            client.post(
                "/api/v1/cis", json={"key": key, "class": "Server", "name": "r"}
            ).status_code
        )

    threads = [threading.Thread(target=create, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert statuses.count(201) == 1
    assert set(statuses) <= {201, 409}


def test_delete_racing_relationship_creates_leaves_no_dangling_relationship(client):
    client.ci("victim")
    for i in range(6):
        client.ci(f"src-{i}")
    results: list[int] = []

    def relate(i: int) -> None:
        results.append(
            client.post(
                "/api/v1/relationships",
                json={"source": f"src-{i}", "type": "DEPENDS_ON", "target": "victim"},
            ).status_code
        )

    threads = [threading.Thread(target=relate, args=(i,)) for i in range(6)]
    threads.append(
        threading.Thread(
            target=lambda: results.append(
                client.delete("/api/v1/cis/victim").status_code
            )
        )
    )
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    for i in range(6):
        assert client.get(f"/api/v1/cis/src-{i}/relationships").json()["items"] == []
    assert client.get("/api/v1/reconciliation").json()["drift"] is False


def test_asset_register_import_is_for_money_roles(client):
    body = b"asset_tag,purchase_cost,currency\nA18,5000.00,EUR\n"
    sre = client.post(
        "/api/v1/imports",
        params={"format": "csv-assets", "dry_run": "true"},
        content=body,
        headers=client.as_role("sre"),
    )
    finance = client.post(
        "/api/v1/imports",
        params={"format": "csv-assets", "dry_run": "true"},
        content=body,
        headers=client.as_role("finance"),
    )

    assert sre.status_code == 403
    assert finance.status_code == 200


@pytest.mark.parametrize(
    ("fmt", "raw", "params"),
    [
        ("csv-cis", b"\xff\xfe" + "key,class,name\n".encode("utf-16-le") + b"a", {}),
        ("csv-cis", b"key,class,name\na,Server,b\n", {"encoding": "unicode_escape"}),
        ("kubernetes", b"[" * 5000, {}),
        ("aws", b"[" * 5000, {}),
    ],
)
def test_malformed_files_are_422_not_500(client, fmt, raw, params):
    response = client.post(
        "/api/v1/imports", params={"format": fmt, **params}, content=raw
    )

    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert response.json()["rejected"]


def test_out_of_range_asset_reference_is_not_a_server_error(client):
    response = client.get(
        "/api/v1/assets/99999999999999999999999999", headers=client.as_role("viewer")
    )

    assert response.status_code in (404, 422)
