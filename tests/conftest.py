"""Shared fixtures. Store tests run against the real PostgreSQL and Neo4j that `make test` starts
(a test database and a test Neo4j instance of their own); each test starts from empty stores."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("GRAPHLEDGER_ENV", "test")
os.environ.setdefault(
    "GRAPHLEDGER_DATABASE_URL",
    "postgresql+psycopg://graphledger:graphledger@127.0.0.1:55432/graphledger_test",
)
os.environ.setdefault("GRAPHLEDGER_NEO4J_URI", "bolt://127.0.0.1:57688")
os.environ["GRAPHLEDGER_ADMIN_TOKEN"] = "test-admin-token-0123456789abcdef"
os.environ.setdefault("GRAPHLEDGER_OUTBOX_POLL_S", "0.2")
# Tests fire requests far faster than people do; the rate limit has its own tests.
os.environ.setdefault("GRAPHLEDGER_RATE_LIMIT_PER_S", "1000000")
os.environ.setdefault("GRAPHLEDGER_RATE_LIMIT_BURST", "1000000")

ADMIN_TOKEN = os.environ["GRAPHLEDGER_ADMIN_TOKEN"]
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TEST_DATA = Path(__file__).resolve().parent / "data"


def wipe() -> None:
    """Empty every ledger table and the whole graph."""
    from sqlalchemy import text

    from graphledger.db import get_engine
    from graphledger.graph.neo4j import get_driver
    from graphledger.models import Base
    from graphledger.outbox.applier import breaker

    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with get_engine().begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    with get_driver().session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()
    breaker.tried(True)


@pytest.fixture
def stores() -> None:
    """Empty ledger tables and an empty graph before the test."""
    wipe()


@pytest.fixture
def client(stores: None) -> Iterator["Api"]:
    """The application in-process, with its outbox drainer, and an admin token."""
    from fastapi.testclient import TestClient

    from graphledger.api.app import create_app

    with TestClient(create_app()) as http:
        yield Api(http)


class Api:
    """Thin helpers over the HTTP client; each asserts only that the setup call succeeded."""

    def __init__(self, http: "object") -> None:
        from fastapi.testclient import TestClient

        assert isinstance(http, TestClient)
        self.http = http
        self.http.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"

    def __getattr__(self, name: str) -> object:
        return getattr(self.http, name)

    def as_role(self, role: str) -> dict[str, str]:
        response = self.http.post(
            "/api/v1/tokens", json={"name": f"t-{role}", "role": role}
        )
        assert response.status_code == 201, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    def ci(
        self, key: str, cls: str = "Application", **fields: object
    ) -> dict[str, object]:
        body = {"key": key, "class": cls, "name": fields.pop("name", key), **fields}
        response = self.http.post("/api/v1/cis", json=body)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    def rel(
        self, source: str, type_: str, target: str, **fields: object
    ) -> dict[str, object]:
        body = {"source": source, "type": type_, "target": target, **fields}
        response = self.http.post("/api/v1/relationships", json=body)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    def impact(self, *keys: str, **options: object) -> dict[str, object]:
        response = self.http.post(
            "/api/v1/impact", json={"keys": list(keys), **options}
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]
