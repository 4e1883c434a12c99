"""What the asset routes accept and return."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from graphledger.ledger.common import RecordId
from graphledger.ledger.money import Amount, Currency

State = Literal[
    "planned", "ordered", "in_stock", "in_use", "in_repair", "retired", "disposed"
]
Method = Literal["straight_line", "declining_balance"]


class DepreciationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Method
    life_months: int = Field(ge=1, le=1200)
    salvage_value: Amount = Decimal("0")
    rate: Decimal | None = Field(
        default=None,
        gt=0,
        le=100,
        description="yearly rate of declining balance, such as 0.40",
    )


class AssetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    asset_tag: str = Field(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$")
    name: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=10000)
    serial: str | None = Field(default=None, max_length=200)
    model: str | None = Field(default=None, max_length=200)
    vendor_id: RecordId | None = None
    cost_center_id: RecordId | None = None
    owner: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    ci_key: str | None = Field(default=None, max_length=200)
    purchase_cost: Amount | None = None
    currency: Currency | None = None
    purchase_date: date | None = None
    in_service_date: date | None = None
    warranty_end: date | None = None
    state: State = "in_stock"
    depreciation: DepreciationSettings | None = None


class AssetUpdate(BaseModel):
    """A partial update; `state` goes through the lifecycle."""

    model_config = ConfigDict(extra="forbid")

    asset_tag: str | None = Field(
        default=None, min_length=1, max_length=100, pattern=r"^\S(.*\S)?$"
    )
    name: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=10000)
    serial: str | None = Field(default=None, max_length=200)
    model: str | None = Field(default=None, max_length=200)
    vendor_id: RecordId | None = None
    cost_center_id: RecordId | None = None
    owner: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)
    ci_key: str | None = Field(default=None, max_length=200)
    purchase_cost: Amount | None = None
    currency: Currency | None = None
    purchase_date: date | None = None
    in_service_date: date | None = None
    warranty_end: date | None = None
    state: State | None = None
    depreciation: DepreciationSettings | None = None
    # Read-only fields, accepted so that a GET body can be sent back as it was read.
    id: int | None = None
    version: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class DepreciationRead(BaseModel):
    method: Method
    life_months: int
    salvage_value: str | None = None
    rate: str | None = None


class AssetRead(BaseModel):
    """An asset; `purchase_cost` and `salvage_value` reach finance and admin only."""

    id: int
    asset_tag: str
    name: str | None = None
    notes: str | None = None
    serial: str | None
    model: str | None
    vendor_id: RecordId | None
    cost_center_id: RecordId | None
    owner: str | None
    location: str | None
    ci_key: str | None
    purchase_cost: str | None = None
    currency: str | None
    purchase_date: date | None
    in_service_date: date | None
    warranty_end: date | None
    state: State
    depreciation: DepreciationRead | None
    version: int
    created_at: datetime
    updated_at: datetime


class MoveRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    from_state: str | None
    to_state: str
    actor: str
    at: datetime


class ScheduleRow(BaseModel):
    month: int
    starts: date
    ends: date
    charge: str
    accumulated_depreciation: str
    book_value: str
    elapsed: bool


class DepreciationReport(BaseModel):
    asset_id: RecordId
    asset_tag: str
    as_of: date
    currency: str
    purchase_cost: str
    method: str | None
    life_months: int | None
    salvage_value: str | None
    in_service_date: date | None
    months_elapsed: int
    accumulated_depreciation: str
    book_value: str
    schedule: list[ScheduleRow]
