"""Hostile input: bad JSON, mass assignment, huge bodies, unbounded caps, floods."""

import pytest

from graphledger.auth import ratelimit

pytestmark = pytest.mark.stores


def is_problem(response):
    return response.headers["content-type"].startswith("application/problem+json")


def test_bad_json_is_422_problem(client):
    response = client.post(
        "/api/v1/cis",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 422 and is_problem(response)


@pytest.mark.parametrize("field", ["version", "created_at", "updated_at", "created_by"])
def test_read_only_fields_in_a_write_are_422(client, field):
    response = client.post(
        "/api/v1/cis",
        json={
            "key": "m",
            "class": "Application",
            "name": "m",
            field: "2020-01-01T00:00:00Z",
        },
    )

    assert response.status_code == 422
    assert any(e["field"] == field for e in response.json()["errors"])


def test_huge_body_is_413_before_it_is_read(client):
    body = b'{"key": "' + b"a" * (3 * 1024 * 1024) + b'"}'
    response = client.post(
        "/api/v1/cis", content=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413 and is_problem(response)


def test_caps_are_enforced(client):
    client.ci("a")

    listed = client.get("/api/v1/cis", params={"limit": 1_000_000})
    deep = client.post("/api/v1/impact", json={"keys": ["a"], "max_depth": 100_000})

    assert listed.status_code == 200
    assert deep.status_code == 200 and deep.json()["max_depth"] == 50


def test_flood_from_one_token_gets_429_with_retry_after(client, monkeypatch):
    monkeypatch.setattr(
        ratelimit, "_limiter", ratelimit.RateLimiter(per_second=5, burst=10)
    )
    viewer = client.as_role("viewer")
    statuses = [client.get("/api/v1/cis?limit=1", headers=viewer) for _ in range(30)]
    refused = [r for r in statuses if r.status_code == 429]

    assert refused and statuses[0].status_code == 200
    assert int(refused[0].headers["Retry-After"]) >= 1 and is_problem(refused[0])
    assert (
        client.get("/api/v1/cis?limit=1").status_code == 200
    )  # other tokens unaffected


def test_nul_characters_are_422_and_nothing_is_stored(client):
    body = client.post(
        "/api/v1/vendors",
        content=b'{"name": "a\\u0000b"}',
        headers={"Content-Type": "application/json"},
    )
    query = client.get("/api/v1/cis", params={"q": "a\x00b"})

    assert body.status_code == 422 and is_problem(body)
    assert query.status_code == 422
    assert client.get("/api/v1/vendors").json()["items"] == []
