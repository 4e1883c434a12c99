"""The journal of topology changes, its per-entity heads, and the outbox towards Neo4j.

The journal is the system of record for the graph's history. A head row is the latest journal
state of one CI or relationship; it lets a write be validated (key taken, version current, both
ends present) inside the same PostgreSQL transaction that appends the journal and outbox rows,
whether or not Neo4j is reachable at that moment.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from graphledger.models.base import Base, utcnow


class CIHead(Base):
    __tablename__ = "ci_heads"
    __table_args__ = (
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint("key_lc = lower(key)", name="key_lc"),
    )

    key_lc: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    class_name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    deleted: Mapped[bool] = mapped_column(default=False)
    document: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class RelationshipHead(Base):
    __tablename__ = "relationship_heads"
    __table_args__ = (
        Index(
            "uq_relationship_heads_live",
            "source_lc",
            "type",
            "target_lc",
            unique=True,
            postgresql_where=text("NOT deleted"),
        ),
        Index("ix_relationship_heads_target_lc", "target_lc"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    source_lc: Mapped[str] = mapped_column(String(200))
    target_lc: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    deleted: Mapped[bool] = mapped_column(default=False)
    document: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopologyChange(Base):
    __tablename__ = "topology_changes"
    __table_args__ = (
        Index("ix_topology_changes_ci_keys", "ci_keys", postgresql_using="gin"),
        Index("ix_topology_changes_entity", "entity", "entity_id", "id"),
        Index("ix_topology_changes_at", "at"),
        CheckConstraint("entity IN ('ci', 'relationship')", name="entity"),
        CheckConstraint("op IN ('create', 'update', 'delete')", name="op"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(16))  # ci | relationship
    entity_id: Mapped[str] = mapped_column(String(200))  # CI key_lc or relationship id
    op: Mapped[str] = mapped_column(String(16))  # create | update | delete
    ci_keys: Mapped[list[str]] = mapped_column(ARRAY(String(200)))
    actor: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(64), default="api")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class OutboxEntry(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "id", postgresql_where=text("status = 'pending'")),
        CheckConstraint("status IN ('pending', 'applied', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    change_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("topology_changes.id")
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None]
