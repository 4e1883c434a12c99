"""What the health report and the merge route return and accept."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class Scores(BaseModel):
    completeness: float
    correctness: float
    compliance: float
    staleness: float
    overall: float


class Finding(BaseModel):
    """One kind of finding: how many, and the items behind it (up to the item limit)."""

    dimension: str
    description: str
    count: int
    truncated: bool
    items: list[dict[str, Any]]


class HealthReport(BaseModel):
    generated_at: datetime
    stale_after_days: int
    cis: int
    in_use_assets: int
    overall: Scores
    classes: list[dict[str, Any]]
    findings: dict[str, Finding]


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    duplicate: str
    dry_run: bool = True


class MergeResult(BaseModel):
    survivor: str
    duplicate: str
    dry_run: bool
    applied: bool
    relationships_moved: list[dict[str, Any]]
    relationships_skipped: list[dict[str, Any]]
    asset_moved: dict[str, Any] | None
    attributes_taken: list[str]
    owner_taken: bool
    history_change_id: int | None = None
