"""What the contract routes accept and return."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from graphledger.ledger.common import RecordId
from graphledger.ledger.money import Amount, Currency

Kind = Literal["support", "maintenance", "lease", "warranty", "subscription"]


class ContractCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: Kind
    vendor_id: RecordId | None = None
    start_date: date
    end_date: date | None = None
    notice_days: int = Field(default=0, ge=0, le=3650)
    auto_renew: bool = False
    cost: Amount | None = None
    currency: Currency | None = None
    asset_ids: list[RecordId] = Field(default_factory=list, max_length=10_000)


class ContractUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: Kind | None = None
    vendor_id: RecordId | None = None
    start_date: date | None = None
    end_date: date | None = None
    notice_days: int | None = Field(default=None, ge=0, le=3650)
    auto_renew: bool | None = None
    cost: Amount | None = None
    currency: Currency | None = None
    asset_ids: list[RecordId] | None = Field(default=None, max_length=10_000)
