"""What the cost-center routes accept and return."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from graphledger.ledger.common import RecordId


class CostCenterCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    parent_id: RecordId | None = None
    owner: str | None = Field(default=None, max_length=200)


class CostCenterUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(default=None, min_length=1, max_length=64)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    parent_id: RecordId | None = None
    owner: str | None = Field(default=None, max_length=200)


class CostCenterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    parent_id: RecordId | None
    owner: str | None
    version: int
    created_at: datetime
    updated_at: datetime
