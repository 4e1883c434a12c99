"""Assessing a change: impact from the graph, owners, contracts and money from the ledger.

Risk score (0-100, capped), the sum of:
- business services taken down: 12 points each, at most 36;
- business services degraded: 5 points each, at most 15;
- breadth: 4 x log2(1 + impacted CIs), at most 20;
- fragility: 10 when a changed or impacted CI is already down, degraded or in maintenance;
- churn: 10 when a changed or impacted CI was changed in the last 24 hours;
- timing: 9 when the planned window overlaps business hours (Monday to Friday, 08:00-18:00 UTC);
- unknown reach: 10 when a cap cut the impact short.
Levels: below 20 low, below 45 medium, below 70 high, else critical.
"""

import math
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from graphledger.change.schemas import AssessRequest, Window
from graphledger.contract import repository as contract_repository
from graphledger.graph import neo4j
from graphledger.graph.registry import CI_CLASSES
from graphledger.impact.service import caps, walk_impact
from graphledger.impact.states import State
from graphledger.ledger.costs import assets_by_ci_key
from graphledger.ledger.repository import get as get_record
from graphledger.models import Vendor
from graphledger.rootcause.service import describe, recent_changes
from graphledger.servicecost.service import service_cost

UNHEALTHY = ("down", "degraded", "maintenance")


def business_hours(window: Window) -> bool:
    """True when the window touches Monday-Friday 08:00-18:00 UTC."""
    start, end = window.start.astimezone(UTC), window.end.astimezone(UTC)
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while day < end:
        if day.weekday() < 5:
            open_, close = day + timedelta(hours=8), day + timedelta(hours=18)
            if start < close and end > open_:
                return True
        day += timedelta(days=1)
    return False


def risk(
    *,
    down: int,
    degraded: int,
    impacted: int,
    fragile: list[str],
    churn: list[str],
    window: Window | None,
    truncated: bool,
) -> dict[str, Any]:
    """The documented risk score with each contributing factor."""
    factors = [
        (
            "services_down",
            min(36.0, 12.0 * down),
            f"{down} business service(s) go down",
        ),
        (
            "services_degraded",
            min(15.0, 5.0 * degraded),
            f"{degraded} business service(s) degrade",
        ),
        (
            "breadth",
            min(20.0, round(4 * math.log2(1 + impacted), 2)),
            f"{impacted} CI(s) impacted",
        ),
        (
            "fragility",
            10.0 if fragile else 0.0,
            f"already unhealthy: {', '.join(fragile[:5])}"
            if fragile
            else "all healthy",
        ),
        (
            "churn",
            10.0 if churn else 0.0,
            f"changed in the last 24 hours: {', '.join(churn[:5])}"
            if churn
            else "no recent change",
        ),
        (
            "timing",
            9.0 if window is not None and business_hours(window) else 0.0,
            "the window overlaps business hours" if window else "no window given",
        ),
        (
            "unknown_reach",
            10.0 if truncated else 0.0,
            "a cap cut the impact short" if truncated else "impact complete",
        ),
    ]
    score = min(100.0, round(sum(points for _, points, _ in factors), 2))
    level = (
        "low"
        if score < 20
        else "medium"
        if score < 45
        else "high"
        if score < 70
        else "critical"
    )
    return {
        "score": score,
        "level": level,
        "reasons": [
            {"factor": f, "points": p, "detail": d} for f, p, d in factors if p
        ],
    }


def vendor_name(session: Session, vendor_id: int | None) -> str | None:
    vendor = get_record(session, Vendor, vendor_id) if vendor_id else None
    return vendor.name if vendor else None


