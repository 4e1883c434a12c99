"""Calendar arithmetic for the ledger: months as periods, and months elapsed between dates."""

import calendar
import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def add_months(start: date, months: int) -> date:
    """The same day of the month `months` later, clamped to the end of a shorter month."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def months_elapsed(start: date, as_of: date) -> int:
    """How many whole months have passed from `start` on `as_of` (0 before the first ends)."""
    count = (as_of.year - start.year) * 12 + as_of.month - start.month
    if count > 0 and add_months(start, count) > as_of:
        count -= 1
    return max(count, 0)


def month_index(day: date) -> int:
    """A running number of the calendar month a date falls in."""
    return day.year * 12 + day.month - 1


def parse_month(value: Any) -> date:
    """The first day of a month written `YYYY-MM`; ValueError otherwise."""
    if isinstance(value, date):
        return value.replace(day=1)
    match = _MONTH_RE.match(value) if isinstance(value, str) else None
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValueError("a month is written YYYY-MM, such as 2026-11")
    return date(int(match.group(1)), int(match.group(2)), 1)


def format_month(first_day: date) -> str:
    return f"{first_day.year:04d}-{first_day.month:02d}"


def months_between(first: date, last: date) -> list[date]:
    """The first days of every month from `first` to `last`, both included."""
    return [
        add_months(first.replace(day=1), n)
        for n in range(month_index(last) - month_index(first) + 1)
    ]


Month = Annotated[
    date,
    BeforeValidator(parse_month),
    PlainSerializer(format_month, return_type=str, when_used="json"),
]
