"""What the cost-entry routes accept."""

from pydantic import BaseModel, ConfigDict, Field

from graphledger.ledger.common import RecordId
from graphledger.ledger.money import Amount, Currency
from graphledger.ledger.periods import Month


class CostCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    asset_id: RecordId
    amount: Amount
    currency: Currency
    period: Month
    category: str = Field(min_length=1, max_length=64)
    description: str | None = Field(default=None, max_length=500)


class CostUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Amount | None = None
    currency: Currency | None = None
    period: Month | None = None
    category: str | None = Field(default=None, min_length=1, max_length=64)
    description: str | None = Field(default=None, max_length=500)
