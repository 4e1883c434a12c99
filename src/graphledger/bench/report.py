"""bench/results.json and the BENCHMARKS.md table, both written from one run's records."""

import json
import os
import platform
import subprocess
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlalchemy import text

from graphledger.bench.estate import Estate
from graphledger.bench.measure import Results
from graphledger.db import get_engine
from graphledger.graph import neo4j

TARGETS = [  # (measure, engine, field, limit, what)
    ("impact_d6_random", "graphledger_http", "p95_ms", 50, "p95 <= 50 ms over HTTP"),
    ("impact_d6_random", "graphledger_http", "p99_ms", 150, "p99 <= 150 ms over HTTP"),
    (
        "impact_d6_hub",
        "graphledger_http",
        "p95_ms",
        500,
        "p95 <= 500 ms over HTTP, first page of 1,000",
    ),
    ("service_cost", "graphledger_http", "p95_ms", 100, "p95 <= 100 ms over HTTP"),
    ("ci_read_64_clients", "graphledger_http", "p95_ms", 25, "p95 <= 25 ms"),
]


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model and the versions that shape the figures."""
    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kb = int(line.split()[1])
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    with get_engine().connect() as connection:
        postgres = connection.execute(text("SHOW server_version")).scalar_one()
    neo = neo4j.get_driver().get_server_info()
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": postgres,
        "neo4j": neo.agent,
        "java": java.splitlines()[0] if java else "",
        "neo4j_driver": version("neo4j"),
        "numpy": version("numpy"),
        "scipy": version("scipy"),
        "fastapi": version("fastapi"),
        "uvicorn": version("uvicorn"),
    }


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or not b:
        return "-"
    return f"{a / b:.2f}"


def write(
    results: Results,
    results_path: Path,
    report_path: Path,
    started_at: datetime,
    estate: Estate,
) -> None:
    """Write both files from the records of this run."""
    env = machine()
    results.other("environment", started_at=started_at.isoformat(), **env)
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results.records, indent=2, default=str) + "\n")

    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` from its own run (never by hand); the figures are in "
        "`bench/results.json`.",
        "",
        f"- Date: {started_at:%Y-%m-%d %H:%M} UTC; scale {results.scale} CIs, "
        f"{len(estate.relationships)} relationships, {len(estate.assets)} assets, "
        f"{len(estate.costs)} cost entries (seed {estate.seed})",
        f"- Machine: {env['cores']} cores ({env['cpu']}), {env['memory_gib']} GiB; shared with "
        "other work while measured, so expect noise",
        f"- Versions: {env['neo4j']}, PostgreSQL {env['postgresql']}, Python {env['python']}, "
        f"neo4j driver {env['neo4j_driver']}, FastAPI {env['fastapi']}, uvicorn "
        f"{env['uvicorn']}, numpy {env['numpy']}, scipy {env['scipy']}; {env['java']}",
        "- Engines: `graphledger_http` POST /api/v1/impact on a real uvicorn (one worker) on "
        "loopback; `graphledger_query` the service function in process (one call to the "
        "graphledger.region procedure over Bolt, which also orders the region and gives "
        "distances and parents, then states and the answer); "
        "`postgres_cte` a recursive CTE with UNION (set semantics) over an integer edge table in "
        "the bench database; `memory_bfs` a depth-bounded frontier BFS over a numpy CSR. "
        "Graphledger answers carry distance, state and one shortest path per CI; the baselines "
        "only the set. Hub answers from Graphledger are paged: the first 1,000 CIs and the total. "
        "Each engine is warmed on 300 other random starts before it is timed, and the harness "
        "freezes its own objects out of Python's cycle collector.",
        "",
        "## Latency (ms)",
        "",
        "| measure | engine | count | p50 | p95 | p99 | p95 / CTE | p95 / BFS |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for record in results.records:
        if "p95_ms" not in record:
            continue
        cte = results.find(record["measure"], "postgres_cte")
        bfs = results.find(record["measure"], "memory_bfs")
        lines.append(
            f"| {record['measure']} | {record['engine']} | {record['count']} | "
            f"{record['p50_ms']} | {record['p95_ms']} | {record['p99_ms']} | "
            f"{_ratio(record['p95_ms'], cte['p95_ms'] if cte else None)} | "
            f"{_ratio(record['p95_ms'], bfs['p95_ms'] if bfs else None)} |"
        )
    lines += ["", "## Other measures", ""]
    for record in results.records:
        if "p95_ms" in record or record["measure"] == "environment":
            continue
        fields = ", ".join(
            f"{k} {v}" for k, v in record.items() if k not in ("measure", "scale")
        )
        lines.append(f"- **{record['measure']}**: {fields}")
    lines += [
        "",
        "## Targets (issue 7)",
        "",
        "| target | measured | met |",
        "| --- | --- | --- |",
    ]
    for measure, engine, name, limit, what in TARGETS:
        target_record = results.find(measure, engine)
        value = target_record.get(name) if target_record else None
        met = "yes" if value is not None and value <= limit else "no"
        lines.append(f"| {measure}: {what} | {value} | {met} |")
    checks = [
        (
            "import >= 50,000 CIs and relationships a second",
            "import_topology",
            "items_per_s",
            50_000,
        ),
        ("CI reads >= 1,500 a second", "ci_read_64_clients", "requests_per_s", 1_500),
        (
            "outbox drain >= 5,000 writes a second",
            "outbox_drain",
            "writes_per_s",
            5_000,
        ),
    ]
    for what, measure, name, floor in checks:
        found = [r for r in results.records if r["measure"] == measure]
        value = found[0].get(name) if found else None
        met = "yes" if value is not None and value >= floor else "no"
        lines.append(f"| {what} | {value} | {met} |")
    query_vs = []
    for record in results.records:
        if record.get("engine") != "graphledger_query":
            continue
        cte = results.find(record["measure"], "postgres_cte")
        bfs = results.find(record["measure"], "memory_bfs")
        if cte and bfs:
            query_vs.append(
                f"| {record['measure']}: query p95 <= CTE p95 and <= 10x BFS | "
                f"{record['p95_ms']} vs {cte['p95_ms']} / {bfs['p95_ms']} | "
                f"{'yes' if record['p95_ms'] <= cte['p95_ms'] else 'no'} / "
                f"{'yes' if record['p95_ms'] <= 10 * bfs['p95_ms'] else 'no'} |"
            )
    lines += query_vs
    agreement = [r for r in results.records if r["measure"] == "reach_agreement"]
    if agreement:
        a = agreement[0]
        lines.append(
            f"| zero reach mismatches | {a['mismatches']} of {a['starts']} starts | "
            f"{'yes' if a['mismatches'] == 0 else 'no'} |"
        )
    notes = Path(__file__).with_name("NOTES.md")
    if notes.exists():
        lines += ["", notes.read_text().rstrip()]
    report_path.write_text("\n".join(lines) + "\n")
