"""Route and service helpers the ledger's domains share: paging, versions, schema guards,
money gating and CSV answers."""

import csv
import io
import json
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from graphledger.api.etag import etag, parse_if_match
from graphledger.api.pagination import decode_cursor, encode_cursor
from graphledger.errors import Conflict, NotFound, PreconditionFailed, Unprocessable
from graphledger.ledger import repository
from graphledger.models.base import Base
from graphledger.settings import get_settings

M = TypeVar("M", bound=Base)
IfMatch = Annotated[str | None, Header(alias="If-Match")]
# A database id: a positive BIGINT, so an out-of-range number is a 422, not a database error.
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]
PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/problem+json": {}}}
    for code, text in (
        (401, "no valid token"),
        (403, "role not allowed"),
        (404, "no such record"),
        (409, "conflict"),
        (412, "stale If-Match"),
        (422, "invalid input"),
    )
}
CSV_MEDIA = "text/csv"
# Cells a spreadsheet would run as a formula get a leading quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def page_size(limit: int | None) -> int:
    settings = get_settings()
    return min(limit or settings.list_default_limit, settings.list_max_limit)


def cursor_id(cursor: str | None) -> int | None:
    """The id a list cursor stands for."""
    position = decode_cursor(cursor)
    if position is not None and (
        isinstance(position, bool) or not isinstance(position, int)
    ):
        raise Unprocessable("the cursor is not one this API gave out", field="cursor")
    return position


def next_cursor(rows: list[Any], size: int) -> str | None:
    """A cursor after the page when one more row than the page size was fetched."""
    return encode_cursor(rows[size - 1].id) if len(rows) > size else None


def require(
    session: Session, model: type[M], id_: int, what: str, *, lock: bool = False
) -> M:
    """A record by id; 404 naming what was looked for."""
    row = repository.get(session, model, id_, lock=lock)
    if row is None:
        raise NotFound(f"no {what} with id {id_}", id=id_)
    return row


def check_version(row: Any, if_match: str | None, what: str) -> None:
    """412 when If-Match names another version than the stored one; nothing is changed."""
    wanted = parse_if_match(if_match)
    if wanted is not None and wanted != row.version:
        raise PreconditionFailed(
            f"{what} {row.id} is at version {row.version}, not {wanted}",
            current_version=row.version,
        )


def apply_changes(row: Any, changes: dict[str, Any]) -> bool:
    """Set changed attributes, bump the version when anything changed; True if it did."""
    changed = False
    for field, value in changes.items():
        if getattr(row, field) != value:
            setattr(row, field, value)
            changed = True
    if changed:
        row.version += 1
        row.updated_at = datetime.now(UTC)
    return changed


def flush_guarded(session: Session, what: str) -> None:
    """Flush, turning a refusal by the schema's own guards into 409 problem JSON."""
    try:
        session.flush()
    except IntegrityError as error:
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
        raise Conflict(
            f"the {what} conflicts with stored data ({constraint or 'constraint'})",
            constraint=constraint,
        ) from error


def wants_csv(request: Request) -> bool:
    return CSV_MEDIA in request.headers.get("accept", "")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, separators=(",", ":"), sort_keys=True)
    text = str(value)
    if text.startswith(_FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(items: list[dict[str, Any]]) -> str:
    """Rows with the union of the items' keys as header, in first-seen order."""
    header: dict[str, None] = {}
    for item in items:
        header.update(dict.fromkeys(item))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for item in items:
        writer.writerow([_cell(item.get(column)) for column in header])
    return buffer.getvalue()


def list_response(
    request: Request,
    items: list[dict[str, Any]],
    cursor: str | None = None,
    *,
    extra: dict[str, Any] | None = None,
) -> Response:
    """`{"items", "next_cursor"}` as JSON, or the items as CSV when the caller asks for it."""
    if wants_csv(request):
        headers = {"X-Next-Cursor": cursor} if cursor else None
        return Response(to_csv(items), media_type=CSV_MEDIA, headers=headers)
    return JSONResponse({"items": items, "next_cursor": cursor, **(extra or {})})


def one_response(body: dict[str, Any], version: int, status: int = 200) -> JSONResponse:
    """One record as JSON with its version as the ETag."""
    return JSONResponse(body, status_code=status, headers={"ETag": etag(version)})
