"""The `graphledger` command: serve, migrate, import, health, demo."""

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from graphledger.settings import get_settings

app = typer.Typer(
    help="Graphledger: a graph CMDB with an IT asset ledger.", no_args_is_help=True
)
ROOT = Path(__file__).resolve().parents[2]


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
) -> None:
    """Serve the API (the outbox drainer runs inside)."""
    import uvicorn

    uvicorn.run(
        "graphledger.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
    )


@app.command()
def migrate(revision: str = "head") -> None:
    """Upgrade the ledger database with Alembic and apply the graph schema."""
    from alembic import command
    from alembic.config import Config

    from graphledger import logs
    from graphledger.graph import neo4j

    settings = get_settings()
    logs.configure(json=settings.log_json, level=settings.log_level)
    config = Config(str(ROOT / "alembic.ini"))
    command.upgrade(config, revision)
    neo4j.apply_schema()


@app.command("import")
def import_(
    fmt: Annotated[
        str,
        typer.Argument(
            metavar="FORMAT",
            help="kubernetes, aws, netbox, csv-cis, csv-relationships or csv-assets",
        ),
    ],
    paths: Annotated[list[Path], typer.Argument(exists=True, metavar="FILE|DIR")],
    dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    retire_stale: Annotated[bool, typer.Option("--retire-stale")] = False,
    cluster: str = "default",
    namespace: Annotated[
        str | None,
        typer.Option(help="namespace of documents that name none; claims it"),
    ] = None,
    instance: str = "default",
    encoding: str = "",
    date_order: Annotated[str, typer.Option(help="dmy or mdy")] = "",
    currency: Annotated[
        str, typer.Option(help="csv-assets: the currency of rows without one")
    ] = "",
) -> None:
    """Import files straight into the stores, with the same rules as the API."""
    from graphledger import logs
    from graphledger.errors import GraphledgerError
    from graphledger.imports.service import import_paths

    settings = get_settings()
    logs.configure(json=settings.log_json, level="WARNING")
    options = {
        "cluster": cluster,
        "namespace": namespace or "",
        "instance": instance,
        "encoding": encoding,
        "date_order": date_order,
        "currency": currency,
    }
    bar: list[Any] = []

    def on_total(total: int) -> None:
        if not as_json:
            bar.append(
                typer.progressbar(length=total, label="loading", file=sys.stderr)
            )
            bar[0].__enter__()

    def progress(step: int) -> None:
        if bar:
            bar[0].update(step)

    try:
        report = import_paths(
            fmt,
            list(paths),
            actor=os.environ.get("USER", "cli"),
            dry_run=dry_run,
            retire_stale=retire_stale,
            options=options,
            progress=progress,
            on_total=on_total,
        )
    except GraphledgerError as error:
        typer.echo(f"import failed: {error.detail}", err=True)
        raise typer.Exit(2) from error
    finally:
        if bar:
            bar[0].__exit__(None, None, None)
    if as_json:
        typer.echo(report.model_dump_json())
        return
    typer.echo(f"{fmt}: {'dry run, nothing written' if dry_run else 'imported'}")
    for what, counts in (
        ("CIs", report.cis),
        ("relationships", report.relationships),
        ("assets", report.assets),
    ):
        typer.echo(
            f"  {what:<14} created {counts.created:>5}  updated {counts.updated:>5}  "
            f"unchanged {counts.unchanged:>5}  rejected {counts.rejected:>5}"
        )
    typer.echo(
        f"  stale {len(report.stale)}  retired {len(report.retired)}  "
        f"unresolved {len(report.unresolved)}  {report.items_per_second} items/s"
    )
    for rejection in report.rejected:
        field = f" [{rejection['field']}]" if rejection.get("field") else ""
        typer.echo(f"  rejected {rejection['ref']}{field}: {rejection['reason']}")
    for ref in report.unresolved:
        typer.echo(f"  unresolved {ref['from']}: {ref['reference']}")
    for kept in report.kept:
        typer.echo(
            f"  kept {kept['key']} {', '.join(kept['fields'])}: {kept['reason']}"
        )


