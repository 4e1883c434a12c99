"""What POST /api/v1/impact accepts and returns."""

from datetime import UTC, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from graphledger.graph.registry import RELATIONSHIP_TYPES


class ImpactRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keys: list[str] = Field(min_length=1, max_length=1000)
    max_depth: int | None = Field(default=None, ge=1)
    max_results: int | None = Field(default=None, ge=1)
    types: list[str] | None = None
    as_of: AwareDatetime | None = None
    # Paging through a large answer: the walk and the states always cover everything reached
    # (a state depends on the whole region), the page only bounds what is sent.
    offset: int = Field(default=0, ge=0)
    page_size: int | None = Field(default=None, ge=1, le=10_000)

    @field_validator("types")
    @classmethod
    def known_types(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        unknown = [t for t in value if t not in RELATIONSHIP_TYPES]
        if unknown:
            raise ValueError(f"unknown relationship types: {', '.join(unknown)}")
        return value

    @field_validator("as_of")
    @classmethod
    def not_in_future(cls, value: datetime | None) -> datetime | None:
        if value is not None and value > datetime.now(UTC):
            raise ValueError("as_of must be in the past or now")
        return value


class ImpactedCI(BaseModel):
    key: str
    class_: str | None = Field(default=None, alias="class")
    name: str | None = None
    owner: str | None = None
    distance: int
    state: Literal["down", "degraded"]
    path: list[str]

    model_config = ConfigDict(populate_by_name=True)


class ImpactedService(BaseModel):
    """A business service among the impacted CIs, with its worst state."""

    key: str
    name: str | None = None
    owner: str | None = None
    state: Literal["down", "degraded"]
    distance: int


class ImpactResponse(BaseModel):
    changed: list[str]
    total: int  # impacted CIs in the whole answer, across pages
    offset: int
    next_offset: int | None = None  # where the next page starts; null on the last page
    impacted: list[ImpactedCI]
    services: list[ImpactedService]
    truncated: bool
    truncated_by: str | None = None
    max_depth: int
    max_results: int
    as_of: datetime | None = None
