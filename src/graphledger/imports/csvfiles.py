"""Our own CSV formats (documented in docs/imports.md) and Snipe-IT style asset registers.

- `csv-cis`: columns `key`, `class` (required), `name`, `owner`, `status`; every other non-empty
  cell becomes an attribute of that column's name. A row whose key repeats an earlier row's key
  (ignoring case) is rejected naming that line.
- `csv-relationships`: `source_key`, `type`, `target_key`, or `target_name` instead of `target_key`
  to name the target by its CI name (two CIs with that name: rejected, both named).
- `csv-assets`: rows read and checked here (asset tag, dates, money, currency); loading them needs
  the asset ledger.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from graphledger.graph.registry import CI_STATUSES, RELATIONSHIP_TYPES
from graphledger.imports.csvread import Row, decode, read_rows
from graphledger.imports.model import Batch, CIItem, Rejection, RelationshipItem
from graphledger.imports.parse import ParseError, parse_date, parse_money

CI_COLUMNS = {"key", "class", "name", "owner", "status"}
CI_ALIASES = {"ci_key": "key", "ci_class": "class", "type": "class"}
REL_ALIASES = {"source": "source_key", "target": "target_key", "relationship": "type"}
ASSET_ALIASES = {
    "asset_tag": "asset_tag",
    "tag": "asset_tag",
    "item_name": "name",
    "serial_number": "serial",
    "cost": "purchase_cost",
    "purchase_price": "purchase_cost",
    "order_number": "order_number",
    "cost_centre": "cost_center",
    "asset_eol_date": "eol_date",
    "warranty": "warranty_months",
}


def _problems(row: Row, batch: Batch, ref: str) -> bool:
    for column, reason in row.problems:
        batch.rejected.append(Rejection(ref, reason, column or None))
    return bool(row.problems)


def transform_cis(raw: bytes, name: str, *, encoding: str | None = None) -> Batch:
    """A csv-cis file to CI items; rows with problems are rejected with their line."""
    batch = Batch()
    columns, rows = read_rows(decode(raw, encoding), aliases=CI_ALIASES)
    missing = [c for c in ("key", "class") if c not in columns]
    if missing:
        batch.rejected.append(Rejection(f"{name}:line1", "missing column", missing[0]))
        batch.complete = False
        return batch
    first_line: dict[str, int] = {}
    for row in rows:
        ref = f"line {row.line}"
        if _problems(row, batch, ref):
            continue
        values = row.values
        absent = [c for c in ("key", "class") if not values.get(c)]
        if absent:
            batch.rejected.append(Rejection(ref, f"{absent[0]} is required", absent[0]))
            continue
        key_lc = values["key"].lower()
        if key_lc in first_line:
            batch.rejected.append(
                Rejection(ref, f"same key as line {first_line[key_lc]}", "key")
            )
            continue
        first_line[key_lc] = row.line
        status = values.get("status") or None
        if status is not None and status not in CI_STATUSES:
            batch.rejected.append(
                Rejection(ref, f"unknown status {status!r}", "status")
            )
            continue
        attributes: dict[str, Any] = {
            k: v for k, v in values.items() if k not in CI_COLUMNS and v != ""
        }
        batch.cis.append(
            CIItem(
                key=values["key"],
                class_=values["class"],
                name=values.get("name") or values["key"],
                owner=values.get("owner") or None,
                attributes=attributes,
                ref=ref,
            )
        )
    return batch


def transform_relationships(
    raw: bytes, name: str, *, encoding: str | None = None
) -> Batch:
    """A csv-relationships file to relationship items."""
    batch = Batch()
    columns, rows = read_rows(decode(raw, encoding), aliases=REL_ALIASES)
    missing = [c for c in ("source_key", "type") if c not in columns]
    if missing or not {"target_key", "target_name"} & set(columns):
        batch.rejected.append(
            Rejection(f"{name}:line1", "missing column", (missing or ["target_key"])[0])
        )
        batch.complete = False
        return batch
    seen: dict[tuple[str, str, str], int] = {}
    for row in rows:
        ref = f"line {row.line}"
        if _problems(row, batch, ref):
            continue
        values = row.values
        rel_type = values.get("type", "").upper()
        source, target = values.get("source_key", ""), values.get("target_key", "")
        target_name = values.get("target_name") or None
        if not source:
            batch.rejected.append(
                Rejection(ref, "source_key is required", "source_key")
            )
            continue
        if rel_type not in RELATIONSHIP_TYPES:
            batch.rejected.append(
                Rejection(
                    ref, f"unknown relationship type {values.get('type')!r}", "type"
                )
            )
            continue
        if not target and not target_name:
            batch.rejected.append(
                Rejection(ref, "target_key or target_name is required", "target_key")
            )
            continue
        identity = (source.lower(), rel_type, (target or f"name:{target_name}").lower())
        if identity in seen:
            batch.rejected.append(
                Rejection(
                    ref, f"same relationship as line {seen[identity]}", "source_key"
                )
            )
            continue
        seen[identity] = row.line
        batch.relationships.append(
            RelationshipItem(
                source,
                rel_type,
                target,
                ref,
                source_field="source_key",
                target_field="target_key" if target else "target_name",
                target_name=None if target else target_name,
            )
        )
    return batch


@dataclass
class AssetRow:
    line: int
    asset_tag: str
    name: str | None
    serial: str | None
    purchase_date: date | None
    purchase_cost: Decimal | None
    currency: str | None
    extra: dict[str, str] = field(default_factory=dict)


def read_assets(
    raw: bytes,
    *,
    encoding: str | None = None,
    date_order: str | None = None,
    default_currency: str | None = None,
) -> tuple[list[AssetRow], list[Rejection]]:
    """Asset rows checked field by field; each bad row rejected with its line and field."""
    good: list[AssetRow] = []
    rejected: list[Rejection] = []
    columns, rows = read_rows(decode(raw, encoding), aliases=ASSET_ALIASES)
    if "asset_tag" not in columns:
        return [], [Rejection("line 1", "missing column", "asset_tag")]
    seen: dict[str, int] = {}
    for row in rows:
        ref = f"line {row.line}"
        if row.problems:
            rejected += [
                Rejection(ref, reason, col or None) for col, reason in row.problems
            ]
            continue
        values = row.values
        tag = values.get("asset_tag", "")
        if not tag:
            rejected.append(Rejection(ref, "asset_tag is required", "asset_tag"))
            continue
        if tag.lower() in seen:
            rejected.append(
                Rejection(
                    ref, f"same asset_tag as line {seen[tag.lower()]}", "asset_tag"
                )
            )
            continue
        currency = (values.get("currency") or default_currency or "").upper() or None
        try:
            purchase_date = parse_date(values.get("purchase_date"), date_order)
        except ParseError as error:
            rejected.append(Rejection(ref, str(error), "purchase_date"))
            continue
        try:
            cost = parse_money(values.get("purchase_cost"), currency)
        except ParseError as error:
            rejected.append(Rejection(ref, str(error), "purchase_cost"))
            continue
        seen[tag.lower()] = row.line
        good.append(
            AssetRow(
                line=row.line,
                asset_tag=tag,
                name=values.get("name") or None,
                serial=values.get("serial") or None,
                purchase_date=purchase_date,
                purchase_cost=cost,
                currency=currency,
                extra={
                    k: v
                    for k, v in values.items()
                    if v
                    and k
                    not in (
                        "asset_tag",
                        "name",
                        "serial",
                        "purchase_date",
                        "purchase_cost",
                        "currency",
                    )
                },
            )
        )
    return good, rejected
