"""Parsing dates and money as people type them, refusing what cannot be told apart.

Dates: ISO `2023-12-31` (also `2023/12/31`, and with a time part), day and month in either order
with `/`, `.` or `-` (`31/12/2023`, `12/31/2023`), two-digit years (00-68 are 20xx, 69-99 are 19xx),
and month names (`31 Dec 2023`, `Dec 31, 2023`). When both leading numbers could be the month
(`03/04/2023`) the date is ambiguous and refused, unless the caller declares the order (`dmy` or
`mdy`). An empty cell is no date; anything else that does not parse is refused. Nothing becomes
1970-01-01 by default.

Money: a number with an optional currency symbol or ISO code before or after it, and thousands
separators. The last of `.` and `,` is the decimal mark when both appear; a lone `,` or `.`
followed by exactly three digits (`1,500`) could be either and is refused; followed by one or two
digits it is the decimal mark (`27,83` is 27.83). Groups must have three digits. A symbol that
contradicts the row's currency is refused. Scientific notation is refused.
"""

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation


class ParseError(ValueError):
    """A value that cannot be read; the message says why."""


MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$")
_NUMERIC = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})$")
_DAY_NAME = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]+([a-z]+)\.?,?[\s\-/.]+(\d{2}|\d{4})$"
)
_NAME_DAY = re.compile(
    r"^([a-z]+)\.?[\s\-/.]+(\d{1,2})(?:st|nd|rd|th)?,?[\s\-/.]+(\d{2}|\d{4})$"
)


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        return 2000 + value if value <= 68 else 1900 + value
    return value


def _make(year: int, month: int, day: int, original: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as error:
        raise ParseError(f"{original!r}: no such day ({error})") from error


def parse_date(text: str | None, order: str | None = None) -> date | None:
    """A date, None for an empty cell; ParseError when unreadable or ambiguous."""
    if text is None or not text.strip():
        return None
    value = text.strip().lower()
    if match := _ISO.match(value):
        return _make(int(match[1]), int(match[2]), int(match[3]), text)
    if match := _NUMERIC.match(value):
        first, second, year = int(match[1]), int(match[3]), _year(match[4])
        if order == "dmy":
            return _make(year, second, first, text)
        if order == "mdy":
            return _make(year, first, second, text)
        if first > 12 and second <= 12:
            return _make(year, second, first, text)
        if second > 12 and first <= 12:
            return _make(year, first, second, text)
        if first == second:
            return _make(year, first, second, text)
        if first <= 12 and second <= 12:
            raise ParseError(
                f"{text!r} is ambiguous: day {first} of month {second} "
                f"or day {second} of month {first}; declare the date order"
            )
        raise ParseError(f"{text!r}: no such day")
    for pattern, day_group, month_group in ((_DAY_NAME, 1, 2), (_NAME_DAY, 2, 1)):
        if match := pattern.match(value):
            month = MONTHS.get(match[month_group])
            if month is None:
                raise ParseError(f"{text!r}: unknown month {match[month_group]!r}")
            return _make(_year(match[3]), month, int(match[day_group]), text)
    raise ParseError(f"{text!r} is not a date")


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with a zone, in UTC; ParseError without one."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise ParseError(f"{text!r} is not an ISO 8601 instant") from error
    if value.tzinfo is None:
        raise ParseError(f"{text!r} has no time zone")
    return value.astimezone(UTC)


SYMBOLS: dict[str, tuple[str, ...]] = {
    "€": ("EUR",),
    "£": ("GBP",),
    "¥": ("JPY", "CNY"),
    "₹": ("INR",),
    "$": ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"),
    "US$": ("USD",),
    "CHF": ("CHF",),
    "FR.": ("CHF",),
}
_CODE = re.compile(r"^[A-Z]{3}$")
_GROUP_CHARS = re.compile(r"[\s\u00a0\u202f']")


def parse_money(text: str | None, currency: str | None = None) -> Decimal | None:
    """An exact amount, None for an empty cell; ParseError when unreadable or ambiguous."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    negative = value.startswith("-") or (value.startswith("(") and value.endswith(")"))
    value = value.strip("()").lstrip("-").strip()
    symbol_match = re.match(r"^([^\d\s.,]+)\s*(.*)$", value) or re.match(
        r"^(.*?)\s*([^\d\s.,]+)$", value
    )
    symbol = None
    if symbol_match:
        if re.match(r"^[^\d\s.,]+", value):
            symbol, value = symbol_match[1], symbol_match[2]
        else:
            value, symbol = symbol_match[1], symbol_match[2]
    if symbol is not None:
        implied = SYMBOLS.get(symbol.upper()) or (
            (symbol.upper(),) if _CODE.match(symbol.upper()) else None
        )
        if implied is None:
            raise ParseError(f"{text!r}: unknown currency sign {symbol!r}")
        if currency and currency.upper() not in implied:
            raise ParseError(
                f"{text!r}: the sign {symbol} contradicts currency {currency}"
            )
    if re.search(r"[eE]", value):
        raise ParseError(f"{text!r}: scientific notation loses digits")
    value = _GROUP_CHARS.sub(" ", value)
    grouped_by_space = " " in value
    value = value.replace(" ", "")
    if not re.fullmatch(r"[\d.,]+", value) or not re.search(r"\d", value):
        raise ParseError(f"{text!r} is not an amount")
    number = _number(value, text, grouped_by_space)
    return -number if negative else number


def _check_groups(integer: str, separator: str, original: str) -> str:
    groups = integer.split(separator)
    if not (1 <= len(groups[0]) <= 3) or any(len(g) != 3 for g in groups[1:]):
        raise ParseError(f"{original!r}: thousands groups must have three digits")
    return "".join(groups)


def _number(value: str, original: str, grouped_by_space: bool) -> Decimal:
    dots, commas = value.count("."), value.count(",")
    if dots and commas:
        decimal_mark = "." if value.rfind(".") > value.rfind(",") else ","
        group = "," if decimal_mark == "." else "."
        if value.count(decimal_mark) > 1:
            raise ParseError(f"{original!r}: more than one decimal mark")
        integer, fraction = value.split(decimal_mark)
        digits = _check_groups(integer, group, original) + "." + fraction
    elif dots + commas == 0:
        digits = value
    else:
        mark = "." if dots else ","
        parts = value.split(mark)
        if len(parts) > 2:
            digits = _check_groups(value, mark, original)
        elif len(parts[1]) == 3 and not grouped_by_space:
            raise ParseError(
                f"{original!r} is ambiguous: {mark} may group thousands or mark decimals"
            )
        elif len(parts[1]) == 3 and grouped_by_space:
            raise ParseError(f"{original!r} is ambiguous")
        else:
            digits = parts[0] + "." + parts[1]
    if digits.startswith(".") or digits.endswith("."):
        raise ParseError(f"{original!r} is not an amount")
    try:
        return Decimal(digits)
    except InvalidOperation as error:
        raise ParseError(f"{original!r} is not an amount") from error


def parse_bool(text: str | None) -> bool | None:
    if text is None or not text.strip():
        return None
    value = text.strip().lower()
    if value in ("true", "yes", "y", "1", "x"):
        return True
    if value in ("false", "no", "n", "0"):
        return False
    raise ParseError(f"{text!r} is not yes or no")
