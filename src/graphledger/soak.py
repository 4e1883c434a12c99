"""A bounded soak run against a running API on loopback: mixed reads, writes and imports from many
clients for a few minutes, reporting errors, latency percentiles and the API's memory over time."""

import json
import random
import statistics
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

FIXTURE = Path(__file__).resolve().parents[2] / "tests" / "data" / "small-app.yaml"


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, op: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies[op].append(seconds * 1000)
            self.statuses[op][status] += 1


def _rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def run(
    *,
    base: str,
    token: str,
    minutes: float,
    clients: int,
    api_pid: int | None,
    max_requests: int = 200_000,
) -> dict[str, Any]:
    """Drive the API; stops after `minutes` or `max_requests`, whichever comes first."""
    run_id = uuid.uuid4().hex[:6]
    keys: list[str] = []
    keys_lock = threading.Lock()
    tally = Tally()
    memory: list[tuple[float, int | None]] = []
    deadline = time.monotonic() + minutes * 60
    sent = [0]
    headers = {"Authorization": f"Bearer {token}"}
    manifest = FIXTURE.read_bytes()

    with httpx.Client(base_url=base, headers=headers, timeout=30) as seed:
        for i in range(50):
            key = f"soak-{run_id}-seed-{i}"
            seed.post(
                "/api/v1/cis", json={"key": key, "class": "Application", "name": key}
            )
            keys.append(key)

    def pick() -> str:
        with keys_lock:
            return random.choice(keys)

    def ops(
        client: httpx.Client, n: int
    ) -> list[tuple[int, str, Callable[[], httpx.Response]]]:
        fresh = f"soak-{run_id}-{threading.get_ident()}-{n}"
        return [
            (40, "read_ci", lambda: client.get(f"/api/v1/cis/{pick()}")),
            (
                15,
                "list_cis",
                lambda: client.get("/api/v1/cis", params={"limit": 50, "q": run_id}),
            ),
            (
                15,
                "impact",
                lambda: client.post(
                    "/api/v1/impact", json={"keys": [pick()], "max_depth": 4}
                ),
            ),
            (
                15,
                "create_ci",
                lambda: client.post(
                    "/api/v1/cis",
                    json={"key": fresh, "class": "Application", "name": fresh},
                ),
            ),
            (
                10,
                "relate",
                lambda: client.post(
                    "/api/v1/relationships",
                    json={"source": pick(), "type": "DEPENDS_ON", "target": pick()},
                ),
            ),
            (
                4,
                "patch_ci",
                lambda: client.patch(
                    f"/api/v1/cis/{pick()}", json={"owner": f"team-{n % 7}"}
                ),
            ),
            (
                1,
                "import",
                lambda: client.post(
                    "/api/v1/imports",
                    content=manifest,
                    params={
                        "format": "kubernetes",
                        "cluster": "soak",
                        "namespace": f"ns-{run_id}",
                    },
                ),
            ),
        ]

    def worker() -> None:
        n = 0
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            while time.monotonic() < deadline:
                with tally.lock:
                    if sent[0] >= max_requests:
                        return
                    sent[0] += 1
                n += 1
                choices = ops(client, n)
                _, op, call = random.choices(
                    choices, weights=[w for w, _, _ in choices]
                )[0]
                started = time.perf_counter()
                try:
                    response = call()
                    status = response.status_code
                    if op == "create_ci" and status in (201, 202):
                        with keys_lock:
                            keys.append(
                                response.json().get("key")
                                or response.json()["resource"]["key"]
                            )
                except httpx.HTTPError as error:
                    status = 0
                    with tally.lock:
                        tally.failures.append(f"{op}: {type(error).__name__}")
                tally.add(op, time.perf_counter() - started, status)

    def sample_memory() -> None:
        started = time.monotonic()
        while time.monotonic() < deadline:
            if api_pid:
                memory.append((round(time.monotonic() - started, 1), _rss_kib(api_pid)))
            time.sleep(5)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    sampler = threading.Thread(target=sample_memory, daemon=True)
    started = time.monotonic()
    sampler.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    report: dict[str, Any] = {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "operations": {},
    }
    total = 0
    for op, values in sorted(tally.latencies.items()):
        statuses = dict(tally.statuses[op])
        total += len(values)
        report["operations"][op] = {
            "count": len(values),
            "server_errors": sum(c for s, c in statuses.items() if s >= 500 or s == 0),
            "statuses": {str(s): c for s, c in sorted(statuses.items())},
            "p50_ms": _percentile(values, 0.50),
            "p95_ms": _percentile(values, 0.95),
            "p99_ms": _percentile(values, 0.99),
            "mean_ms": round(statistics.fmean(values), 2),
        }
    report["requests"] = total
    report["requests_per_s"] = round(total / elapsed, 1) if elapsed else None
    report["server_errors"] = sum(
        o["server_errors"] for o in report["operations"].values()
    )
    report["transport_failures"] = tally.failures[:20]
    report["memory_rss_kib"] = memory
    return report


def render(report: dict[str, Any]) -> str:
    lines = [
        f"{report['requests']} requests from {report['clients']} clients in "
        f"{report['seconds']} s ({report['requests_per_s']}/s), "
        f"server errors {report['server_errors']}",
        f"{'operation':<10} {'count':>7} {'5xx':>5} {'p50':>8} {'p95':>8} {'p99':>8}  statuses",
    ]
    for op, o in report["operations"].items():
        lines.append(
            f"{op:<10} {o['count']:>7} {o['server_errors']:>5} {o['p50_ms']:>8} "
            f"{o['p95_ms']:>8} {o['p99_ms']:>8}  {json.dumps(o['statuses'])}"
        )
    rss = [kib for _, kib in report["memory_rss_kib"] if kib]
    if rss:
        lines.append(
            f"API memory (RSS): start {rss[0] // 1024} MiB, peak {max(rss) // 1024} MiB, "
            f"end {rss[-1] // 1024} MiB over {len(rss)} samples"
        )
    return "\n".join(lines)