@app.command()
def token(
    role: Annotated[
        str, typer.Option(help="viewer, sre, change_manager, finance or admin")
    ],
    name: Annotated[str, typer.Option()] = "cli",
    days: Annotated[int, typer.Option(help="days until it expires")] = 30,
) -> None:
    """Mint an API token directly in the ledger database (for operators with database access)."""
    from graphledger.auth.roles import ROLES
    from graphledger.auth.service import create_token
    from graphledger.db import unit_of_work

    if role not in ROLES:
        typer.echo(f"unknown role {role!r}; known: {', '.join(ROLES)}", err=True)
        raise typer.Exit(2)
    with unit_of_work() as session:
        _, secret = create_token(
            session, name=name, role=role, created_by="cli", expires_in_days=days
        )
    typer.echo(secret)


@app.command()
def reconcile(
    repair: Annotated[
        bool, typer.Option("--repair", help="repair what is safe")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Report drift between PostgreSQL and Neo4j; with --repair, repair what is safe."""
    from graphledger import logs
    from graphledger.db import get_sessionmaker, unit_of_work
    from graphledger.outbox.applier import drain
    from graphledger.reconcile import service

    logs.configure(json=get_settings().log_json, level="WARNING")
    result: dict[str, object]
    with unit_of_work() as session:
        drift = service.find_drift(session)
        result = {"drift": drift}
        if repair:
            result["repaired"] = service.repair(session, drift)
    if repair:
        drain(wait=True)
        with get_sessionmaker()() as session:
            result["after"] = service.find_drift(session)
    if as_json:
        typer.echo(json.dumps(result, default=str))
        return
    final = result.get("after", drift)
    assert isinstance(final, dict)
    for name, count in drift["counts"].items():
        after = final["counts"][name] if repair else count
        typer.echo(f"{name:<34} {count:>6}" + (f"  -> {after}" if repair else ""))
    if final["drift"]:
        raise typer.Exit(1)


@app.command()
def soak(
    base: str = "http://127.0.0.1:8099",
    minutes: float = 3.0,
    clients: int = 16,
    api_pid: int | None = None,
    out: Path = Path("soak-results.json"),
) -> None:
    """A bounded mixed load on a running API (loopback), with latency, errors and memory."""
    from graphledger import soak as soak_run

    secret = os.environ.get("GRAPHLEDGER_ADMIN_TOKEN")
    if not secret:
        typer.echo(
            "set GRAPHLEDGER_ADMIN_TOKEN to the token the API runs with", err=True
        )
        raise typer.Exit(2)
    report = soak_run.run(
        base=base, token=secret, minutes=minutes, clients=clients, api_pid=api_pid
    )
    out.write_text(json.dumps(report, indent=2))
    typer.echo(soak_run.render(report))
    if report["server_errors"]:
        raise typer.Exit(1)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(  # noqa: E731
        str(c).ljust(w) for c, w in zip(r, widths, strict=True)
    ).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


@app.command()
def health(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    limit: Annotated[int, typer.Option(help="items listed per finding")] = 20,
) -> None:
    """Print the data-quality health report (scores per class, then the findings)."""
    from graphledger import logs
    from graphledger.db import get_sessionmaker
    from graphledger.quality.rules import load_rules
    from graphledger.quality.service import build_report

    settings = get_settings()
    logs.configure(json=settings.log_json, level="WARNING")
    with get_sessionmaker()() as session:
        report = build_report(session, load_rules(), item_limit=limit)
    if as_json:
        typer.echo(report.model_dump_json())
        return
    dimensions = ["completeness", "correctness", "compliance", "staleness", "overall"]
    rows = [
        [c["class"], str(c["cis"]), *(f"{c['scores'][d]:.1f}" for d in dimensions)]
        for c in report.classes
    ]
    overall = report.overall.model_dump()
    rows.append(["all", str(report.cis), *(f"{overall[d]:.1f}" for d in dimensions)])
    typer.echo(
        f"Health report {report.generated_at:%Y-%m-%d %H:%M} UTC, "
        f"stale after {report.stale_after_days} days"
    )
    typer.echo(_table(rows, ["class", "CIs", *dimensions]))
    for name, finding in report.findings.items():
        if not finding.count:
            continue
        typer.echo(f"\n{name} ({finding.dimension}): {finding.count}")
        for item in finding.items:
            typer.echo("  " + ", ".join(f"{k}={v}" for k, v in item.items()))
        if finding.truncated:
            typer.echo(f"  ... {finding.count - len(finding.items)} more")


@app.command("health-eval")
def health_eval(
    faults: int = 200,
    servers: int = 200,
    manifests: Annotated[
        str, typer.Option(help="comma-separated: boutique, sockshop, otel")
    ] = "boutique,sockshop,otel",
    data: Path = ROOT.parent / "shared/data",
    seed: int = 8,
) -> None:
    """Plant faults in real sample data and measure the health report (EMPTIES the stores)."""
    from graphledger import logs
    from graphledger.quality.evaluation import run_evaluation

    settings = get_settings()
    logs.configure(json=settings.log_json, level="WARNING")
    result = run_evaluation(
        data,
        faults=faults,
        servers=servers,
        manifests=[m.strip() for m in manifests.split(",") if m.strip()],
        seed=seed,
    )
    typer.echo(result.table())
    for kind, keys in result.missed.items():
        typer.echo(f"missed {kind}: {', '.join(keys)}")
    for kind, keys in result.unexpected.items():
        typer.echo(f"not planted {kind}: {', '.join(keys)}")


@app.command()
def demo(
    base: str = "http://127.0.0.1:8000",
    manifest: Path = ROOT.parent
    / "shared/data/online-boutique-k8s/kubernetes-manifests.yaml",
) -> None:
    """Import Online Boutique through the API and print two blast radii."""
    secret = os.environ.get("GRAPHLEDGER_ADMIN_TOKEN")
    if not secret:
        from graphledger.auth.service import create_token
        from graphledger.db import unit_of_work

        with unit_of_work() as session:  # a short-lived token of the demo's own
            _, secret = create_token(
                session, name="demo", role="sre", created_by="cli", expires_in_days=1
            )
    if not manifest.exists():
        typer.echo(f"demo data not found: {manifest}", err=True)
        raise typer.Exit(2)
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        for _ in range(300):
            try:
                if client.get("/health/ready").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(1)
        else:
            typer.echo(f"the API at {base} is not ready", err=True)
            raise typer.Exit(1)
        response = client.post(
            "/api/v1/imports",
            params={"format": "kubernetes", "cluster": "demo", "namespace": "boutique"},
            content=manifest.read_bytes(),
        )
        if response.status_code != 200:
            typer.echo(
                f"import failed: {response.status_code} {response.text}", err=True
            )
            raise typer.Exit(1)
        report = response.json()
        typer.echo(
            f"Imported {manifest.name}: {report['cis']['created']} CIs and "
            f"{report['relationships']['created']} relationships created, "
            f"{report['unchanged']} unchanged, {len(report['unresolved'])} unresolved reference(s)."
        )
        for name in ("redis-cart", "productcatalogservice"):
            key = f"k8s:demo/boutique/deployment/{name}"
            result = client.post(
                "/api/v1/impact", json={"keys": [key], "max_depth": 10}
            )
            if result.status_code != 200:
                typer.echo(
                    f"impact failed: {result.status_code} {result.text}", err=True
                )
                raise typer.Exit(1)
            body = result.json()
            short = lambda k: k.removeprefix("k8s:demo/boutique/")  # noqa: E731
            rows = [
                [
                    str(i["distance"]),
                    short(i["key"]),
                    i["state"],
                    " -> ".join(short(k) for k in i["path"]),
                ]
                for i in body["impacted"]
            ]
            typer.echo(
                f"\nBlast radius of {short(key)}: {len(rows)} CIs"
                f"{' (truncated)' if body['truncated'] else ''}"
            )
            typer.echo(_table(rows, ["dist", "impacted CI", "state", "path"]))
    sys.stdout.flush()


if __name__ == "__main__":
    app()
