"""What POST /api/v1/changes/assess accepts."""

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def ordered(self) -> "Window":
        if self.end <= self.start:
            raise ValueError("the window must end after it starts")
        return self


class AssessRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keys: list[str] = Field(min_length=1, max_length=1000)
    window: Window | None = None
    max_depth: int | None = Field(default=None, ge=1)
    max_results: int | None = Field(default=None, ge=1)
