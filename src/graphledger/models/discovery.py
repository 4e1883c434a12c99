"""What discovery imports remember beside the CI documents.

- `ci_identifiers`: the normalised identifiers of each CI (serial, hostname, cloud id, ARN, MAC), so
  an incoming item can be matched to an existing CI under another key.
- `ci_field_sources`: which source last set each field of a CI, so a lower source cannot silently
  overwrite a manual edit.
- `ci_observations`: when a source last reported a CI within one of its scopes (an AWS account and
  region, a Kubernetes cluster and namespace, a NetBox instance). Kept here rather than in the CI
  document so that seeing an item again is not a change of the CI.
"""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from graphledger.models.base import Base, utcnow


class CIIdentifier(Base):
    __tablename__ = "ci_identifiers"
    __table_args__ = (Index("ix_ci_identifiers_key_lc", "key_lc"),)

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(400), primary_key=True)
    key_lc: Mapped[str] = mapped_column(String(200), primary_key=True)


class CIFieldSource(Base):
    __tablename__ = "ci_field_sources"

    key_lc: Mapped[str] = mapped_column(String(200), primary_key=True)
    field: Mapped[str] = mapped_column(String(300), primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CIObservation(Base):
    __tablename__ = "ci_observations"
    __table_args__ = (Index("ix_ci_observations_key_lc", "key_lc"),)

    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    scope: Mapped[str] = mapped_column(String(300), primary_key=True)
    key_lc: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_seen_at: Mapped[datetime]
    stale_since: Mapped[datetime | None]
