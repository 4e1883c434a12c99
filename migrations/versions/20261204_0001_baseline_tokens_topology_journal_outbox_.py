"""baseline: tokens, topology journal, outbox, audit

Revision ID: 0001
Revises:
Create Date: 2026-12-04 16:27:00.486414
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('viewer', 'sre', 'change_manager', 'finance', 'admin')",
            name=op.f("ck_api_tokens_role"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"], unique=False)
    op.create_table(
        "ci_heads",
        sa.Column("key_lc", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("class_name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("key_lc = lower(key)", name=op.f("ck_ci_heads_key_lc")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_ci_heads_version")),
        sa.PrimaryKeyConstraint("key_lc", name=op.f("pk_ci_heads")),
    )
    op.create_table(
        "relationship_heads",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source_lc", sa.String(length=200), nullable=False),
        sa.Column("target_lc", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationship_heads")),
    )
    op.create_index(
        "ix_relationship_heads_target_lc",
        "relationship_heads",
        ["target_lc"],
        unique=False,
    )
    op.create_index(
        "uq_relationship_heads_live",
        "relationship_heads",
        ["source_lc", "type", "target_lc"],
        unique=True,
        postgresql_where=sa.text("NOT deleted"),
    )
    op.create_table(
        "topology_changes",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("op", sa.String(length=16), nullable=False),
        sa.Column("ci_keys", postgresql.ARRAY(sa.String(length=200)), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.CheckConstraint(
            "entity IN ('ci', 'relationship')", name=op.f("ck_topology_changes_entity")
        ),
        sa.CheckConstraint(
            "op IN ('create', 'update', 'delete')", name=op.f("ck_topology_changes_op")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topology_changes")),
    )
    op.create_index("ix_topology_changes_at", "topology_changes", ["at"], unique=False)
    op.create_index(
        "ix_topology_changes_ci_keys",
        "topology_changes",
        ["ci_keys"],
        unique=False,
        postgresql_using="gin",
    )
    op.create_index(
        "ix_topology_changes_entity",
        "topology_changes",
        ["entity", "entity_id", "id"],
        unique=False,
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("change_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'applied', 'failed')", name=op.f("ck_outbox_status")
        ),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["topology_changes.id"],
            name=op.f("fk_outbox_change_id_topology_changes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["id"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_outbox_pending",
        table_name="outbox",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_table("outbox")
    op.drop_index("ix_topology_changes_entity", table_name="topology_changes")
    op.drop_index(
        "ix_topology_changes_ci_keys",
        table_name="topology_changes",
        postgresql_using="gin",
    )
    op.drop_index("ix_topology_changes_at", table_name="topology_changes")
    op.drop_table("topology_changes")
    op.drop_index(
        "uq_relationship_heads_live",
        table_name="relationship_heads",
        postgresql_where=sa.text("NOT deleted"),
    )
    op.drop_index("ix_relationship_heads_target_lc", table_name="relationship_heads")
    op.drop_table("relationship_heads")
    op.drop_table("ci_heads")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("api_tokens")
