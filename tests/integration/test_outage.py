"""Writes survive a real Neo4j outage: kept in PostgreSQL, answered 202, drained on return."""

import os
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from graphledger.graph.neo4j import get_driver
from graphledger.settings import get_settings

pytestmark = pytest.mark.stores
ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / ".local" / "neo4j-test"


def stores(action: str) -> None:
    port = str(urlparse(get_settings().neo4j_uri).port)
    env = dict(os.environ, GL_NEO4J_TEST_PORT=port)
    subprocess.run(
        [str(ROOT / "scripts" / "stores.sh"), action, "neo4j-test"],
        check=True,
        env=env,
        capture_output=True,
        timeout=300,
    )


@pytest.mark.skipif(
    not (STATE / "neo4j.pid").exists(),
    reason="the test Neo4j is not the native one that scripts/stores.sh manages",
)
def test_stream_of_writes_survives_neo4j_restart(client):
    statuses: list[int] = []
    for i in range(20):
        statuses.append(
            client.post(
                "/api/v1/cis",
                json={
                    "key": f"before-{i}",
                    "class": "Application",
                    "name": f"before {i}",
                },
            ).status_code
        )
    stores("down")
    try:
        started = time.monotonic()
        for i in range(40):
            response = client.post(
                "/api/v1/cis",
                json={
                    "key": f"during-{i}",
                    "class": "Application",
                    "name": f"during {i}",
                },
            )
            statuses.append(response.status_code)
        link = client.post(
            "/api/v1/relationships",
            json={"source": "during-1", "type": "DEPENDS_ON", "target": "before-1"},
        )
        outage_writes_s = time.monotonic() - started
        ready = client.get("/health/ready")
        impact = client.post("/api/v1/impact", json={"keys": ["before-1"]})
        read = client.get("/api/v1/cis/during-3")
    finally:
        stores("up")

    assert statuses[:20] == [201] * 20
    assert statuses[20:] == [202] * 40
    assert link.status_code == 202 and link.json()["applied"] is False
    assert outage_writes_s < 20  # a write does not hang on the missing store
    assert ready.status_code == 503
    body = ready.json()
    assert body["stores"]["neo4j"]["status"] == "down"
    assert body["outbox"]["pending"] == 41
    assert impact.status_code == 503
    assert impact.headers["content-type"].startswith("application/problem+json")
    assert read.status_code == 200  # CI documents are read from PostgreSQL

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        ready = client.get("/health/ready")
        if ready.status_code == 200 and ready.json()["outbox"]["pending"] == 0:
            break
        time.sleep(1)
    assert ready.status_code == 200, ready.text
    assert ready.json()["outbox"] == {
        "pending": 0,
        "failed": 0,
        "oldest_pending_age_s": 0.0,
    }
    with get_driver().session() as session:
        count = session.run("MATCH (c:CI) RETURN count(c) AS n").single()["n"]
    assert count == 60
    assert [i["key"] for i in client.impact("before-1")["impacted"]] == ["during-1"]
    assert client.get("/api/v1/reconciliation").json()["drift"] is False


@pytest.mark.skipif(
    not (STATE / "neo4j.pid").exists(),
    reason="the test Neo4j is not the native one that scripts/stores.sh manages",
)
def test_frozen_neo4j_gives_503_soon_not_a_hang(client):
    import signal

    client.ci("frozen-a")
    pid = int((STATE / "neo4j.pid").read_text())
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        impact = client.post("/api/v1/impact", json={"keys": ["frozen-a"]})
        impact_s = time.monotonic() - started
        started = time.monotonic()
        write = client.post(
            "/api/v1/cis", json={"key": "frozen-b", "class": "Server", "name": "b"}
        )
        write_s = time.monotonic() - started
    finally:
        os.kill(pid, signal.SIGCONT)

    assert impact.status_code == 503 and impact_s < 20
    assert write.status_code == 202 and write_s < 20
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if client.get("/health/ready").json().get("outbox", {}).get("pending") == 0:
            break
        time.sleep(1)
    assert [i["key"] for i in client.impact("frozen-a")["impacted"]] == []
    assert client.get("/api/v1/reconciliation").json()["drift"] is False
