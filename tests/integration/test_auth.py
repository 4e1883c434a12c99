"""Tokens, roles and the audit log on the real stores."""

import pytest

pytestmark = pytest.mark.stores


def test_no_token_is_401_problem(client):
    response = client.get("/api/v1/cis", headers={"Authorization": ""})

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


def test_unknown_token_is_401(client):
    response = client.get("/api/v1/cis", headers={"Authorization": "Bearer nope"})

    assert response.status_code == 401


def test_viewer_reads_but_cannot_write_403(client):
    viewer = client.as_role("viewer")

    assert client.get("/api/v1/cis", headers=viewer).status_code == 200
    response = client.post(
        "/api/v1/cis", json={"key": "x", "class": "Server", "name": "x"}, headers=viewer
    )
    assert response.status_code == 403
    assert response.json()["type"].endswith("forbidden")
    assert client.get("/api/v1/cis/x").status_code == 404


def test_only_admin_makes_tokens(client):
    sre = client.as_role("sre")
    response = client.post(
        "/api/v1/tokens", json={"name": "n", "role": "admin"}, headers=sre
    )

    assert response.status_code == 403


def test_tokens_are_stored_hashed(client):
    from sqlalchemy import select

    from graphledger.db import get_sessionmaker
    from graphledger.models import ApiToken

    token = client.as_role("viewer")["Authorization"].split()[1]
    with get_sessionmaker()() as session:
        hashes = session.execute(select(ApiToken.token_hash)).scalars().all()

    assert token not in hashes and len(hashes) == 1 and len(hashes[0]) == 64


def test_revoked_token_is_401(client):
    response = client.post("/api/v1/tokens", json={"name": "r", "role": "viewer"})
    token, token_id = response.json()["token"], response.json()["id"]

    assert client.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert (
        client.get(
            "/api/v1/cis", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 401
    )


def test_writes_and_denials_are_audited(client):
    viewer = client.as_role("viewer")
    client.ci("a")
    client.post(
        "/api/v1/cis", json={"key": "b", "class": "Server", "name": "b"}, headers=viewer
    )
    client.get("/api/v1/cis", headers={"Authorization": "Bearer wrong"})

    entries = client.get("/api/v1/audit").json()["items"]
    seen = {(e["method"], e["path"], e["status"], e["outcome"]) for e in entries}
    assert ("POST", "/api/v1/cis", 201, "ok") in seen
    assert ("POST", "/api/v1/cis", 403, "denied") in seen
    assert ("GET", "/api/v1/cis", 401, "denied") in seen
    assert ("POST", "/api/v1/tokens", 201, "ok") in seen


def test_questions_asked_by_post_are_no_writes_but_their_denials_are_audited(client):
    client.ci("q")
    before = len(client.get("/api/v1/audit").json()["items"])

    assert client.post("/api/v1/impact", json={"keys": ["q"]}).status_code == 200
    assert (
        client.post("/api/v1/changes/assess", json={"keys": ["q"]}).status_code == 200
    )
    assert len(client.get("/api/v1/audit").json()["items"]) == before
    denied = client.post(
        "/api/v1/impact",
        json={"keys": ["q"]},
        headers={"Authorization": "Bearer wrong"},
    )

    assert denied.status_code == 401
    entries = client.get("/api/v1/audit").json()["items"]
    assert len(entries) == before + 1
    assert (entries[0]["path"], entries[0]["outcome"]) == ("/api/v1/impact", "denied")


def test_audit_entry_carries_the_request_id_the_answer_names(client):
    response = client.post(
        "/api/v1/cis",
        json={"key": "rid", "class": "Server", "name": "rid"},
        headers={"X-Request-Id": "req-from-client"},
    )
    made = client.get("/api/v1/cis/rid")

    assert response.status_code == 201
    assert response.headers["X-Request-Id"] == "req-from-client"
    assert len(made.headers["X-Request-Id"]) == 32
    entries = client.get("/api/v1/audit").json()["items"]
    assert [e["path"] for e in entries if e["request_id"] == "req-from-client"] == [
        "/api/v1/cis"
    ]


def test_token_revoked_after_use_is_401_at_once(client):
    response = client.post("/api/v1/tokens", json={"name": "used", "role": "viewer"})
    token, token_id = response.json()["token"], response.json()["id"]
    headers = {"Authorization": f"Bearer {token}"}

    assert client.get("/api/v1/cis", headers=headers).status_code == 200
    assert client.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert client.get("/api/v1/cis", headers=headers).status_code == 401
