"""The data-quality health report: four scored dimensions per class and overall, with the items
behind every finding.

Attribute, owner, asset, naming, tag, staleness and identifier checks run as SQL over the CI heads
(JSONB) and the asset ledger; only the checks that need topology (relationships into retired or
stale CIs, CIs with no relationship at all) ask Neo4j.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from itertools import combinations
from typing import Any

from sqlalchemy.orm import Session

from graphledger.graph import neo4j
from graphledger.graph.registry import CI_CLASSES
from graphledger.logs import get_logger
from graphledger.quality import repository
from graphledger.quality.rules import Rules
from graphledger.quality.schemas import Finding, HealthReport, Scores

log = get_logger(__name__)

DIMENSIONS = ("completeness", "correctness", "compliance", "staleness")
# A value shared by more CIs than this is more likely filler than an identifier: it is reported
# as one suspicious value instead of as hundreds of pairs.
MAX_DUPLICATE_GROUP = 20

DESCRIPTIONS = {
    "missing_attributes": ("completeness", "required or recommended attribute empty"),
    "no_owner": ("completeness", "CI without an owner"),
    "hardware_without_asset": ("completeness", "hardware CI linked to no asset"),
    "assets_without_ci": ("completeness", "in-use asset linked to no live CI"),
    "orphans": ("completeness", "CI with no relationship at all"),
    "duplicates": ("correctness", "two keys carrying the same identifier"),
    "widely_shared_identifiers": (
        "correctness",
        "an identifier value on too many CIs to pair them",
    ),
    "relationships_to_retired_or_stale": (
        "correctness",
        "live relationship pointing at a retired or stale CI",
    ),
    "naming": ("compliance", "key or name not matching its class's pattern"),
    "missing_tags": ("compliance", "tag the class's rules require is absent"),
    "rule_attributes": ("compliance", "attribute the class's rules require is empty"),
    "stale": ("staleness", "CI no source has seen within the allowed days"),
}


def _attribute_checks(rules: Rules) -> tuple[list[tuple[str, str, str]], ...]:
    """(class, attribute, level) checks: registry ones (completeness), rule ones (compliance)."""
    registry = [
        (c.name, attribute, level)
        for c in CI_CLASSES.values()
        for level, names in (("required", c.required), ("recommended", c.recommended))
        for attribute in names
        if attribute != "owner"  # the owner check covers it for every class
    ]
    by_rule = [
        (class_name, attribute, "rule")
        for class_name, rule in rules.classes.items()
        for attribute in rule.required_attributes
    ]
    return registry, by_rule


def _duplicate_pairs(
    rows: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Pairs of CIs sharing an identifier, with the evidence, and values shared too widely."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["kind"], row["norm"])].append(row)
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    widely: list[dict[str, Any]] = []
    for (kind, norm), members in groups.items():
        by_key: dict[str, dict[str, Any]] = {}
        for member in members:
            by_key.setdefault(member["key_lc"], member)
        if len(by_key) > MAX_DUPLICATE_GROUP:
            widely.append(
                {
                    "identifier": kind,
                    "normalised": norm,
                    "cis": len(by_key),
                    "sample": sorted(m["key"] for m in by_key.values())[:10],
                }
            )
            continue
        for first, second in combinations(sorted(by_key), 2):
            a, b = by_key[first], by_key[second]
            pair = pairs.setdefault(
                (first, second),
                {
                    "keys": [a["key"], b["key"]],
                    "classes": [a["class_name"], b["class_name"]],
                    "evidence": [],
                },
            )
            pair["evidence"].append(
                {
                    "identifier": kind,
                    "normalised": norm,
                    "values": [
                        {
                            "key": m["key"],
                            "attribute": m["attribute"],
                            "value": m["value"],
                        }
                        for m in members
                        if m["key_lc"] in (first, second)
                    ],
                }
            )
    return [pairs[k] for k in sorted(pairs)], widely


def _score(failed: int, checked: int) -> float:
    if checked <= 0:
        return 100.0
    return round(100.0 * max(checked - failed, 0) / checked, 1)


def _scores(failed: dict[str, int], checked: dict[str, int]) -> Scores:
    values = {d: _score(failed.get(d, 0), checked.get(d, 0)) for d in DIMENSIONS}
    return Scores(**values, overall=round(sum(values.values()) / len(values), 1))


def build_report(
    session: Session,
    rules: Rules,
    *,
    item_limit: int,
    now: datetime | None = None,
) -> HealthReport:
    """Run every check and score it per class and overall."""
    now = now or datetime.now(UTC)
    counts = repository.class_counts(session)
    registry_checks, rule_checks = _attribute_checks(rules)
    items: dict[str, list[dict[str, Any]]] = {name: [] for name in DESCRIPTIONS}

    for key, class_name, attribute, level in repository.missing_attributes(
        session, registry_checks
    ):
        items["missing_attributes"].append(
            {"key": key, "class": class_name, "attribute": attribute, "level": level}
        )
    for key, class_name, attribute, _ in repository.missing_attributes(
        session, rule_checks
    ):
        items["rule_attributes"].append(
            {"key": key, "class": class_name, "attribute": attribute}
        )
    items["no_owner"] = [
        {"key": key, "class": c} for key, c in repository.without_owner(session)
    ]
    hardware = [c.name for c in CI_CLASSES.values() if c.hardware]
    items["hardware_without_asset"] = [
        {"key": key, "class": c}
        for key, c in repository.hardware_without_asset(session, hardware)
    ]
    items["assets_without_ci"] = [
        {
            "asset_id": a.id,
            "asset_tag": a.asset_tag,
            "serial": a.serial,
            "ci_key": a.ci_key,
        }
        for a in repository.in_use_assets_without_ci(session)
    ]
    in_use = repository.in_use_asset_count(session)
    items["orphans"] = [
        {"key": row["key"], "class": row["class"]}
        for row in neo4j.read("quality/orphans")
    ]
    items["duplicates"], items["widely_shared_identifiers"] = _duplicate_pairs(
        repository.shared_identifiers(session)
    )

    cutoff = now - timedelta(days=rules.stale_after_days)
    stale_rows = repository.stale(session, cutoff)
    items["stale"] = [
        {
            "key": key,
            "class": c,
            "last_seen_at": seen.isoformat(),
            "days_unseen": (now - seen).days,
        }
        for key, _, c, seen in stale_rows
    ]
    targets = [{"key_lc": k, "reason": "retired"} for k in repository.retired(session)]
    targets += [{"key_lc": key_lc, "reason": "stale"} for _, key_lc, _, _ in stale_rows]
    bad_relationships = (
        neo4j.read("quality/relationships_into", targets=targets) if targets else []
    )
    items["relationships_to_retired_or_stale"] = [
        {
            "id": r["id"],
            "type": r["type"],
            "source": r["source"],
            "source_class": r["source_class"],
            "target": r["target"],
            "reason": r["reason"],
        }
        for r in bad_relationships
    ]

    for class_name, rule in sorted(rules.classes.items()):
        for field, pattern in (("key", rule.key_pattern), ("name", rule.name_pattern)):
            if pattern is None:
                continue
            for key, c, value in repository.name_violations(
                session, class_name, field, pattern
            ):
                items["naming"].append(
                    {
                        "key": key,
                        "class": c,
                        "field": field,
                        "value": value,
                        "pattern": pattern,
                    }
                )
    tag_checks = [
        (class_name, tag)
        for class_name, rule in rules.classes.items()
        for tag in rule.required_tags
    ]
    items["missing_tags"] = [
        {"key": key, "class": c, "tag": tag}
        for key, c, tag in repository.missing_tags(session, tag_checks)
    ]

    classes, overall = _tally(counts, items, rules, registry_checks, in_use)
    findings = {
        name: Finding(
            dimension=DESCRIPTIONS[name][0],
            description=DESCRIPTIONS[name][1],
            count=len(found),
            truncated=len(found) > item_limit,
            items=found[:item_limit],
        )
        for name, found in items.items()
    }
    log.info(
        "quality.report_built",
        cis=sum(total for total, _ in counts.values()),
        findings=sum(len(v) for v in items.values()),
        duplicate_pairs=len(items["duplicates"]),
    )
    return HealthReport(
        generated_at=now,
        stale_after_days=rules.stale_after_days,
        cis=sum(total for total, _ in counts.values()),
        in_use_assets=in_use,
        overall=overall,
        classes=classes,
        findings=findings,
    )


def _tally(
    counts: dict[str, tuple[int, int]],
    items: dict[str, list[dict[str, Any]]],
    rules: Rules,
    registry_checks: list[tuple[str, str, str]],
    in_use_assets: int,
) -> tuple[list[dict[str, Any]], Scores]:
    """Checked and failed slots per class and dimension, turned into 0-100 scores."""
    failed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    checked: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for class_name, (total, retired) in counts.items():
        attribute_checks = sum(1 for c, _, _ in registry_checks if c == class_name)
        hardware = 1 if CI_CLASSES[class_name].hardware else 0
        checked[class_name]["completeness"] = total * (attribute_checks + 2 + hardware)
        checked[class_name]["correctness"] = total * 2
        rule = rules.classes.get(class_name)
        if rule is not None:
            per_ci = (
                (rule.name_pattern is not None)
                + (rule.key_pattern is not None)
                + len(rule.required_tags)
                + len(rule.required_attributes)
            )
            checked[class_name]["compliance"] = total * per_ci
        checked[class_name]["staleness"] = total - retired

    for name in (
        "missing_attributes",
        "no_owner",
        "hardware_without_asset",
        "orphans",
    ):
        for item in items[name]:
            failed[item["class"]]["completeness"] += 1
    for name in ("naming", "missing_tags", "rule_attributes"):
        for item in items[name]:
            failed[item["class"]]["compliance"] += 1
    for item in items["stale"]:
        failed[item["class"]]["staleness"] += 1
    wrong: set[tuple[str, str]] = set()
    for pair in items["duplicates"]:
        wrong.update(zip(pair["classes"], pair["keys"], strict=True))
    for item in items["relationships_to_retired_or_stale"]:
        wrong.add((item["source_class"], item["source"]))
    for class_name, _ in wrong:
        failed[class_name]["correctness"] += 1

    classes = [
        {
            "class": class_name,
            "cis": counts[class_name][0],
            "scores": _scores(failed[class_name], checked[class_name]).model_dump(),
            "findings": sum(failed[class_name].values()),
        }
        for class_name in sorted(counts)
    ]
    total_failed = {d: sum(failed[c][d] for c in failed) for d in DIMENSIONS}
    total_checked = {d: sum(checked[c][d] for c in checked) for d in DIMENSIONS}
    total_failed["completeness"] += len(items["assets_without_ci"])
    total_checked["completeness"] += in_use_assets
    return classes, _scores(total_failed, total_checked)
