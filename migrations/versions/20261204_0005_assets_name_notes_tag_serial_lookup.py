"""assets: name and notes, and case-insensitive lookups by asset tag and serial for imports

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-04 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("assets", sa.Column("name", sa.String(length=200), nullable=True))
    op.add_column("assets", sa.Column("notes", sa.Text(), nullable=True))
    op.create_index("ix_assets_tag_lc", "assets", [sa.text("lower(asset_tag)")])
    op.create_index(
        "ix_assets_serial_norm",
        "assets",
        [sa.text("upper(regexp_replace(serial, '\\s', '', 'g'))")],
    )


def downgrade() -> None:
    op.drop_index("ix_assets_serial_norm", table_name="assets")
    op.drop_index("ix_assets_tag_lc", table_name="assets")
    op.drop_column("assets", "notes")
    op.drop_column("assets", "name")
