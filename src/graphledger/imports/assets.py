"""Loading asset items into the ledger through the asset service, idempotently.

Matching (docs/imports.md): the asset tag, ignoring case; else the serial, compared upper-cased
without spaces (placeholders such as `N/A` never match). Two assets with that serial: the item is
rejected naming both. A matched asset keeps its stored tag. Only the fields the input states are
compared and written, so a second run, or our own CSV export imported back, changes nothing.

Vendors are matched by name, cost centers by code and then by name (ignoring case); one the
ledger lacks is created with the item, and forgotten again if the item is rejected.
Each item is written inside a savepoint of its own: a rejected item leaves nothing behind.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from graphledger.asset import repository as asset_repository
from graphledger.asset import service as asset_service
from graphledger.asset.schemas import AssetCreate, AssetUpdate, DepreciationSettings
from graphledger.ci import repository as ci_repository
from graphledger.cost_center import service as cost_center_service
from graphledger.cost_center.schemas import CostCenterCreate
from graphledger.errors import GraphledgerError
from graphledger.imports.identify import normalise_serial
from graphledger.imports.model import AssetItem
from graphledger.ledger import repository as ledger_repository
from graphledger.models import Asset, CostCenter, Vendor
from graphledger.vendor import service as vendor_service
from graphledger.vendor.schemas import VendorCreate

CHUNK = 500


class AssetRejected(Exception):
    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.field = reason, field


@dataclass
class References:
    """Vendors and cost centers by lower-cased name or code, filled as a load goes."""

    vendors: dict[str, int] = field(default_factory=dict)
    center_codes: dict[str, int] = field(default_factory=dict)
    center_names: dict[str, list[int]] = field(default_factory=dict)
    made: list[tuple[str, str]] = field(
        default_factory=list
    )  # created by the current item

    def prefetch(self, session: Session, items: list[AssetItem]) -> None:
        names = sorted(
            {i.vendor.lower() for i in items if i.vendor} - set(self.vendors)
        )
        for vendor in ledger_repository.by_lower(session, Vendor, Vendor.name, names):
            self.vendors.setdefault(vendor.name.lower(), vendor.id)
        refs = sorted({i.cost_center.lower() for i in items if i.cost_center})
        refs = [r for r in refs if r not in self.center_codes]
        for center in ledger_repository.by_lower(
            session, CostCenter, CostCenter.code, refs
        ):
            self.center_codes.setdefault(center.code.lower(), center.id)
        for center in ledger_repository.by_lower(
            session, CostCenter, CostCenter.name, refs
        ):
            ids = self.center_names.setdefault(center.name.lower(), [])
            if center.id not in ids:
                ids.append(center.id)

    def vendor_id(self, session: Session, name: str) -> int:
        known = self.vendors.get(name.lower())
        if known is not None:
            return known
        vendor = vendor_service.create_vendor(
            session, VendorCreate.model_validate({"name": name[:200]})
        )
        self.vendors[name.lower()] = vendor.id
        self.made.append(("vendor", name.lower()))
        return vendor.id

    def cost_center_id(self, session: Session, ref: str) -> int:
        key = ref.lower()
        if key in self.center_codes:
            return self.center_codes[key]
        ids = self.center_names.get(key, [])
        if len(ids) > 1:
            raise AssetRejected(
                f"{len(ids)} cost centers are named {ref!r} (ids "
                f"{', '.join(map(str, ids))}); name one by its code",
                "cost_center",
            )
        if ids:
            return ids[0]
        center = cost_center_service.create_cost_center(
            session,
            CostCenterCreate.model_validate({"code": ref[:64], "name": ref[:200]}),
        )
        self.center_codes[key] = center.id
        self.made.append(("cost_center", key))
        return center.id

    def forget_made(self) -> None:
        """Drop what the current item created: its savepoint was rolled back."""
        for kind, key in self.made:
            if kind == "vendor":
                self.vendors.pop(key, None)
            else:
                self.center_codes.pop(key, None)
        self.made.clear()


@dataclass
class Known:
    """Assets of the current chunk by lower-cased tag and compared serial."""

    by_tag: dict[str, Asset] = field(default_factory=dict)
    by_serial: dict[str, list[Asset]] = field(default_factory=dict)

    def add(self, asset: Asset) -> None:
        self.by_tag[asset.asset_tag.lower()] = asset
        serial = normalise_serial(asset.serial)
        if serial is not None:
            owners = self.by_serial.setdefault(serial, [])
            if all(a.id != asset.id for a in owners):
                owners.append(asset)


def _prefetch(session: Session, items: list[AssetItem]) -> Known:
    """The existing assets a chunk may match, in two queries."""
    known = Known()
    for asset in asset_repository.by_tags_lc(
        session, sorted({i.asset_tag.lower() for i in items})
    ):
        known.add(asset)
    serials = sorted(
        {s for i in items if (s := normalise_serial(i.fields.get("serial")))}
    )
    if serials:
        for asset in asset_repository.by_serials(session, serials):
            known.add(asset)
    return known


def _match(known: Known, item: AssetItem) -> Asset | None:
    asset = known.by_tag.get(item.asset_tag.lower())
    if asset is not None:
        return asset
    serial = normalise_serial(item.fields.get("serial"))
    owners = known.by_serial.get(serial, []) if serial else []
    if len(owners) > 1:
        raise AssetRejected(
            f"serial {serial} is on more than one asset: "
            f"{', '.join(a.asset_tag for a in owners)}",
            "serial",
        )
    return owners[0] if owners else None


def _differs(asset: Asset, name: str, value: Any) -> bool:
    if name == "depreciation":
        wanted = DepreciationSettings.model_validate(value)
        return (
            asset.depreciation_method != wanted.method
            or asset.life_months != wanted.life_months
            or (asset.salvage_value or 0) != wanted.salvage_value
            or asset.depreciation_rate != wanted.rate
        )
    if name == "ci_key":
        return asset.ci_key != (value.lower() if value else None)
    if name == "serial":  # the same serial spelt with other spaces or case
        return normalise_serial(asset.serial) != normalise_serial(value)
    return bool(getattr(asset, name) != value)


def _fields(
    session: Session, refs: References, item: AssetItem, ci_key: str | None
) -> dict[str, Any]:
    fields = dict(item.fields)
    if item.vendor and "vendor_id" not in fields:
        fields["vendor_id"] = refs.vendor_id(session, item.vendor)
    if item.cost_center and "cost_center_id" not in fields:
        fields["cost_center_id"] = refs.cost_center_id(session, item.cost_center)
    if ci_key is not None:
        fields["ci_key"] = ci_key
    return fields


def load_one(
    session: Session,
    refs: References,
    known: Known,
    item: AssetItem,
    *,
    ci_key: str | None,
    actor: str,
) -> tuple[str, list[str]]:
    """Create or update one asset; the outcome and the fields it wrote."""
    asset = _match(known, item)
    if asset is None:
        data = AssetCreate.model_validate(
            {"asset_tag": item.asset_tag, **_fields(session, refs, item, ci_key)}
        )
        created = asset_service.create_asset(session, data, actor=actor)
        known.add(created)
        return "created", []
    fields = _fields(session, refs, item, ci_key)
    changes = {k: v for k, v in fields.items() if _differs(asset, k, v)}
    if not changes:
        return "unchanged", []
    update = AssetUpdate.model_validate(changes).model_dump(exclude_unset=True)
    asset_service.update_asset(
        session, str(asset.id), update, if_match=None, actor=actor
    )
    known.add(asset)
    return "updated", sorted(changes)


def reason_of(error: Exception) -> tuple[str, str | None]:
    """The reason and field an item is rejected with."""
    if isinstance(error, AssetRejected):
        return error.reason, error.field
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        loc = [str(p) for p in first.get("loc", ()) if not str(p).isdigit()]
        return first.get("msg", "invalid"), ".".join(loc) or None
    if isinstance(error, GraphledgerError):
        errors = error.extra.get("errors") or []
        field_name = errors[0].get("field") if errors else error.extra.get("field")
        return error.detail, field_name
    raise error


def chunks(items: list[AssetItem], size: int = CHUNK) -> Iterator[list[AssetItem]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Bulk:
    """New assets of a chunk checked but not yet written, and what they hold."""

    waiting: list[tuple[AssetItem, Asset, str | None]] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    serials: set[str] = field(default_factory=set)
    cis: set[str] = field(default_factory=set)

    def touches(self, item: AssetItem, ci_key: str | None) -> bool:
        """Whether the item names a tag, serial or CI a waiting asset holds: it must then see
        that asset written, as it would one item after the other."""
        serial = normalise_serial(item.fields.get("serial"))
        return (
            item.asset_tag.lower() in self.tags
            or (serial is not None and serial in self.serials)
            or (ci_key is not None and ci_key.lower() in self.cis)
        )

    def hold(self, item: AssetItem, asset: Asset, ci_key: str | None) -> None:
        self.waiting.append((item, asset, ci_key))
        self.tags.add(item.asset_tag.lower())
        serial = normalise_serial(asset.serial)
        if serial is not None:
            self.serials.add(serial)
        if asset.ci_key is not None:
            self.cis.add(asset.ci_key)


def _creates_references(refs: References, item: AssetItem) -> bool:
    """Whether loading the item would create a vendor or cost center (or must name one)."""
    if item.vendor and "vendor_id" not in item.fields:
        if item.vendor.lower() not in refs.vendors:
            return True
    if item.cost_center and "cost_center_id" not in item.fields:
        key = item.cost_center.lower()
        if key not in refs.center_codes and len(refs.center_names.get(key, [])) != 1:
            return True
    return False


def load_assets(
    session: Session,
    items: list[AssetItem],
    *,
    actor: str,
    resolve_ci: Callable[[str], str],
    on_outcome: Callable[[AssetItem, str, list[str]], None],
    on_reject: Callable[[AssetItem, str, str | None], None],
) -> None:
    """Load items chunk by chunk; report each outcome by callback, in input order.

    A new asset that creates no vendor or cost center is checked against what the chunk read
    at once (tags, serials, live CIs and the assets linked to them) and written with the
    others in one flush. Any other item (a match to update, a reference to create, a tag,
    serial or CI a waiting asset holds) goes alone inside a savepoint, as before, once the
    waiting ones are written; so does every waiting one if the store refuses the flush.
    """
    refs = References()

    def one(item: AssetItem, known: Known) -> None:
        savepoint = session.begin_nested()
        try:
            ci_key = resolve_ci(item.ci_key) if item.ci_key else None
            outcome, changed = load_one(
                session, refs, known, item, ci_key=ci_key, actor=actor
            )
            savepoint.commit()
            refs.made.clear()
        except (AssetRejected, ValidationError, GraphledgerError) as error:
            savepoint.rollback()
            refs.forget_made()
            reason, field_name = reason_of(error)
            on_reject(item, reason, field_name)
            return
        on_outcome(item, outcome, changed)

    def write(bulk: _Bulk, known: Known) -> None:
        if not bulk.waiting:
            return
        waiting = list(bulk.waiting)
        bulk.waiting.clear()
        bulk.tags.clear()
        bulk.serials.clear()
        bulk.cis.clear()
        savepoint = session.begin_nested()
        try:
            asset_service.add_assets(session, [a for _, a, _ in waiting], actor=actor)
            savepoint.commit()
        except (GraphledgerError, DBAPIError):
            savepoint.rollback()  # a concurrent writer took a tag or CI: one by one
            for item, _, _ in waiting:
                one(item, known)
            return
        for item, asset, _ in waiting:
            known.add(asset)
            on_outcome(item, "created", [])

    for chunk in chunks(items):
        known = _prefetch(session, chunk)
        refs.prefetch(session, chunk)
        keys = sorted({resolve_ci(i.ci_key).lower() for i in chunk if i.ci_key})
        live = set(ci_repository.live_keys(session, keys))
        linked = {a.ci_key: a for a in asset_repository.by_ci_keys(session, keys)}
        bulk = _Bulk()
        for item in chunk:
            ci_key = resolve_ci(item.ci_key) if item.ci_key else None
            try:
                alone = (
                    _match(known, item) is not None
                    or _creates_references(refs, item)
                    or bulk.touches(item, ci_key)
                )
                if not alone:
                    data = AssetCreate.model_validate(
                        {
                            "asset_tag": item.asset_tag,
                            **_fields(session, refs, item, ci_key),
                        }
                    )
                    asset = asset_service.new_asset(session, data)
                    if asset.ci_key is not None:
                        asset_service.check_ci_link(
                            asset, asset.ci_key in live, linked.get(asset.ci_key)
                        )
            except (AssetRejected, ValidationError, GraphledgerError) as error:
                reason, field_name = reason_of(error)
                on_reject(item, reason, field_name)
                continue
            if alone:
                write(bulk, known)
                one(item, known)
            else:
                bulk.hold(item, asset, ci_key)
        write(bulk, known)
