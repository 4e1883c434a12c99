"""A deterministic generator of CMDB-shaped estates for the benchmark.

The same scale and seed always give the same estate. Layers, from the top: business services
over applications over workloads, virtual machines, hosts and racks in sites. Shared hubs (DNS,
identity, load balancers, a few database clusters) take the heavy fan-in real estates show;
workloads sit in redundancy groups (`MEMBER_OF`, `min_members_up`); applications depend on two
workloads of one pool (diamonds) and on each other, a few of them in a loop (cycles). Hardware
carries assets, and each asset a few monthly cost entries.
"""

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from graphledger.imports.model import AssetItem, Batch, CIItem, RelationshipItem

RELATIONSHIPS_PER_CI = 4
COST_MONTHS = ("2026-01", "2026-02", "2026-03")


@dataclass
class Estate:
    """What the generator made: CIs (key, class), relationships, assets and cost entries."""

    scale: int
    seed: int
    cis: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    relationships: list[tuple[str, str, str]] = field(default_factory=list)
    assets: list[dict[str, Any]] = field(default_factory=list)
    costs: list[tuple[str, str, Decimal]] = field(default_factory=list)  # tag, month
    hubs: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)

    def batch(self) -> Batch:
        """The estate as the product's import items."""
        return Batch(
            cis=[
                CIItem(key=k, class_=c, name=k, attributes=a, owner=a.get("team"))
                for k, c, a in self.cis
            ],
            relationships=[
                RelationshipItem(source=s, type=t, target=d)
                for s, t, d in self.relationships
            ],
            assets=[
                AssetItem(
                    asset_tag=a["asset_tag"],
                    fields={k: v for k, v in a.items() if k not in ("ci_key",)},
                    ci_key=a["ci_key"],
                )
                for a in self.assets
            ],
        )


