"""ledger: vendors, cost centers, assets, contracts, licenses, costs

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 16:35:36.929999
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cost_centers",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "parent_id <> id", name=op.f("ck_cost_centers_not_own_parent")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["cost_centers.id"],
            name=op.f("fk_cost_centers_parent_id_cost_centers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_centers")),
        sa.UniqueConstraint("code", name=op.f("uq_cost_centers_code")),
    )
    op.create_table(
        "vendors",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendors")),
        sa.UniqueConstraint("name", name=op.f("uq_vendors_name")),
    )
    op.create_table(
        "assets",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("asset_tag", sa.String(length=100), nullable=False),
        sa.Column("serial", sa.String(length=200), nullable=True),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("vendor_id", sa.BigInteger(), nullable=True),
        sa.Column("cost_center_id", sa.BigInteger(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("ci_key", sa.String(length=200), nullable=True),
        sa.Column("purchase_cost", sa.Numeric(precision=19, scale=4), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("purchase_date", sa.Date(), nullable=True),
        sa.Column("in_service_date", sa.Date(), nullable=True),
        sa.Column("warranty_end", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("depreciation_method", sa.String(length=32), nullable=True),
        sa.Column("life_months", sa.Integer(), nullable=True),
        sa.Column("salvage_value", sa.Numeric(precision=19, scale=4), nullable=True),
        sa.Column("depreciation_rate", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "currency IS NULL OR currency ~ '^[A-Z]{3}$'",
            name=op.f("ck_assets_currency"),
        ),
        sa.CheckConstraint(
            "depreciation_method IS NULL OR depreciation_method IN"
            " ('straight_line', 'declining_balance')",
            name=op.f("ck_assets_depreciation_method"),
        ),
        sa.CheckConstraint(
            "state IN ('planned', 'ordered', 'in_stock', 'in_use', 'in_repair',"
            " 'retired', 'disposed')",
            name=op.f("ck_assets_state"),
        ),
        sa.CheckConstraint(
            "ci_key = lower(ci_key)", name=op.f("ck_assets_ci_key_lower")
        ),
        sa.CheckConstraint(
            "depreciation_rate > 0", name=op.f("ck_assets_depreciation_rate")
        ),
        sa.CheckConstraint(
            "in_service_date IS NULL OR purchase_date IS NULL OR in_service_date >= purchase_date",
            name=op.f("ck_assets_dates_in_order"),
        ),
        sa.CheckConstraint("life_months > 0", name=op.f("ck_assets_life_months")),
        sa.CheckConstraint("purchase_cost >= 0", name=op.f("ck_assets_purchase_cost")),
        sa.CheckConstraint(
            "purchase_cost IS NULL OR currency IS NOT NULL",
            name=op.f("ck_assets_cost_has_currency"),
        ),
        sa.CheckConstraint(
            "salvage_value >= 0 AND salvage_value <= purchase_cost",
            name=op.f("ck_assets_salvage_value"),
        ),
        sa.ForeignKeyConstraint(
            ["cost_center_id"],
            ["cost_centers.id"],
            name=op.f("fk_assets_cost_center_id_cost_centers"),
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendors.id"], name=op.f("fk_assets_vendor_id_vendors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assets")),
        sa.UniqueConstraint("asset_tag", name=op.f("uq_assets_asset_tag")),
        sa.UniqueConstraint("ci_key", name=op.f("uq_assets_ci_key")),
    )
    op.create_index(
        "ix_assets_cost_center_id", "assets", ["cost_center_id"], unique=False
    )
    op.create_index("ix_assets_vendor_id", "assets", ["vendor_id"], unique=False)
    op.create_table(
        "contracts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("vendor_id", sa.BigInteger(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("notice_days", sa.Integer(), nullable=False),
        sa.Column("auto_renew", sa.Boolean(), nullable=False),
        sa.Column("cost", sa.Numeric(precision=19, scale=4), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "currency IS NULL OR currency ~ '^[A-Z]{3}$'",
            name=op.f("ck_contracts_currency"),
        ),
        sa.CheckConstraint(
            "kind IN ('support', 'maintenance', 'lease', 'warranty', 'subscription')",
            name=op.f("ck_contracts_kind"),
        ),
        sa.CheckConstraint("cost >= 0", name=op.f("ck_contracts_cost")),
        sa.CheckConstraint(
            "cost IS NULL OR currency IS NOT NULL",
            name=op.f("ck_contracts_cost_currency"),
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_contracts_dates"),
        ),
        sa.CheckConstraint("notice_days >= 0", name=op.f("ck_contracts_notice_days")),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendors.id"], name=op.f("fk_contracts_vendor_id_vendors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
    )
    op.create_index("ix_contracts_end_date", "contracts", ["end_date"], unique=False)
    op.create_table(
        "licenses",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("vendor_id", sa.BigInteger(), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("cost", sa.Numeric(precision=19, scale=4), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("notice_days", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "currency IS NULL OR currency ~ '^[A-Z]{3}$'",
            name=op.f("ck_licenses_currency"),
        ),
        sa.CheckConstraint("cost >= 0", name=op.f("ck_licenses_cost")),
        sa.CheckConstraint(
            "cost IS NULL OR currency IS NOT NULL",
            name=op.f("ck_licenses_cost_currency"),
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name=op.f("ck_licenses_dates"),
        ),
        sa.CheckConstraint("notice_days >= 0", name=op.f("ck_licenses_notice_days")),
        sa.CheckConstraint("seats >= 0", name=op.f("ck_licenses_seats")),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendors.id"], name=op.f("fk_licenses_vendor_id_vendors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licenses")),
    )
    op.create_table(
        "asset_moves",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("asset_id", sa.BigInteger(), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "to_state IN ('planned', 'ordered', 'in_stock', 'in_use', 'in_repair',"
            " 'retired', 'disposed')",
            name=op.f("ck_asset_moves_to_state"),
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_asset_moves_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_moves")),
    )
    op.create_index(
        "ix_asset_moves_asset_id", "asset_moves", ["asset_id", "id"], unique=False
    )
    op.create_table(
        "contract_assets",
        sa.Column("contract_id", sa.BigInteger(), nullable=False),
        sa.Column("asset_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"], name=op.f("fk_contract_assets_asset_id_assets")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_assets_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "contract_id", "asset_id", name=op.f("pk_contract_assets")
        ),
    )
    op.create_table(
        "cost_entries",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("asset_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=19, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "currency ~ '^[A-Z]{3}$'", name=op.f("ck_cost_entries_currency")
        ),
        sa.CheckConstraint(
            "EXTRACT(DAY FROM period) = 1", name=op.f("ck_cost_entries_period_month")
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_cost_entries_amount")),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"], name=op.f("fk_cost_entries_asset_id_assets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_entries")),
    )
    op.create_index(
        "ix_cost_entries_asset_id", "cost_entries", ["asset_id", "period"], unique=False
    )
    op.create_index(
        "ix_cost_entries_period", "cost_entries", ["period", "asset_id"], unique=False
    )
    op.create_table(
        "license_assignments",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("license_id", sa.BigInteger(), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column("ci_key", sa.String(length=200), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(assignee IS NULL) <> (ci_key IS NULL)",
            name=op.f("ck_license_assignments_one_holder"),
        ),
        sa.CheckConstraint(
            "ci_key = lower(ci_key)", name=op.f("ck_license_assignments_ci_key_lower")
        ),
        sa.ForeignKeyConstraint(
            ["license_id"],
            ["licenses.id"],
            name=op.f("fk_license_assignments_license_id_licenses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_license_assignments")),
    )
    op.create_index(
        "ix_license_assignments_ci_key", "license_assignments", ["ci_key"], unique=False
    )
    op.create_index(
        "uq_license_assignments_assignee",
        "license_assignments",
        ["license_id", "assignee"],
        unique=True,
        postgresql_where=sa.text("assignee IS NOT NULL"),
    )
    op.create_index(
        "uq_license_assignments_ci_key",
        "license_assignments",
        ["license_id", "ci_key"],
        unique=True,
        postgresql_where=sa.text("ci_key IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_license_assignments_ci_key",
        table_name="license_assignments",
        postgresql_where=sa.text("ci_key IS NOT NULL"),
    )
    op.drop_index(
        "uq_license_assignments_assignee",
        table_name="license_assignments",
        postgresql_where=sa.text("assignee IS NOT NULL"),
    )
    op.drop_index("ix_license_assignments_ci_key", table_name="license_assignments")
    op.drop_table("license_assignments")
    op.drop_index("ix_cost_entries_period", table_name="cost_entries")
    op.drop_index("ix_cost_entries_asset_id", table_name="cost_entries")
    op.drop_table("cost_entries")
    op.drop_table("contract_assets")
    op.drop_index("ix_asset_moves_asset_id", table_name="asset_moves")
    op.drop_table("asset_moves")
    op.drop_table("licenses")
    op.drop_index("ix_contracts_end_date", table_name="contracts")
    op.drop_table("contracts")
    op.drop_index("ix_assets_vendor_id", table_name="assets")
    op.drop_index("ix_assets_cost_center_id", table_name="assets")
    op.drop_table("assets")
    op.drop_table("vendors")
    op.drop_table("cost_centers")
