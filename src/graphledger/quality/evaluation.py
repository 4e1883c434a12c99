"""The planted-fault evaluation of the health report.

It empties the stores (test stores only), loads clean data built from the real samples in
shared/data (the Kubernetes manifests through the Kubernetes importer, hardware and assets from
the Snipe-IT register, one virtual machine per server), checks that the report finds nothing
there, plants a known set of faults of every kind, runs the report again and measures, per kind,
how many planted faults it found (recall) and what else it reported (false findings).

The clean data carries identifier decoys on purpose: placeholder serials where the register has
none, hosts that share a domain, IPv4 addresses as hostnames, so that a false duplicate pair has
every chance to show up.
"""

import csv
import random
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from graphledger.asset.schemas import AssetCreate
from graphledger.asset.service import create_asset
from graphledger.ci import service as ci_service
from graphledger.ci.schemas import CICreate
from graphledger.db import unit_of_work
from graphledger.graph.neo4j import cypher, get_driver
from graphledger.imports.service import import_paths
from graphledger.logs import get_logger
from graphledger.outbox.applier import breaker, drain
from graphledger.quality import repository
from graphledger.quality.rules import Rules, load_rules
from graphledger.quality.service import build_report
from graphledger.relationship.service import create_relationship
from graphledger.settings import get_settings

log = get_logger(__name__)

ACTOR = "health-evaluation"
KINDS = (
    "duplicate",
    "no_owner",
    "stale",
    "hardware_without_asset",
    "asset_without_ci",
    "orphan",
    "missing_attribute",
    "relationship_to_retired",
    "naming",
    "missing_tag",
)
# Report finding -> evaluation kind.
FINDING_KIND = {
    "duplicates": "duplicate",
    "no_owner": "no_owner",
    "stale": "stale",
    "hardware_without_asset": "hardware_without_asset",
    "assets_without_ci": "asset_without_ci",
    "orphans": "orphan",
    "missing_attributes": "missing_attribute",
    "relationships_to_retired_or_stale": "relationship_to_retired",
    "naming": "naming",
    "missing_tags": "missing_tag",
    "rule_attributes": "rule_attribute",
    "widely_shared_identifiers": "widely_shared_identifier",
}
MANIFESTS = {
    "boutique": "online-boutique-k8s/kubernetes-manifests.yaml",
    "sockshop": "sock-shop-k8s/complete-demo.yaml",
    "otel": "otel-demo-k8s/opentelemetry-demo.yaml",
}
REGISTER = "snipeit-sample-csvs/assets-sample-BLANKS.csv"
# Serials the register leaves blank get what discovery tools write instead.
FILLER_SERIALS = ("To Be Filled By O.E.M.", "unknown", "N/A", "0", "none", "Default")


@dataclass
class KindScore:
    planted: int = 0
    found: int = 0
    false: int = 0

    @property
    def recall(self) -> float:
        return 1.0 if self.planted == 0 else self.found / self.planted


@dataclass
class Evaluation:
    clean_cis: int
    clean_assets: int
    baseline_findings: int
    kinds: dict[str, KindScore]
    false_duplicate_pairs: list[list[str]]
    seconds: float
    missed: dict[str, list[str]] = field(default_factory=dict)
    unexpected: dict[str, list[str]] = field(default_factory=dict)

    @property
    def planted(self) -> int:
        return sum(k.planted for k in self.kinds.values())

    @property
    def recall(self) -> float:
        found = sum(k.found for k in self.kinds.values())
        return 1.0 if self.planted == 0 else found / self.planted

    @property
    def false_findings(self) -> int:
        return sum(k.false for k in self.kinds.values())

    def table(self) -> str:
        """A readable table of recall and false findings per kind."""
        rows = [
            [kind, str(s.planted), str(s.found), f"{100 * s.recall:.1f}%", str(s.false)]
            for kind, s in self.kinds.items()
        ]
        rows.append(
            [
                "all",
                str(self.planted),
                str(sum(k.found for k in self.kinds.values())),
                f"{100 * self.recall:.1f}%",
                str(self.false_findings),
            ]
        )
        header = ["kind", "planted", "found", "recall", "false"]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True))
            for r in [header, ["-" * w for w in widths], *rows]
        ]
        lines.append(
            f"clean data: {self.clean_cis} CIs, {self.clean_assets} assets, "
            f"{self.baseline_findings} finding(s) before planting; "
            f"false duplicate pairs: {len(self.false_duplicate_pairs)}; "
            f"{self.seconds:.1f}s"
        )
        return "\n".join(lines)


