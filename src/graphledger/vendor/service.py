"""Vendor writes; services flush and never commit."""

from typing import Any

from sqlalchemy.orm import Session

from graphledger.errors import Unprocessable
from graphledger.ledger.common import (
    apply_changes,
    check_version,
    flush_guarded,
    require,
)
from graphledger.models import Vendor
from graphledger.vendor.schemas import VendorCreate


def create_vendor(session: Session, data: VendorCreate) -> Vendor:
    """A new vendor; 409 when the name is taken."""
    vendor = Vendor(**data.model_dump())
    session.add(vendor)
    flush_guarded(session, "vendor")
    return vendor


def update_vendor(
    session: Session, vendor_id: int, changes: dict[str, Any], *, if_match: str | None
) -> Vendor:
    """Change a vendor's fields, honouring If-Match."""
    vendor = require(session, Vendor, vendor_id, "vendor", lock=True)
    check_version(vendor, if_match, "vendor")
    if "name" in changes and changes["name"] is None:
        raise Unprocessable("a vendor keeps a name", field="name")
    apply_changes(vendor, changes)
    flush_guarded(session, "vendor")
    return vendor


def delete_vendor(session: Session, vendor_id: int, *, if_match: str | None) -> None:
    """Remove a vendor nothing refers to; 409 while assets, contracts or licenses do."""
    vendor = require(session, Vendor, vendor_id, "vendor", lock=True)
    check_version(vendor, if_match, "vendor")
    session.delete(vendor)
    flush_guarded(session, "vendor deletion")
