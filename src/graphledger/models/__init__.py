"""The ledger store's tables, kept together so Alembic sees them all."""

from graphledger.models.audit import AuditEntry
from graphledger.models.auth import ApiToken
from graphledger.models.base import Base
from graphledger.models.discovery import CIFieldSource, CIIdentifier, CIObservation
from graphledger.models.ledger import (
    Asset,
    AssetMove,
    Contract,
    CostCenter,
    CostEntry,
    License,
    LicenseAssignment,
    Vendor,
    contract_assets,
)
from graphledger.models.topology import (
    CIHead,
    OutboxEntry,
    RelationshipHead,
    TopologyChange,
)

__all__ = [
    "ApiToken",
    "Asset",
    "AssetMove",
    "AuditEntry",
    "Base",
    "CIFieldSource",
    "CIIdentifier",
    "CIObservation",
    "CIHead",
    "Contract",
    "CostCenter",
    "CostEntry",
    "License",
    "LicenseAssignment",
    "OutboxEntry",
    "RelationshipHead",
    "TopologyChange",
    "Vendor",
    "contract_assets",
]