def assess(
    session: Session, request: AssessRequest, *, sees_money: bool
) -> dict[str, Any]:
    """Everything a change manager needs to decide on a change to the given CIs."""
    max_depth, max_results = caps(request.max_depth, request.max_results)
    sources, walk, graph, states = walk_impact(
        request.keys, max_depth=max_depth, max_results=max_results
    )
    impacted_keys = [k for k in walk.order if states.get(k, State.UP) is not State.UP]
    involved = list(sources) + impacted_keys
    details = graph.details
    owner_lookup = {
        row["key_lc"]: row for row in neo4j.read("change/owners", keys=list(sources))
    }

    impacted: list[dict[str, Any]] = []
    services = []
    for k in impacted_keys:
        detail = details[k]
        item = {
            "key": walk.reached[k].key,
            "class": detail.get("class"),
            "name": detail.get("name"),
            "owner": detail.get("owner"),
            "status": detail.get("status"),
            "distance": walk.reached[k].distance,
            "state": "down" if states[k] is State.DOWN else "degraded",
            "path": walk.path(k),
        }
        impacted.append(item)
        cls = CI_CLASSES.get(detail.get("class") or "")
        if cls is not None and cls.business_service:
            services.append(item)

    owners: dict[str, list[str]] = defaultdict(list)
    for k in sources:
        owner = owner_lookup.get(k, {}).get("owner")
        if owner:
            owners[owner].append(f"owner of changed CI {sources[k]}")
    for item in impacted:
        if item["owner"]:
            owners[item["owner"]].append(f"owner of {item['key']} ({item['state']})")
    for row in neo4j.read("change/teams", keys=involved):
        team = row["team_owner"] or row["team"]
        owners[team].append(f"team {row['team']} manages {row['key']}")

    linked = assets_by_ci_key(session, involved)
    by_asset = {asset_id: ci_key for ci_key, asset_id in linked.items()}
    contracts: dict[int, dict[str, Any]] = {}
    for contract, asset_id in contract_repository.covering(session, list(by_asset)):
        entry = contracts.setdefault(
            contract.id,
            {
                "id": contract.id,
                "name": contract.name,
                "kind": contract.kind,
                "vendor": vendor_name(session, contract.vendor_id),
                "end_date": contract.end_date.isoformat()
                if contract.end_date
                else None,
                "cis": [],
            },
        )
        entry["cis"].append(by_asset[asset_id])

    now = datetime.now(UTC)
    changes = recent_changes(session, involved, now - timedelta(days=7))
    recent = [
        {"key": (sources.get(k) or walk.reached[k].key), **describe(change)}
        for k, change in changes.items()
    ]
    recent.sort(key=lambda c: c["at"], reverse=True)
    churn = [
        c["key"]
        for c in recent
        if datetime.fromisoformat(c["at"]) >= now - timedelta(1)
    ]
    fragile = [
        item["key"]
        for item in impacted
        if (item["status"] or "operational") in UNHEALTHY
    ] + [
        sources[k]
        for k in sources
        if owner_lookup.get(k, {}).get("status") in UNHEALTHY
    ]

    answer: dict[str, Any] = {
        "keys": list(sources.values()),
        "window": request.window.model_dump(mode="json") if request.window else None,
        "impacted": impacted,
        "services": [
            {k: s[k] for k in ("key", "name", "owner", "state", "distance")}
            for s in services
        ],
        "owners": [{"owner": o, "reasons": r} for o, r in sorted(owners.items())],
        "contracts": list(contracts.values()),
        "recent_changes": recent,
        "risk": risk(
            down=sum(1 for s in services if s["state"] == "down"),
            degraded=sum(1 for s in services if s["state"] == "degraded"),
            impacted=len(impacted),
            fragile=sorted(set(fragile)),
            churn=sorted(set(churn)),
            window=request.window,
            truncated=walk.truncated,
        ),
        "truncated": walk.truncated,
    }
    if sees_money:
        answer["cost_at_risk"] = cost_at_risk(
            session, [str(s["key"]) for s in services], now
        )
    return answer


def cost_at_risk(
    session: Session, service_keys: list[str], now: datetime
) -> dict[str, Any]:
    """This month's cost of each impacted business service, and their sum per currency."""
    month = now.strftime("%Y-%m")
    per_service = [service_cost(session, key, month) for key in service_keys]
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for item in per_service:
        for currency, amount in item["total"].items():
            sums[currency] += Decimal(amount)
    return {
        "month": month,
        "total": {c: format(v, "f") for c, v in sorted(sums.items())},
        "services": [{"key": i["key"], "total": i["total"]} for i in per_service],
    }
