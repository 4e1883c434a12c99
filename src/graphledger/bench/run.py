"""`make bench`: load a generated estate through the product, then measure it side by side.

Runs against the stores named by GRAPHLEDGER_* (the Makefile points them at the bench database
and the bench Neo4j) and empties them first. The API it measures is a real uvicorn on loopback.
"""

import gc
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select, text

from graphledger.bench import report
from graphledger.bench.engines import MemoryBFS, cte_reach, fill_edges, impact_edges
from graphledger.bench.estate import COST_MONTHS, Estate, generate
from graphledger.bench.measure import Results, concurrent_gets, timed_calls
from graphledger.db import get_engine, get_sessionmaker
from graphledger.graph import neo4j
from graphledger.impact.schemas import ImpactRequest
from graphledger.impact.service import impact, walk_impact
from graphledger.imports.load import load
from graphledger.imports.model import Batch, CIItem
from graphledger.ledger.periods import parse_month
from graphledger.logs import configure, get_logger
from graphledger.models import Asset, Base, CostEntry, OutboxEntry
from graphledger.outbox.applier import drain
from graphledger.rootcause import service as rootcause
from graphledger.servicecost.service import service_cost
from graphledger.settings import get_settings

log = get_logger(__name__)
ROOT = Path(__file__).resolve().parents[3]
ENGINES = ("graphledger_http", "graphledger_query", "postgres_cte", "memory_bfs")
AGREEMENT_STARTS = 1000
WARMUP_STARTS = 300
HUB_PAGE = (
    1000  # hub answers are paged: the first 1,000 of over 10,000 CIs, with the total
)


def say(message: str) -> None:
    sys.stderr.write(f"[bench] {message}\n")
    sys.stderr.flush()


