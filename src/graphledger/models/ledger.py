"""The IT asset ledger: vendors, cost centers, assets and their moves, contracts, licenses,
license assignments and cost entries.

Money columns are NUMERIC with four decimals, each beside its ISO 4217 currency; the checks
below keep the table honest even when a write bypasses the API.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from graphledger.models.base import Base, utcnow

MONEY = Numeric(19, 4)
CURRENCY_CHECK = "currency ~ '^[A-Z]{3}$'"
ASSET_STATES = (
    "planned",
    "ordered",
    "in_stock",
    "in_use",
    "in_repair",
    "retired",
    "disposed",
)
CONTRACT_KINDS = ("support", "maintenance", "lease", "warranty", "subscription")
DEPRECIATION_METHODS = ("straight_line", "declining_balance")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Vendor(Base):
    __tablename__ = "vendors"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    contact: Mapped[str | None] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CostCenter(Base):
    __tablename__ = "cost_centers"
    __table_args__ = (CheckConstraint("parent_id <> id", name="not_own_parent"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("cost_centers.id"))
    owner: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Asset(Base):
    __tablename__ = "assets"
    __table_args__ = (
        CheckConstraint(_one_of("state", ASSET_STATES), name="state"),
        CheckConstraint("purchase_cost >= 0", name="purchase_cost"),
        CheckConstraint(f"currency IS NULL OR {CURRENCY_CHECK}", name="currency"),
        CheckConstraint(
            "purchase_cost IS NULL OR currency IS NOT NULL", name="cost_has_currency"
        ),
        CheckConstraint(
            "in_service_date IS NULL OR purchase_date IS NULL"
            " OR in_service_date >= purchase_date",
            name="dates_in_order",
        ),
        CheckConstraint(
            "depreciation_method IS NULL OR "
            + _one_of("depreciation_method", DEPRECIATION_METHODS),
            name="depreciation_method",
        ),
        CheckConstraint("life_months > 0", name="life_months"),
        CheckConstraint(
            "salvage_value >= 0 AND salvage_value <= purchase_cost",
            name="salvage_value",
        ),
        CheckConstraint("depreciation_rate > 0", name="depreciation_rate"),
        CheckConstraint("ci_key = lower(ci_key)", name="ci_key_lower"),
        Index("ix_assets_cost_center_id", "cost_center_id"),
        Index("ix_assets_vendor_id", "vendor_id"),
        Index("ix_assets_tag_lc", text("lower(asset_tag)")),
        Index(
            "ix_assets_serial_norm",
            text("upper(regexp_replace(serial, '\\s', '', 'g'))"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    asset_tag: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    serial: Mapped[str | None] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(200))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"))
    cost_center_id: Mapped[int | None] = mapped_column(ForeignKey("cost_centers.id"))
    owner: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    ci_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    purchase_cost: Mapped[Decimal | None] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(String(3))
    purchase_date: Mapped[date | None]
    in_service_date: Mapped[date | None]
    warranty_end: Mapped[date | None]
    state: Mapped[str] = mapped_column(String(16))
    depreciation_method: Mapped[str | None] = mapped_column(String(32))
    life_months: Mapped[int | None]
    salvage_value: Mapped[Decimal | None] = mapped_column(MONEY)
    depreciation_rate: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssetMove(Base):
    """One lifecycle move of an asset; the first row of each asset has no `from_state`."""

    __tablename__ = "asset_moves"
    __table_args__ = (
        CheckConstraint(_one_of("to_state", ASSET_STATES), name="to_state"),
        Index("ix_asset_moves_asset_id", "asset_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=utcnow)


contract_assets = Table(
    "contract_assets",
    Base.metadata,
    Column(
        "contract_id",
        ForeignKey("contracts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("asset_id", ForeignKey("assets.id"), primary_key=True),
)


class Contract(Base):
    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint(_one_of("kind", CONTRACT_KINDS), name="kind"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
        CheckConstraint("notice_days >= 0", name="notice_days"),
        CheckConstraint("cost >= 0", name="cost"),
        CheckConstraint(f"currency IS NULL OR {CURRENCY_CHECK}", name="currency"),
        CheckConstraint("cost IS NULL OR currency IS NOT NULL", name="cost_currency"),
        Index("ix_contracts_end_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    notice_days: Mapped[int] = mapped_column(default=0)
    auto_renew: Mapped[bool] = mapped_column(default=False)
    cost: Mapped[Decimal | None] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(String(3))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class License(Base):
    __tablename__ = "licenses"
    __table_args__ = (
        CheckConstraint("seats >= 0", name="seats"),
        CheckConstraint("cost >= 0", name="cost"),
        CheckConstraint(f"currency IS NULL OR {CURRENCY_CHECK}", name="currency"),
        CheckConstraint("cost IS NULL OR currency IS NOT NULL", name="cost_currency"),
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name="dates",
        ),
        CheckConstraint("notice_days >= 0", name="notice_days"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"))
    seats: Mapped[int]
    metric: Mapped[str] = mapped_column(String(32), default="per_user")
    cost: Mapped[Decimal | None] = mapped_column(MONEY)
    currency: Mapped[str | None] = mapped_column(String(3))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    notice_days: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LicenseAssignment(Base):
    """A seat held by a person (`assignee`) or by a CI (`ci_key`), never both."""

    __tablename__ = "license_assignments"
    __table_args__ = (
        CheckConstraint("(assignee IS NULL) <> (ci_key IS NULL)", name="one_holder"),
        CheckConstraint("ci_key = lower(ci_key)", name="ci_key_lower"),
        Index(
            "uq_license_assignments_assignee",
            "license_id",
            "assignee",
            unique=True,
            postgresql_where=text("assignee IS NOT NULL"),
        ),
        Index(
            "uq_license_assignments_ci_key",
            "license_id",
            "ci_key",
            unique=True,
            postgresql_where=text("ci_key IS NOT NULL"),
        ),
        Index("ix_license_assignments_ci_key", "ci_key"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    license_id: Mapped[int] = mapped_column(ForeignKey("licenses.id"))
    assignee: Mapped[str | None] = mapped_column(String(200))
    ci_key: Mapped[str | None] = mapped_column(String(200))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]


class CostEntry(Base):
    """A cost booked on an asset for a month (`period` is the first day of that month)."""

    __tablename__ = "cost_entries"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount"),
        CheckConstraint(CURRENCY_CHECK, name="currency"),
        CheckConstraint("EXTRACT(DAY FROM period) = 1", name="period_month"),
        Index("ix_cost_entries_period", "period", "asset_id"),
        Index("ix_cost_entries_asset_id", "asset_id", "period"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    period: Mapped[date]
    category: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
