"""A PostgreSQL outage under load: quick 503 problem JSON, no hang, recovery without a restart,
nothing accepted lost."""

import os
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from graphledger.settings import get_settings

pytestmark = pytest.mark.stores
ROOT = Path(__file__).resolve().parents[2]
PG_DATA = ROOT / ".local" / "pg" / "data"


def stores(action: str) -> None:
    port = str(urlparse(get_settings().database_url.replace("+psycopg", "")).port)
    env = dict(os.environ, GL_PG_PORT=port)
    subprocess.run(
        [str(ROOT / "scripts" / "stores.sh"), action, "pg"],
        check=True,
        env=env,
        capture_output=True,
        timeout=300,
    )


@pytest.mark.skipif(
    not (PG_DATA / "PG_VERSION").exists(),
    reason="the test PostgreSQL is not the native one that scripts/stores.sh runs",
)
def test_postgres_outage_answers_503_fast_and_recovers(client):
    accepted = []
    for i in range(10):
        response = client.post(
            "/api/v1/cis",
            json={"key": f"kept-{i}", "class": "Application", "name": f"kept {i}"},
        )
        assert response.status_code == 201
        accepted.append(f"kept-{i}")
    stores("down")
    try:
        during = []
        for i in range(10):
            started = time.monotonic()
            write = client.post(
                "/api/v1/cis",
                json={"key": f"lost-{i}", "class": "Application", "name": "x"},
            )
            read = client.get("/api/v1/cis/kept-1")
            during.append((write, read, time.monotonic() - started))
        ready = client.get("/health/ready")
    finally:
        stores("up")

    for write, read, seconds in during:
        assert write.status_code == 503 and read.status_code == 503
        assert write.headers["content-type"].startswith("application/problem+json")
        assert write.headers["Retry-After"]
        assert seconds < 12  # both calls together: no hang on the missing store
    assert ready.status_code == 503
    assert ready.json()["stores"]["postgres"]["status"] == "down"

    deadline = time.monotonic() + 60
    while (
        time.monotonic() < deadline and client.get("/health/ready").status_code != 200
    ):
        time.sleep(1)
    after = client.post(
        "/api/v1/cis", json={"key": "after", "class": "Application", "name": "a"}
    )
    assert after.status_code == 201
    keys = {
        c["key"]
        for c in client.get("/api/v1/cis", params={"limit": 100}).json()["items"]
    }
    assert set(accepted) | {"after"} == keys