def reset_stores() -> None:
    """Empty both stores; refused outside the test environment."""
    if get_settings().env != "test":
        raise RuntimeError(
            "the evaluation empties the stores: run it with GRAPHLEDGER_ENV=test"
        )
    with unit_of_work() as session:
        repository.truncate_everything(session)
    with get_driver().session(database=get_settings().neo4j_database) as session:
        # CALL ... IN TRANSACTIONS needs an implicit transaction.
        session.run(cypher("quality/wipe")).consume()  # type: ignore[arg-type]
    breaker.tried(True)


def settle_all() -> None:
    """Drain the outbox until the graph has every write."""
    for _ in range(1000):
        if drain(wait=True).applied == 0:
            return
    raise RuntimeError("the outbox did not drain")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _mac(prefix: int, n: int) -> str:
    return ":".join(
        f"{b:02x}" for b in (2, prefix, 0, (n >> 16) & 255, (n >> 8) & 255, n & 255)
    )


def _ci(session: Session, key: str, class_: str, **fields: Any) -> None:
    fields.setdefault("name", key)
    fields.setdefault("last_seen_at", datetime.now(UTC))
    ci_service.create_ci(
        session,
        CICreate.model_validate({"key": key, "class": class_, **fields}),
        actor=ACTOR,
    )


def _rel(session: Session, source: str, type_: str, target: str) -> None:
    create_relationship(session, source=source, type_=type_, target=target, actor=ACTOR)


def load_clean(data: Path, *, manifests: list[str], servers: int) -> None:
    """Import the Kubernetes samples, adopt them (owner, seen now), add hardware, VMs, assets."""
    for name in manifests:
        report = import_paths(
            "kubernetes",
            [data / MANIFESTS[name]],
            actor=ACTOR,
            dry_run=False,
            options={"cluster": name, "namespace": name},
        )
        log.info("evaluation.imported", manifest=name, created=report.created)
    now = datetime.now(UTC)
    with unit_of_work() as session:
        for head in repository.live_heads(session):
            team = (head.document.get("attributes") or {}).get(
                "k8s_namespace"
            ) or "platform"
            ci_service.update_ci(
                session,
                head.key,
                {"owner": f"team-{team}", "last_seen_at": now},
                if_match=None,
                actor=ACTOR,
            )
    with (data / REGISTER).open(
        encoding="utf-8", errors="replace", newline=""
    ) as handle:
        rows = list(csv.DictReader(handle))[:servers]
    with unit_of_work() as session:
        sites: set[str] = set()
        for i, row in enumerate(rows):
            site = f"site-{_slug(row.get('Location') or 'unknown')}"
            if site not in sites:
                _ci(session, site, "Site", owner="facilities")
                sites.add(site)
            serial = (row.get("Serial") or "").strip() or FILLER_SERIALS[
                i % len(FILLER_SERIALS)
            ]
            server = f"srv-{i:04d}"
            _ci(
                session,
                server,
                "Server",
                owner=(row.get("Username") or "ops").strip() or "ops",
                attributes={
                    "serial": serial,
                    "hostname": f"{server}.dc{i % 3 + 1}.example.test",
                    "mac": _mac(0, i),
                    "model": row.get("Model name"),
                    "tags": {"environment": "production"},
                },
            )
            _rel(session, server, "LOCATED_IN", site)
            create_asset(
                session,
                AssetCreate(
                    asset_tag=row["Asset Tag"].strip(),
                    serial=None if serial in FILLER_SERIALS else serial,
                    state="in_use",
                    ci_key=server,
                ),
                actor=ACTOR,
            )
            vm = f"vm-{i:04d}"
            host = (
                f"10.0.{i // 250}.{i % 250 + 1}"
                if i % 5 == 0
                else f"{vm}.prod.example.test"
            )
            _ci(
                session,
                vm,
                "VirtualMachine",
                owner="team-compute",
                attributes={
                    "hostname": host,
                    "mac": _mac(1, i),
                    "arn": f"arn:aws:ec2:eu-west-1:123456789012:instance/i-{i:017x}",
                    "tags": {"environment": "production"},
                },
            )
            _rel(session, vm, "HOSTED_ON", server)
    settle_all()