def wipe() -> None:
    """Empty the bench database's ledger tables and the bench graph."""
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with get_engine().begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    with neo4j.get_driver().session() as session:
        session.run(
            "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()


def load_estate(estate: Estate, results: Results) -> None:
    """CIs and relationships, then assets, through the import path; costs in bulk."""
    batch = estate.batch()
    topology = Batch(cis=batch.cis, relationships=batch.relationships)
    started = time.monotonic()
    outcome = load(topology, fmt="bench", actor="bench", dry_run=False)
    seconds = time.monotonic() - started
    items = len(topology.cis) + len(topology.relationships)
    rejected = len(outcome.rejected)
    say(
        f"import: {items} CIs and relationships in {seconds:.1f} s, {rejected} rejected"
    )
    results.other(
        "import_topology",
        engine="graphledger_import",
        items=items,
        cis=len(topology.cis),
        relationships=len(topology.relationships),
        seconds=round(seconds, 3),
        items_per_s=round(items / seconds, 1),
        rejected=rejected,
        applied_to_graph=outcome.applied_to_graph,
    )
    started = time.monotonic()
    assets = load(Batch(assets=batch.assets), fmt="bench", actor="bench", dry_run=False)
    seconds = time.monotonic() - started
    results.other(
        "import_assets",
        engine="graphledger_import",
        items=len(batch.assets),
        seconds=round(seconds, 3),
        items_per_s=round(len(batch.assets) / seconds, 1) if seconds else None,
        rejected=len(assets.rejected),
    )
    with get_sessionmaker()() as session:
        ids = dict(session.execute(select(Asset.asset_tag, Asset.id)).tuples().all())
        rows = [
            {
                "asset_id": ids[tag],
                "amount": amount,
                "currency": "EUR",
                "period": parse_month(month),
                "category": "support",
            }
            for tag, month, amount in estate.costs
        ]
        session.execute(insert(CostEntry), rows)
        session.commit()


class Api:
    """A real uvicorn serving the product on loopback, for the HTTP measures."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.token = secrets.token_hex(24)
        env = {
            **os.environ,
            "GRAPHLEDGER_ADMIN_TOKEN": self.token,
            "GRAPHLEDGER_RATE_LIMIT_PER_S": "1000000",
            "GRAPHLEDGER_RATE_LIMIT_BURST": "1000000",
        }
        self.log = open(ROOT / ".local" / "bench-api.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "graphledger.cli", "serve", "--port", str(port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=120,
        )
        for _ in range(120):
            if self.process.poll() is not None:
                # Most often the port was taken: whatever answers there is not what we measure.
                raise RuntimeError(
                    f"the bench API exited ({self.process.returncode}); is port {port} free?"
                )
            try:
                if self.http.get("/health/live").status_code == 200:
                    time.sleep(1)
                    if self.process.poll() is None:
                        return
                    continue
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        raise RuntimeError("the bench API did not start")

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
        return -1.0

    def stop(self) -> None:
        self.http.close()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def checked(response: httpx.Response) -> httpx.Response:
    if response.status_code != 200:
        raise RuntimeError(
            f"{response.request.url}: {response.status_code} {response.text[:300]}"
        )
    return response


def compare_impact(
    results: Results,
    api: Api,
    starts: list[str],
    depth: int,
    measure: str,
    index: dict[str, int],
    bfs: MemoryBFS,
    warmup: list[str],
    agreement: bool = False,
    page_size: int | None = None,
) -> None:
    """One measure across the four engines; optionally check the reach sets agree.

    With `page_size` Graphledger answers the first page of that many CIs (the walk and the states
    still cover everything reached, and the answer carries the total)."""
    big = get_settings().impact_max_results
    connection = get_engine().connect()
    request = {"max_depth": depth, "max_results": big, "page_size": page_size}

    def over_http(key: str) -> None:
        checked(api.http.post("/api/v1/impact", json={"keys": [key], **request}))

    def in_query(key: str) -> None:
        impact(ImpactRequest.model_validate({"keys": [key], **request}))

    def in_cte(key: str) -> None:
        cte_reach(connection, index[key], depth)

    def in_memory(key: str) -> None:
        bfs.reach(index[key], depth)

    calls: dict[str, Callable[[str], None]] = {
        "graphledger_http": over_http,
        "graphledger_query": in_query,
        "postgres_cte": in_cte,
        "memory_bfs": in_memory,
    }
    sizes = [len(bfs.reach(index[k], depth)) for k in starts]
    for engine, call in calls.items():
        # Every engine gets the same warm-up on other starts: pools, caches and, for the JVM and
        # the planners, compiled code, so what is timed is the steady state a server runs in.
        timed_calls(call, warmup, budget_s=15)
        millis = timed_calls(call, starts, budget_s=240)
        record = results.latency(
            measure,
            engine,
            millis,
            reached_p50=sorted(sizes)[len(sizes) // 2],
            reached_max=max(sizes),
            max_results=big if engine.startswith("graphledger") else None,
            page_size=page_size if engine.startswith("graphledger") else None,
        )
        say(f"{measure} {engine}: p50 {record['p50_ms']} p95 {record['p95_ms']} ms")
    if agreement:
        mismatches = []
        for key in starts:
            walk = walk_impact([key], max_depth=depth, max_results=big)[1]
            product = {index[k] for k in walk.reached}
            in_pg = cte_reach(connection, index[key], depth)
            in_mem = set(bfs.reach(index[key], depth).tolist())
            if not product == in_pg == in_mem:
                mismatches.append(key)
        results.other(
            "reach_agreement",
            starts=len(starts),
            mismatches=len(mismatches),
            depth=depth,
            engines=list(ENGINES),
            first_mismatches=mismatches[:5],
        )
        say(f"reach agreement: {len(starts)} starts, {len(mismatches)} mismatches")
    connection.close()


def measure_services(results: Results, api: Api, services: list[str]) -> None:
    """Root causes and service cost for random services, over HTTP and in the query layer."""
    month = COST_MONTHS[1]

    def root_causes_query(key: str) -> None:
        now = rootcause.utcnow()
        up = rootcause.find_single_points(rootcause.walk_upstream(key))
        with get_sessionmaker()() as session:
            changes = rootcause.recent_changes(
                session, up.walk.order, rootcause.default_since(now)
            )
        rootcause.rank(up, changes, since=rootcause.default_since(now), now=now)

    def cost_query(key: str) -> None:
        with get_sessionmaker()() as session:
            service_cost(session, key, month)

    calls: list[tuple[str, str, Callable[[str], Any]]] = [
        (
            "root_causes",
            "graphledger_http",
            lambda k: checked(api.http.get(f"/api/v1/cis/{k}/root-causes")),
        ),
        ("root_causes", "graphledger_query", root_causes_query),
        (
            "service_cost",
            "graphledger_http",
            lambda k: checked(api.http.get(f"/api/v1/services/{k}/cost?month={month}")),
        ),
        ("service_cost", "graphledger_query", cost_query),
    ]
    for measure, engine, call in calls:
        timed_calls(call, services[:3], budget_s=10)
        millis = timed_calls(call, services, budget_s=45)
        record = results.latency(measure, engine, millis)
        say(f"{measure} {engine}: p50 {record['p50_ms']} p95 {record['p95_ms']} ms")


def measure_reads(results: Results, api: Api, keys: list[str], seconds: float) -> None:
    """GET /api/v1/cis/{key} from 64 keep-alive clients on loopback."""
    paths = [f"/api/v1/cis/{k}" for k in keys]
    concurrent_gets("127.0.0.1", api.port, paths, api.token, clients=64, seconds=3)
    millis, errors, elapsed = concurrent_gets(
        "127.0.0.1", api.port, paths, api.token, clients=64, seconds=seconds
    )
    record = results.latency(
        "ci_read_64_clients",
        "graphledger_http",
        millis,
        requests_per_s=round(len(millis) / elapsed, 1),
        errors=errors,
        clients=64,
        workers=1,
    )
    say(f"reads: {record['requests_per_s']} /s, p95 {record['p95_ms']} ms")


def stores(action: str) -> None:
    subprocess.run(
        [str(ROOT / "scripts" / "stores.sh"), action, "neo4j-bench"], check=True
    )


def measure_drain(results: Results, estate: Estate, count: int) -> None:
    """Queue `count` CI updates while the bench Neo4j is stopped, restart it, time the drain."""
    say("stopping the bench Neo4j to queue writes")
    neo4j.close_driver()
    stores("down")
    rng = random.Random(11)
    chosen = rng.sample(estate.cis, min(count, len(estate.cis)))
    batch = Batch(
        cis=[
            CIItem(key=k, class_=c, name=k, attributes={**a, "patched": "2026-03"})
            for k, c, a in chosen
        ]
    )
    started = time.monotonic()
    load(batch, fmt="bench", actor="bench", dry_run=False)
    queued_s = time.monotonic() - started
    with get_sessionmaker()() as session:
        pending = session.execute(
            select(OutboxEntry.id).where(OutboxEntry.status == "pending")
        ).all()
    say(f"queued {len(pending)} outbox entries in {queued_s:.1f} s; starting Neo4j")
    stores("up")
    neo4j.close_driver()
    time.sleep(get_settings().outbox_retry_after_failure_s)
    started = time.monotonic()
    applied = 0
    while True:
        outcome = drain()
        applied += outcome.applied
        if outcome.applied == 0 and not outcome.neo4j_down:
            break
        if outcome.neo4j_down:
            time.sleep(0.2)
    seconds = time.monotonic() - started
    results.other(
        "outbox_drain",
        engine="graphledger_outbox",
        queued=len(pending),
        applied=applied,
        seconds=round(seconds, 3),
        writes_per_s=round(applied / seconds, 1) if seconds else None,
        batch=get_settings().outbox_batch,
    )
    say(f"drained {applied} in {seconds:.1f} s")


def main(
    scale: int, port: int, results_path: Path, report_path: Path, seed: int
) -> None:
    configure(json=False, level="WARNING")
    results = Results(scale=scale)
    started_at = datetime.now(UTC)
    say(f"generating an estate of {scale} CIs (seed {seed})")
    estate = generate(scale, seed)
    say("emptying the bench stores")
    wipe()
    load_estate(estate, results)

    index = {key.lower(): i for i, (key, _, _) in enumerate(estate.cis)}
    edges = impact_edges(estate.relationships, index)
    bfs = MemoryBFS(len(estate.cis), edges)
    with get_engine().begin() as connection:
        fill_edges(connection, edges)
    # The harness holds the whole estate (millions of objects); frozen, Python's cycle collector
    # stops scanning it on every collection the query layer's own allocations trigger, which put
    # several milliseconds of the harness's cost into the product's percentiles.
    gc.collect()
    gc.freeze()

    rng = random.Random(seed + 1)
    keys = [key for key, _, _ in estate.cis]
    random_starts = [rng.choice(keys) for _ in range(AGREEMENT_STARTS)]
    warm = random.Random(
        seed + 2
    )  # its own stream, so the timed samples stay what they were
    warmup = [warm.choice(keys) for _ in range(WARMUP_STARTS)]
    hub_starts = [
        estate.hubs[i % len(estate.hubs)] for i in range(3 * len(estate.hubs))
    ]
    services = [rng.choice(estate.services) for _ in range(100)]
    api = Api(port)
    try:
        compare_impact(
            results,
            api,
            random_starts,
            6,
            "impact_d6_random",
            index,
            bfs,
            warmup,
            agreement=True,
        )
        compare_impact(
            results,
            api,
            random_starts[:300],
            3,
            "impact_d3_random",
            index,
            bfs,
            warmup,
        )
        for depth in (6, 3):
            compare_impact(
                results,
                api,
                hub_starts,
                depth,
                f"impact_d{depth}_hub",
                index,
                bfs,
                warmup,
                page_size=HUB_PAGE,
            )
        measure_services(results, api, services)
        measure_reads(results, api, [rng.choice(keys) for _ in range(5000)], 15)
        results.other("api_peak_rss", engine="graphledger_http", mb=api.peak_rss_mb())
    finally:
        api.stop()
    measure_drain(results, estate, max(1000, scale // 2))
    report.write(results, results_path, report_path, started_at, estate)
    say(f"wrote {results_path} and {report_path}")
