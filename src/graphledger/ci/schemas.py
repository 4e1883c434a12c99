"""What the CI routes accept and return."""

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from graphledger.ci.keys import key_problem
from graphledger.graph.registry import CI_CLASSES

Status = Literal["operational", "degraded", "down", "maintenance", "retired"]
MAX_ATTRIBUTES_BYTES = 64 * 1024


def _check_class(value: str) -> str:
    if value not in CI_CLASSES:
        raise ValueError(f"unknown class; known: {', '.join(sorted(CI_CLASSES))}")
    return value


def storable_json(value: Any) -> str:
    """The JSON text PostgreSQL will store; ValueError for NaN, infinities or lone surrogates."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")
    except (ValueError, UnicodeEncodeError) as error:
        raise ValueError(
            "not storable JSON (NaN, infinity or a lone surrogate)"
        ) from error
    return text


def _check_attributes(value: dict[str, Any]) -> dict[str, Any]:
    if len(storable_json(value)) > MAX_ATTRIBUTES_BYTES:
        raise ValueError(f"attributes exceed {MAX_ATTRIBUTES_BYTES} bytes")
    members = value.get("min_members_up")
    if members is not None and (
        isinstance(members, bool) or not isinstance(members, int) or members < 0
    ):
        raise ValueError("min_members_up is a whole number of at least 0")
    return value


class CICreate(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    key: str
    class_: str = Field(alias="class")
    name: str = Field(min_length=1, max_length=300)
    status: Status = "operational"
    owner: str | None = Field(default=None, max_length=200)
    attributes: dict[str, Any] = Field(default_factory=dict)
    last_seen_at: AwareDatetime | None = None

    @field_validator("key")
    @classmethod
    def valid_key(cls, value: str) -> str:
        problem = key_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("class_")
    @classmethod
    def known_class(cls, value: str) -> str:
        return _check_class(value)

    @field_validator("attributes")
    @classmethod
    def sane_attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _check_attributes(value)


class CIUpdate(BaseModel):
    """A partial update; the key cannot change. Only `owner` and `last_seen_at` may be cleared."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    class_: str | None = Field(default=None, alias="class")
    name: str | None = Field(default=None, min_length=1, max_length=300)
    status: Status | None = None
    owner: str | None = Field(default=None, max_length=200)
    attributes: dict[str, Any] | None = None
    last_seen_at: AwareDatetime | None = None

    @field_validator("class_", "name", "status", "attributes", mode="before")
    @classmethod
    def not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null; leave the field out to keep it")
        return value

    @field_validator("class_")
    @classmethod
    def known_class(cls, value: str | None) -> str | None:
        return None if value is None else _check_class(value)

    @field_validator("attributes")
    @classmethod
    def sane_attributes(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else _check_attributes(value)


class CIRead(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    key: str
    class_: str = Field(alias="class")
    name: str
    status: Status
    owner: str | None
    attributes: dict[str, Any]
    last_seen_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class ChangeRead(BaseModel):
    id: int
    entity: str
    entity_id: str
    op: str
    actor: str
    source: str
    at: datetime
    version: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class PendingWrite(BaseModel):
    """The answer to a write that is kept but not yet applied to the graph (202)."""

    applied: Literal[False] = False
    outbox_ids: list[int]
    detail: str
    resource: dict[str, Any] | None = None