@dataclass
class Plan:
    """What was planted: per kind, the finding ids the report should give back."""

    expected: dict[str, set[Any]] = field(default_factory=lambda: defaultdict(set))
    tolerated: dict[str, set[Any]] = field(default_factory=lambda: defaultdict(set))
    used: set[str] = field(default_factory=set)


def _quota(total: int) -> dict[str, int]:
    base, extra = divmod(total, len(KINDS))
    return {kind: base + (1 if i < extra else 0) for i, kind in enumerate(KINDS)}


def _respell(kind: str, value: str, n: int) -> str:
    """Another spelling of the same identifier, as a second source would write it."""
    if kind == "serial":
        return (
            " ".join(
                [value[: len(value) // 2].lower(), value[len(value) // 2 :].lower()]
            )
            + " "
        )
    if kind == "hostname":
        return value.split(".")[0].upper() + f".site{n}.corp."
    if kind == "mac":
        return value.upper().replace(":", "-")
    return " " + value.upper()


def plant(session: Session, total: int, rules: Rules, rng: random.Random) -> Plan:
    """Plant `total` faults spread over every kind; returns what the report should find."""
    plan = Plan()
    quota = _quota(total)
    heads = {h.key_lc: h for h in repository.live_heads(session)}
    by_class: dict[str, list[str]] = defaultdict(list)
    for key_lc, head in heads.items():
        by_class[head.class_name].append(key_lc)
    pool = sorted(heads)

    def pick(candidates: list[str]) -> str:
        free = [c for c in candidates if c not in plan.used]
        chosen = rng.choice(free)
        plan.used.add(chosen)
        return chosen

    now = datetime.now(UTC)
    sites = by_class["Site"]
    servers = [
        k
        for k in by_class["Server"]
        if (heads[k].document["attributes"].get("serial") not in FILLER_SERIALS)
    ]
    vms = by_class["VirtualMachine"]
    named_vms = [
        k for k in vms if not heads[k].document["attributes"]["hostname"][0].isdigit()
    ]
    for n in range(quota["duplicate"]):
        kind = ("serial", "hostname", "mac", "cloud_id")[n % 4]
        source = pick(
            servers if kind == "serial" else named_vms if kind == "hostname" else vms
        )
        original = heads[source].document
        key = f"dup-{n:03d}"
        attributes: dict[str, Any] = {"tags": {"environment": "production"}}
        if kind == "serial":
            attributes["serial"] = _respell(kind, original["attributes"]["serial"], n)
            attributes["hostname"] = f"{key}.dc1.example.test"
            _ci(session, key, "Server", owner="ops", attributes=attributes)
            create_asset(
                session,
                AssetCreate(asset_tag=f"DUP-{n:03d}", state="in_use", ci_key=key),
                actor=ACTOR,
            )
            site = next(
                r.target_lc
                for r in _outgoing(session, source)
                if r.type == "LOCATED_IN"
            )
            _rel(session, key, "LOCATED_IN", site)
        else:
            attr = {"hostname": "hostname", "mac": "mac", "cloud_id": "arn"}[kind]
            respelled = _respell(kind, original["attributes"][attr], n)
            attributes["hostname"] = (
                respelled if kind == "hostname" else f"{key}.example.test"
            )
            if kind != "hostname":
                attributes["mac_address" if kind == "mac" else "resource_id"] = (
                    respelled
                )
            _ci(session, key, "VirtualMachine", owner="ops", attributes=attributes)
            server = next(
                r.target_lc for r in _outgoing(session, source) if r.type == "HOSTED_ON"
            )
            _rel(session, key, "HOSTED_ON", server)
        plan.expected["duplicate"].add(frozenset({source, key}))

    k8s = [k for k in pool if k.startswith(tuple(f"k8s:{m}" for m in MANIFESTS))]
    for _ in range(quota["no_owner"]):
        key = pick(k8s or pool)
        ci_service.update_ci(session, key, {"owner": None}, if_match=None, actor=ACTOR)
        plan.expected["no_owner"].add(key)
    for _ in range(quota["stale"]):
        key = pick(pool)
        days = rules.stale_after_days + rng.randint(1, 400)
        ci_service.update_ci(
            session,
            key,
            {"last_seen_at": now - timedelta(days=days)},
            if_match=None,
            actor=ACTOR,
        )
        plan.expected["stale"].add(key)
    for n in range(quota["hardware_without_asset"]):
        key = f"bare-{n:03d}"
        _ci(
            session,
            key,
            "Server",
            owner="ops",
            attributes={
                "serial": f"BARE{n:04d}X",
                "tags": {"environment": "production"},
            },
        )
        _rel(session, key, "LOCATED_IN", rng.choice(sites))
        plan.expected["hardware_without_asset"].add(key)
    for n in range(quota["asset_without_ci"]):
        tag = f"LOOSE-{n:03d}"
        create_asset(
            session,
            AssetCreate(asset_tag=tag, serial=f"LOOSE{n:04d}", state="in_use"),
            actor=ACTOR,
        )
        plan.expected["asset_without_ci"].add(tag.lower())
    for n in range(quota["orphan"]):
        key = f"orphan-{n:03d}"
        _ci(session, key, "Application", owner="team-lost")
        plan.expected["orphan"].add(key)
    for n in range(quota["missing_attribute"]):
        key = f"nohost-{n:03d}"
        _ci(
            session,
            key,
            "VirtualMachine",
            owner="ops",
            attributes={"mac": _mac(9, n), "tags": {"environment": "production"}},
        )
        _rel(session, key, "HOSTED_ON", rng.choice(servers))
        plan.expected["missing_attribute"].add((key, "hostname"))
    workloads = by_class["Workload"] + by_class["Endpoint"] + servers + vms
    for _ in range(quota["naming"]):
        key = pick(workloads)
        name = heads[key].document["name"]
        ci_service.update_ci(
            session, key, {"name": f"{name.upper()} Copy"}, if_match=None, actor=ACTOR
        )
        plan.expected["naming"].add(key)
    for _ in range(quota["missing_tag"]):
        key = pick(servers + vms)
        attributes = dict(heads[key].document["attributes"])
        attributes.pop("tags")
        ci_service.update_ci(
            session, key, {"attributes": attributes}, if_match=None, actor=ACTOR
        )
        plan.expected["missing_tag"].add((key, "environment"))
    targets = [k for k in sites + by_class["Endpoint"] + servers if k not in plan.used]
    rng.shuffle(targets)
    for key in targets:
        if (
            len(plan.expected["relationship_to_retired"])
            >= quota["relationship_to_retired"]
        ):
            break
        if key in plan.used:
            continue
        incoming = repository.live_relationships_into(session, [key])
        planted = len(plan.expected["relationship_to_retired"])
        if (
            not incoming
            or any(r.source_lc in plan.used for r in incoming)
            or planted + len(incoming) > quota["relationship_to_retired"] + 2
        ):
            continue
        # Its dependants stay live: retiring one of them later would hide this finding.
        plan.used.update([key, *(r.source_lc for r in incoming)])
        ci_service.update_ci(
            session, key, {"status": "retired"}, if_match=None, actor=ACTOR
        )
        plan.expected["relationship_to_retired"].update(str(r.id) for r in incoming)
    # A stale CI's incoming relationships are reported too: a consequence, not a false finding.
    stale = sorted(plan.expected["stale"])
    plan.tolerated["relationship_to_retired"].update(
        str(r.id) for r in repository.live_relationships_into(session, stale)
    )
    return plan


def _outgoing(session: Session, key_lc: str) -> list[Any]:
    from graphledger.ci import repository as ci_repository

    return [
        r
        for r in ci_repository.live_relationships_of(session, key_lc)
        if r.source_lc == key_lc
    ]


def finding_ids(report: Any) -> dict[str, set[Any]]:
    """Each finding of a report as (evaluation kind -> ids comparable with a Plan)."""
    ids: dict[str, set[Any]] = defaultdict(set)
    for name, finding in report.findings.items():
        kind = FINDING_KIND[name]
        for item in finding.items:
            if name == "duplicates":
                ids[kind].add(frozenset(k.lower() for k in item["keys"]))
            elif name == "assets_without_ci":
                ids[kind].add(item["asset_tag"].lower())
            elif name == "relationships_to_retired_or_stale":
                ids[kind].add(item["id"])
            elif name == "missing_attributes":
                ids[kind].add((item["key"].lower(), item["attribute"]))
            elif name == "missing_tags":
                ids[kind].add((item["key"].lower(), item["tag"]))
            elif name == "widely_shared_identifiers":
                ids[kind].add(item["normalised"])
            else:
                ids[kind].add(item["key"].lower())
    return ids


def run_evaluation(
    data: Path,
    *,
    faults: int = 200,
    manifests: list[str] | None = None,
    servers: int = 200,
    seed: int = 8,
) -> Evaluation:
    """Load clean data, plant `faults` faults, and score the report against them."""
    started = time.monotonic()
    rules = load_rules()
    limit = 1_000_000
    reset_stores()
    load_clean(data, manifests=manifests or list(MANIFESTS), servers=servers)
    with unit_of_work() as session:
        baseline = build_report(session, rules, item_limit=limit)
        clean_cis, clean_assets = baseline.cis, baseline.in_use_assets
    baseline_ids = finding_ids(baseline)
    with unit_of_work() as session:
        plan = plant(session, faults, rules, random.Random(seed))
    settle_all()
    with unit_of_work() as session:
        report = build_report(session, rules, item_limit=limit)
    reported = finding_ids(report)

    kinds: dict[str, KindScore] = {}
    missed: dict[str, list[str]] = {}
    unexpected: dict[str, list[str]] = {}
    for kind in sorted(set(KINDS) | set(reported), key=lambda k: (k not in KINDS, k)):
        expected = plan.expected.get(kind, set())
        got = reported.get(kind, set())
        extra = got - expected - plan.tolerated.get(kind, set())
        kinds[kind] = KindScore(
            planted=len(expected), found=len(expected & got), false=len(extra)
        )
        if expected - got:
            missed[kind] = sorted(map(str, expected - got))[:20]
        if extra:
            unexpected[kind] = sorted(map(str, extra))[:20]
    false_pairs = [
        sorted(pair)
        for pair in reported.get("duplicate", set()) - plan.expected["duplicate"]
    ]
    result = Evaluation(
        clean_cis=clean_cis,
        clean_assets=clean_assets,
        baseline_findings=sum(len(v) for v in baseline_ids.values()),
        kinds=kinds,
        false_duplicate_pairs=false_pairs,
        seconds=time.monotonic() - started,
        missed=missed,
        unexpected=unexpected,
    )
    log.info(
        "evaluation.done",
        planted=result.planted,
        recall=round(result.recall, 4),
        false_findings=result.false_findings,
    )
    return result
