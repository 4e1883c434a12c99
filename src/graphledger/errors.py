"""One base error carrying its HTTP status and a stable problem type (RFC 9457)."""

from typing import Any, ClassVar

PROBLEM_BASE = "urn:graphledger:problem:"


class GraphledgerError(Exception):
    """An error the API reports as application/problem+json."""

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra

    @property
    def type(self) -> str:
        return PROBLEM_BASE + self.slug

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        """The problem document for this error."""
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return body


class BadRequest(GraphledgerError):
    status, slug, title = 400, "bad-request", "Bad request"


class Unauthenticated(GraphledgerError):
    status, slug, title = 401, "unauthenticated", "Authentication required"


class Forbidden(GraphledgerError):
    status, slug, title = 403, "forbidden", "Not allowed for this role"


class NotFound(GraphledgerError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(GraphledgerError):
    status, slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(GraphledgerError):
    status, slug, title = (
        412,
        "precondition-failed",
        "The resource changed since it was read",
    )


class PreconditionRequired(GraphledgerError):
    status, slug, title = 428, "precondition-required", "If-Match is required"


class PayloadTooLarge(GraphledgerError):
    status, slug, title = 413, "payload-too-large", "Request body too large"


class Unprocessable(GraphledgerError):
    status, slug, title = 422, "validation", "Invalid input"

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        errors = extra.pop("errors", None)
        if errors is None and field is not None:
            errors = [{"field": field, "message": detail}]
        super().__init__(detail, errors=errors or [], **extra)


class TooManyRequests(GraphledgerError):
    status, slug, title = 429, "rate-limited", "Too many requests"

    def __init__(self, detail: str, *, retry_after_s: int, **extra: Any) -> None:
        super().__init__(detail, retry_after_s=retry_after_s, **extra)
        self.retry_after_s = retry_after_s


class StoreUnavailable(GraphledgerError):
    status, slug, title = 503, "store-unavailable", "A store is unavailable"