class _Builder:
    def __init__(self, scale: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.estate = Estate(scale=scale, seed=seed)
        self.edges: set[tuple[str, str, str]] = set()
        self.by_class: dict[str, list[str]] = {}

    def ci(self, prefix: str, cls: str, number: int, **attributes: Any) -> str:
        key = f"{prefix}-{number:06d}"
        attributes.setdefault("team", f"team-{self.rng.randrange(40):02d}")
        self.estate.cis.append((key, cls, attributes))
        self.by_class.setdefault(prefix, []).append(key)
        return key

    def many(self, prefix: str, cls: str, count: int, **attributes: Any) -> list[str]:
        return [self.ci(prefix, cls, i, **attributes) for i in range(max(1, count))]

    def rel(self, source: str, type_: str, target: str) -> bool:
        if source == target or (source, type_, target) in self.edges:
            return False
        self.edges.add((source, type_, target))
        self.estate.relationships.append((source, type_, target))
        return True

    def pick(self, keys: list[str]) -> str:
        return keys[self.rng.randrange(len(keys))]

    def skewed(self, keys: list[str]) -> str:
        """A key drawn with a power-law bias towards the start of the list."""
        return keys[int(len(keys) * self.rng.random() ** 3)]


def generate(scale: int, seed: int = 7) -> Estate:
    """An estate of about `scale` CIs and four relationships per CI."""
    b = _Builder(scale, seed)
    share = lambda fraction: max(1, int(scale * fraction))  # noqa: E731
    sites = b.many("site", "Site", 3)
    racks = b.many("rack", "Rack", share(0.01))
    switches = b.many("switch", "NetworkDevice", share(0.004))
    hosts = b.many("host", "Server", share(0.05))
    subnets = b.many("subnet", "Network", share(0.002))
    vms = b.many("vm", "VirtualMachine", share(0.2))
    pools = [
        b.ci("pool", "Cluster", i, min_members_up=1 + (i % 2))
        for i in range(share(0.05))
    ]
    workloads = b.many("wl", "Workload", share(0.3))
    stores = (
        b.many("storage", "Storage", share(0.015))
        + b.many("queue", "Queue", share(0.01))
        + b.many("cache", "Cache", share(0.01))
    )
    apps = b.many("app", "Application", share(0.2))
    services = b.many("svc", "Service", share(0.025))
    dns = b.many("dns", "Application", 2)
    identity = b.many("idp", "Application", 2)
    balancers = b.many("lb", "LoadBalancer", max(2, share(0.0002)))
    db_clusters = [b.ci("dbcluster", "Cluster", i, min_members_up=2) for i in range(4)]
    databases = b.many("db", "Database", share(0.005))

    for rack in racks:
        b.rel(rack, "LOCATED_IN", b.pick(sites))
    for i, switch in enumerate(switches):
        b.rel(switch, "LOCATED_IN", b.pick(racks))
        if i % 2:  # switches in pairs, cabled both ways: small cycles
            b.rel(switch, "CONNECTS_TO", switches[i - 1])
    for host in hosts:
        b.rel(host, "LOCATED_IN", b.pick(racks))
        b.rel(host, "DEPENDS_ON", b.pick(switches))
    for vm in vms:
        b.rel(vm, "HOSTED_ON", b.pick(hosts))
        b.rel(vm, "LOCATED_IN", b.pick(subnets))
    for db in databases:
        b.rel(db, "RUNS_ON", b.pick(vms))
        b.rel(db, "MEMBER_OF", b.pick(db_clusters))
    members: dict[str, list[str]] = {}
    for i, wl in enumerate(workloads):
        b.rel(wl, "RUNS_ON", b.pick(vms))
        b.rel(wl, "MEMBER_OF", pools[i % len(pools)])
        members.setdefault(pools[i % len(pools)], []).append(wl)
        b.rel(wl, "DEPENDS_ON", b.skewed(stores))
        b.rel(wl, "DEPENDS_ON", b.pick(dns))
    for i, app in enumerate(apps):
        pool = pools[i % len(pools)]
        b.rel(app, "DEPENDS_ON", pool)
        for wl in members.get(pool, [])[
            :2
        ]:  # the pool and two of its members: diamonds
            b.rel(app, "DEPENDS_ON", wl)
        if b.rng.random() < 0.7:
            b.rel(app, "DEPENDS_ON", b.pick(identity))
        if b.rng.random() < 0.3:
            b.rel(app, "DEPENDS_ON", b.skewed(db_clusters))
        if i > 10 and b.rng.random() < 0.6:  # a lower-tier application
            b.rel(app, "DEPENDS_ON", apps[b.rng.randrange(i)])
        if i > 10 and b.rng.random() < 0.01:  # now and then a loop back up the tiers
            b.rel(apps[b.rng.randrange(i)], "DEPENDS_ON", app)
    for lb in balancers:
        for _ in range(8):
            b.rel(lb, "DEPENDS_ON", b.pick(apps))
    for svc in services:
        for _ in range(3 + b.rng.randrange(4)):
            b.rel(svc, "DEPENDS_ON", b.pick(apps))
        b.rel(svc, "DEPENDS_ON", b.skewed(balancers))
        if b.rng.random() < 0.1:
            b.rel(svc, "DEPENDS_ON", b.pick(services))
    for idp in identity:
        b.rel(idp, "DEPENDS_ON", db_clusters[0])
        for d in dns:
            b.rel(idp, "DEPENDS_ON", d)
    for i, d in enumerate(dns):
        b.rel(d, "RUNS_ON", vms[i])

    # Configuration items make up the scale exactly; each one read by a workload.
    for i in range(max(0, scale - len(b.estate.cis))):
        b.rel(b.pick(workloads), "DEPENDS_ON", b.ci("cfg", "Configuration", i))

    # Fill up to the target with the dependencies real estates keep accruing.
    target = RELATIONSHIPS_PER_CI * len(b.estate.cis)
    fillers = (
        lambda: b.rel(b.pick(workloads), "DEPENDS_ON", b.skewed(stores)),
        lambda: b.rel(b.pick(apps), "DEPENDS_ON", b.pick(dns)),
        lambda: b.rel(b.pick(workloads), "DEPENDS_ON", b.pick(identity)),
        lambda: b.rel(b.pick(vms), "DEPENDS_ON", b.skewed(stores)),
    )
    attempts = 0
    while len(b.estate.relationships) < target and attempts < 20 * target:
        attempts += 1
        fillers[attempts % len(fillers)]()

    _hardware(b, racks + switches + hosts)
    b.estate.hubs = dns + identity + balancers + db_clusters
    b.estate.services = services
    return b.estate


def _hardware(b: _Builder, keys: list[str]) -> None:
    """An asset per hardware CI, with support and power booked monthly."""
    for i, key in enumerate(keys):
        tag = f"AT-{i:07d}"
        cost = Decimal(2000 + b.rng.randrange(18000))
        bought = date(2023 + i % 3, 1 + i % 12, 1 + i % 28)
        b.estate.assets.append(
            {
                "asset_tag": tag,
                "ci_key": key,
                "serial": f"SN{i:09d}",
                "purchase_cost": cost,
                "currency": "EUR",
                "purchase_date": bought,
                "in_service_date": bought,
                "state": "in_use",
                "depreciation": {"method": "straight_line", "life_months": 60},
            }
        )
        for month in COST_MONTHS:
            amount = Decimal(b.rng.randrange(2000, 40000)) / 100
            b.estate.costs.append((tag, month, amount))
