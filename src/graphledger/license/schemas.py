"""What the license routes accept and return."""

from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from graphledger.ledger.common import RecordId
from graphledger.ledger.money import Amount, Currency


class LicenseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    vendor_id: RecordId | None = None
    seats: int = Field(ge=0, le=10_000_000)
    metric: str = Field(default="per_user", min_length=1, max_length=32)
    cost: Amount | None = None
    currency: Currency | None = None
    start_date: date | None = None
    end_date: date | None = None
    notice_days: int = Field(default=0, ge=0, le=3650)


class LicenseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    vendor_id: RecordId | None = None
    seats: int | None = Field(default=None, ge=0, le=10_000_000)
    metric: str | None = Field(default=None, min_length=1, max_length=32)
    cost: Amount | None = None
    currency: Currency | None = None
    start_date: date | None = None
    end_date: date | None = None
    notice_days: int | None = Field(default=None, ge=0, le=3650)


class AssignmentCreate(BaseModel):
    """A seat for a person (`assignee`) or for a CI (`ci_key`): exactly one of them."""

    model_config = ConfigDict(extra="forbid")

    assignee: str | None = Field(default=None, min_length=1, max_length=200)
    ci_key: str | None = Field(default=None, min_length=1, max_length=200)
    last_used_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def one_holder(self) -> "AssignmentCreate":
        if (self.assignee is None) == (self.ci_key is None):
            raise ValueError("give either assignee or ci_key")
        return self


class AssignmentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    last_used_at: AwareDatetime | None
