"""discovery: CI identifiers, field sources, observations per source scope

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ci_identifiers",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=400), nullable=False),
        sa.Column("key_lc", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("kind", "value", "key_lc", name="pk_ci_identifiers"),
    )
    op.create_index("ix_ci_identifiers_key_lc", "ci_identifiers", ["key_lc"])
    op.create_table(
        "ci_field_sources",
        sa.Column("key_lc", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_lc", "field", name="pk_ci_field_sources"),
    )
    op.create_table(
        "ci_observations",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=300), nullable=False),
        sa.Column("key_lc", sa.String(length=200), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stale_since", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("source", "scope", "key_lc", name="pk_ci_observations"),
    )
    op.create_index("ix_ci_observations_key_lc", "ci_observations", ["key_lc"])


def downgrade() -> None:
    op.drop_index("ix_ci_observations_key_lc", table_name="ci_observations")
    op.drop_table("ci_observations")
    op.drop_table("ci_field_sources")
    op.drop_index("ix_ci_identifiers_key_lc", table_name="ci_identifiers")
    op.drop_table("ci_identifiers")
