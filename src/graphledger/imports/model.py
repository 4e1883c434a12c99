"""What every importer produces: CI and relationship items, and what it could not resolve."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class CIItem:
    key: str
    class_: str
    name: str
    attributes: dict[str, Any] = field(default_factory=dict)
    owner: str | None = None
    ref: str = ""  # where in the input it came from, for the report
    scope: str | None = None  # the source scope that reports it, for staleness
    seen_at: datetime | None = None  # when the source saw it (capture time), else now


@dataclass
class RelationshipItem:
    source: str
    type: str
    target: str
    ref: str = ""
    source_field: str = "source"  # the input field named in a rejection
    target_field: str = "target"
    target_name: str | None = None  # resolve the target by CI name instead of key


@dataclass
class AssetItem:
    """One asset of an input: the ledger fields it states, and the records it names.

    `fields` holds only what the input gives (an empty cell sets nothing), in the names of
    `AssetCreate`. `vendor` and `cost_center` name records to match (or create) by name or code;
    `ci_key` is the input's key of the CI the asset is, resolved like a relationship end.
    """

    asset_tag: str
    fields: dict[str, Any] = field(default_factory=dict)
    vendor: str | None = None
    cost_center: str | None = None
    ci_key: str | None = None
    ref: str = ""


@dataclass
class Rejection:
    ref: str
    reason: str
    field: str | None = None


@dataclass
class Deletion:
    """The source says this resource no longer exists (AWS Config `ResourceDeleted`)."""

    key: str
    scope: str
    ref: str = ""


@dataclass
class Batch:
    """The transformed content of one input.

    `scopes` are the source scopes this input covers completely; `complete` is False when part of
    the input could not be read, and then nothing is marked stale.
    """

    cis: list[CIItem] = field(default_factory=list)
    relationships: list[RelationshipItem] = field(default_factory=list)
    assets: list[AssetItem] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    unresolved: list[dict[str, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    scopes: set[str] = field(default_factory=set)
    deletions: list[Deletion] = field(default_factory=list)
    complete: bool = True

    def extend(self, other: "Batch") -> None:
        self.cis += other.cis
        self.relationships += other.relationships
        self.assets += other.assets
        self.rejected += other.rejected
        self.unresolved += other.unresolved
        self.ignored_columns += [
            c for c in other.ignored_columns if c not in self.ignored_columns
        ]
        self.scopes |= other.scopes
        self.deletions += other.deletions
        self.complete = self.complete and other.complete
