"""Our own CSV formats (documented in docs/imports.md) and Snipe-IT style asset registers.

- `csv-cis`: columns `key`, `class` (required), `name`, `owner`, `status`; every other non-empty
  cell becomes an attribute of that column's name. A row whose key repeats an earlier row's key
  (ignoring case) is rejected naming that line.
- `csv-relationships`: `source_key`, `type`, `target_key`, or `target_name` instead of `target_key`
  to name the target by its CI name (two CIs with that name: rejected, both named).
- `csv-assets`: our asset export's columns and Snipe-IT's (aliases below); each row is checked
  field by field (dates per C06, money per C07) and becomes an asset item for the ledger.
"""

import json
import re
from typing import Any

from graphledger.asset.lifecycle import STATES as ASSET_STATES
from graphledger.graph.registry import CI_STATUSES, RELATIONSHIP_TYPES
from graphledger.imports.csvread import Row, decode, normalise_header, read_rows
from graphledger.imports.model import (
    AssetItem,
    Batch,
    CIItem,
    Rejection,
    RelationshipItem,
)
from graphledger.imports.parse import ParseError, parse_date, parse_money

CI_COLUMNS = {"key", "class", "name", "owner", "status"}
CI_ALIASES = {"ci_key": "key", "ci_class": "class", "type": "class"}
REL_ALIASES = {"source": "source_key", "target": "target_key", "relationship": "type"}
ASSET_ALIASES = {
    "tag": "asset_tag",
    "item_name": "name",
    "asset_name": "name",
    "asset_notes": "notes",
    "serial_number": "serial",
    "model_name": "model",
    "cost": "purchase_cost",
    "purchase_price": "purchase_cost",
    "supplier": "vendor",
    "cost_centre": "cost_center",
    "company": "cost_center",
    "status": "state",
    "username": "owner",
    "checked_out_to:_username": "owner",
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


# Snipe-IT's lifecycle labels, as our asset states (docs/imports.md).
STATE_LABELS = {
    "ready_to_deploy": "in_stock",
    "pending": "in_stock",
    "deployed": "in_use",
    "deployable": "in_stock",
    "pending_diagnostics": "in_repair",
    "out_for_diagnostics": "in_repair",
    "out_for_repair": "in_repair",
    "undeployable": "in_repair",
    "broken": "in_repair",
    "archived": "retired",
    "lost": "retired",
    "stolen": "retired",
    "lost/stolen": "retired",
}
ASSET_TEXT = ("name", "notes", "serial", "model", "owner", "location")
ASSET_DATES = ("purchase_date", "in_service_date", "warranty_end")
# Columns our own asset export carries that an import never writes.
EXPORT_READ_ONLY = ("id", "version", "created_at", "updated_at")
ASSET_KNOWN = {
    "asset_tag",
    *ASSET_TEXT,
    *ASSET_DATES,
    "purchase_cost",
    "currency",
    "state",
    "vendor",
    "vendor_id",
    "manufacturer",
    "cost_center",
    "cost_center_id",
    "ci_key",
    "depreciation",
    *EXPORT_READ_ONLY,
}
_MANGLED_NUMBER = re.compile(r"^\d(\.\d+)?e\+\d+$", re.IGNORECASE)


class FieldError(ParseError):
    """A cell that cannot be read, with the column it is in."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


def _state(value: str) -> str:
    label = normalise_header(value)
    if label in ASSET_STATES:
        return label
    if label in STATE_LABELS:
        return STATE_LABELS[label]
    raise ParseError(f"unknown status {value!r}")


def _asset_item(
    values: dict[str, str], ref: str, date_order: str | None, currency: str | None
) -> AssetItem:
    """The fields of one row; ParseError naming its field when a cell cannot be read."""
    fields: dict[str, Any] = {}
    for name in ASSET_TEXT:
        if values.get(name):
            fields[name] = values[name]
    if "serial" in fields and _MANGLED_NUMBER.match(fields["serial"]):
        raise FieldError(
            "serial", f"{fields['serial']!r} is a number a spreadsheet cut"
        )
    for name in ASSET_DATES:
        try:
            day = parse_date(values.get(name), date_order)
        except ParseError as error:
            raise FieldError(name, str(error)) from error
        if day is not None:
            fields[name] = day
    try:
        cost = parse_money(values.get("purchase_cost"), currency)
    except ParseError as error:
        raise FieldError("purchase_cost", str(error)) from error
    if cost is not None:
        if currency is None:
            raise FieldError(
                "currency",
                "a purchase cost needs its currency: add a currency column "
                "or name one for the file (--currency, ?currency=)",
            )
        fields["purchase_cost"] = cost
    if currency is not None:
        fields["currency"] = currency
    if values.get("state"):
        try:
            fields["state"] = _state(values["state"])
        except ParseError as error:
            raise FieldError("state", str(error)) from error
    for name in ("vendor_id", "cost_center_id"):
        if values.get(name):
            if not values[name].isdigit():
                raise FieldError(name, f"{values[name]!r} is not an id")
            fields[name] = int(values[name])
    if values.get("depreciation"):
        try:
            fields["depreciation"] = json.loads(values["depreciation"])
        except ValueError as error:
            raise FieldError("depreciation", "not a JSON object") from error
    return AssetItem(
        asset_tag=values["asset_tag"],
        fields=fields,
        vendor=values.get("vendor") or values.get("manufacturer") or None,
        cost_center=values.get("cost_center") or None,
        ci_key=values.get("ci_key") or None,
        ref=ref,
    )


def transform_assets(
    raw: bytes,
    name: str,
    *,
    encoding: str | None = None,
    date_order: str | None = None,
    default_currency: str | None = None,
) -> Batch:
    """A csv-assets file to asset items; each bad row rejected with its line and field."""
    batch = Batch()
    columns, rows = read_rows(decode(raw, encoding), aliases=ASSET_ALIASES)
    if "asset_tag" not in columns:
        batch.rejected.append(Rejection(f"{name}:line1", "missing column", "asset_tag"))
        batch.complete = False
        return batch
    batch.ignored_columns = [c for c in columns if c not in ASSET_KNOWN]
    seen: dict[str, int] = {}
    for row in rows:
        ref = f"line {row.line}"
        if _problems(row, batch, ref):
            continue
        values = row.values
        tag = values.get("asset_tag", "")
        if not tag:
            batch.rejected.append(Rejection(ref, "asset_tag is required", "asset_tag"))
            continue
        if tag.lower() in seen:
            batch.rejected.append(
                Rejection(
                    ref, f"same asset_tag as line {seen[tag.lower()]}", "asset_tag"
                )
            )
            continue
        currency = (values.get("currency") or default_currency or "").upper() or None
        try:
            item = _asset_item(values, ref, date_order, currency)
        except FieldError as error:
            batch.rejected.append(Rejection(ref, str(error), error.field))
            continue
        seen[tag.lower()] = row.line
        batch.assets.append(item)
    return batch
