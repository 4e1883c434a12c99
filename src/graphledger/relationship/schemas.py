"""What the relationship routes accept and return."""

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from graphledger.ci.schemas import storable_json
from graphledger.graph.registry import RELATIONSHIP_TYPES


class RelationshipCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=200)
    type: str
    target: str = Field(min_length=1, max_length=200)
    weight: float | None = Field(default=None, gt=0, le=1_000_000)
    attributes: dict[str, Any] = Field(default_factory=dict)

    @field_validator("attributes")
    @classmethod
    def storable(cls, value: dict[str, Any]) -> dict[str, Any]:
        storable_json(value)
        return value

    @field_validator("weight", mode="before")
    @classmethod
    def not_a_flag(cls, value: Any) -> Any:
        if isinstance(value, bool):  # JSON true would otherwise pass as 1
            raise ValueError("weight is a number, not true or false")
        return value

    @field_validator("type")
    @classmethod
    def known_type(cls, value: str) -> str:
        if value not in RELATIONSHIP_TYPES:
            raise ValueError(f"unknown type; known: {', '.join(RELATIONSHIP_TYPES)}")
        return value


class RelationshipRead(BaseModel):
    id: uuid.UUID
    source: str
    type: str
    target: str
    weight: float | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    version: int
    created_at: datetime


class CIRelationship(BaseModel):
    """One relationship seen from a CI."""

    id: uuid.UUID
    type: str
    direction: Literal["outbound", "inbound"]
    source: str
    target: str
    other: str
    weight: float | None = None
