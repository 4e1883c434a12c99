"""What every importer produces: CI and relationship items, and what it could not resolve."""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CIItem:
    key: str
    class_: str
    name: str
    attributes: dict[str, Any] = field(default_factory=dict)
    owner: str | None = None
    ref: str = ""  # where in the input it came from, for the report


@dataclass
class RelationshipItem:
    source: str
    type: str
    target: str
    ref: str = ""


@dataclass
class Rejection:
    ref: str
    reason: str
    field: str | None = None


@dataclass
class Batch:
    """The transformed content of one input."""

    cis: list[CIItem] = field(default_factory=list)
    relationships: list[RelationshipItem] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    unresolved: list[dict[str, str]] = field(default_factory=list)
