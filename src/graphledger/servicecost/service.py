"""A service's monthly cost: the ledger's asset costs flowed up the graph in Neo4j.

Costs travel along the relationship types that make one CI need another in one direction only
(DEPENDS_ON, RUNS_ON, HOSTED_ON, LOCATED_IN, and MEMBER_OF from member to group). CONNECTS_TO
carries impact both ways but no cost: a network peer is not a consumer of what it talks to.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy.orm import Session

from graphledger.errors import Unprocessable
from graphledger.graph import neo4j
from graphledger.graph.registry import RELATIONSHIP_TYPES, Impact, impact_types
from graphledger.impact.service import GraphWalk
from graphledger.ledger.costs import assets_by_ci_key, monthly_cost
from graphledger.ledger.money import MINOR_UNITS, quantize
from graphledger.logs import get_logger
from graphledger.servicecost.allocation import Upstream, Weight
from graphledger.settings import get_settings

log = get_logger(__name__)
COST_TYPES = [
    t.name
    for t in RELATIONSHIP_TYPES.values()
    if t.impact in (Impact.TO_SOURCE, Impact.TO_TARGET)
]


def parse_month(text: str) -> date:
    """`YYYY-MM` as the first day of that month; 422 naming `month` otherwise."""
    try:
        year, month = text.split("-")
        # int() reads any script's digits; a month is written in ASCII ones
        if len(year) != 4 or len(month) != 2 or not text.isascii():
            raise ValueError(text)
        return date(int(year), int(month), 1)
    except ValueError as error:
        raise Unprocessable(
            "month is YYYY-MM, such as 2026-11", field="month"
        ) from error


def to_units(amount: Decimal, currency: str) -> int:
    """An amount rounded once, half-even, to whole minor units of its currency."""
    return int(quantize(amount, currency).scaleb(MINOR_UNITS.get(currency, 2)))


def from_units(units: int, currency: str) -> str:
    digits = MINOR_UNITS.get(currency, 2)
    return format(
        Decimal(units).scaleb(-digits).quantize(Decimal(1).scaleb(-digits)), "f"
    )


@dataclass
class Region:
    """What a service's cost depends on: its upstream CIs and every dependant of those, with the
    summed weight of each (dependency -> {dependant: weight})."""

    key_lc: str
    key: str
    upstream: GraphWalk
    order: list[str]
    paths: dict[str, list[str]]
    dependants: dict[str, dict[str, Weight]]
    names: dict[str, dict[str, Any]]
    truncated: bool


def _weight(value: Any) -> Weight:
    """A relationship's weight exactly as written (1 when absent or zero); a whole number stays
    an int, so the usual estate of unweighted relationships is split in plain integers."""
    if value in (None, 0):
        return 1
    exact = Fraction(str(value))
    return exact.numerator if exact.denominator == 1 else exact


def region_of(key: str) -> Region:
    """Walk upstream from the service, then one step down from each CI found for its dependants."""
    settings = get_settings()
    up = GraphWalk(upstream=True, types=COST_TYPES)
    sources, walk, _ = up.region(
        [key],
        max_depth=settings.upstream_max_depth,
        max_results=settings.upstream_max_results,
    )
    key_lc = next(iter(sources))
    found = list(walk.reached)
    directions = impact_types(COST_TYPES)
    dependants: dict[str, dict[str, Weight]] = {}
    chunk = 5_000
    for start in range(0, len(found), chunk):
        rows = neo4j.read(
            "servicecost/dependants",
            frontier=found[start : start + chunk],
            **directions,
        )
        for row in rows:
            those = dependants.setdefault(row["from_key"], {})
            for dependant, weight in zip(row["keys"], row["weights"], strict=True):
                w = _weight(weight)
                those[dependant] = those[dependant] + w if dependant in those else w
    names = dict(up.details)
    names.setdefault(key_lc, {"key": sources[key_lc]})
    return Region(
        key_lc=key_lc,
        key=sources[key_lc],
        upstream=up,
        order=walk.order,
        paths={k: walk.path(k) for k in walk.order},
        dependants=dependants,
        names=names,
        truncated=walk.truncated,
    )


def own_costs(
    session: Session, keys: list[str], month: date
) -> dict[str, dict[str, int]]:
    """Each CI's own cost for the month in whole minor units per currency (its asset's)."""
    linked = assets_by_ci_key(session, keys)
    by_asset = monthly_cost(session, list(linked.values()), month) if linked else {}
    result: dict[str, dict[str, int]] = {}
    for ci_key, asset_id in linked.items():
        amounts = by_asset.get(asset_id) or {}
        units = {c: to_units(a, c) for c, a in amounts.items() if a}
        if units:
            result[ci_key.lower()] = units
    return result


def service_cost(session: Session, key: str, month_text: str) -> dict[str, Any]:
    """The cost of a service for a month, per currency, with the share taken from each CI."""
    month = parse_month(month_text)
    region = region_of(key)
    upstream = Upstream(region.key_lc, region.dependants)
    costs = own_costs(session, sorted({region.key_lc, *region.order}), month)
    currencies = sorted({c for amounts in costs.values() for c in amounts})
    total = {
        currency: from_units(
            upstream.carried({k: units.get(currency, 0) for k, units in costs.items()}),
            currency,
        )
        for currency in currencies
    }
    fractions = upstream.fractions()
    breakdown = []
    for key_lc in [region.key_lc, *region.order]:
        own = costs.get(key_lc)
        share = fractions.get(key_lc, Fraction(0))
        if not own or not share:
            continue
        breakdown.append(
            {
                "key": region.names.get(key_lc, {}).get("key", key_lc),
                "class": region.names.get(key_lc, {}).get("class"),
                "cost": {c: from_units(u, c) for c, u in sorted(own.items())},
                "share": format(
                    Decimal(share.numerator) / Decimal(share.denominator), ".6f"
                ),
                "amount": {
                    c: from_units(round(Fraction(u) * share), c)
                    for c, u in sorted(own.items())
                },
                "path": region.paths.get(key_lc, [region.key]),
            }
        )
    log.info(
        "servicecost.computed",
        ci_key=region.key,
        month=month_text,
        total=total,
        beneath=len(region.order),
    )
    return {
        "key": region.key,
        "month": month_text,
        "total": total,
        "top_level": upstream.top_level,
        "breakdown": breakdown,
        "truncated": region.truncated,
    }
