"""Reading CSV files as spreadsheets save them: encoding, delimiter, line ends, headers.

- Encoding: a UTF-8 or UTF-16 byte-order mark wins; else strict UTF-8; else ISO-8859-1 (Latin-1),
  unless the text would then hold C1 control characters (U+0080 to U+009F), which real Latin-1 text
  never does: such a file is in another code page (Windows-1252, Mac Roman) and is refused with a
  clear error rather than stored half-decoded. A caller may name the encoding instead.
- Line ends: LF, CRLF and a lone CR (classic Mac) all end a record; quoted cells keep theirs.
- Delimiter: `,`, `;` or tab, whichever occurs most in the header line outside quotes.
- Text that was already mis-decoded once (UTF-8 bytes read as Windows-1252, `Ã©` for `é`) is a
  problem of its cell: the row is rejected naming the column, never stored half-decoded.
- Headers: trimmed, lower-cased, runs of spaces, dashes and dots become one `_`, then mapped
  through the caller's aliases. A blank header names no column (its cells must be empty); a header
  that appears twice is one column whose cells must agree (or be empty).
"""

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

DELIMITERS = (",", ";", "\t")


class CSVUnreadable(ValueError):
    """The file cannot be read as CSV text at all."""


@dataclass
class Row:
    line: int  # 1-based line of the file where the record starts; the header is line 1
    values: dict[str, str]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)


def decode(raw: bytes, encoding: str | None = None) -> str:
    """The text of a CSV file; CSVUnreadable when its encoding cannot be told."""
    if encoding:
        try:
            is_text = codecs.lookup(encoding)._is_text_encoding  # type: ignore[attr-defined]
        except LookupError:
            is_text = False
        if not is_text or codecs.lookup(encoding).name in (
            "unicode-escape",
            "raw-unicode-escape",
        ):
            raise CSVUnreadable(
                f"{encoding!r} is not a text encoding a spreadsheet saves in"
            )
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as error:
            raise CSVUnreadable(f"cannot decode as {encoding}: {error}") from error
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as error:
            raise CSVUnreadable(
                f"a UTF-8 byte-order mark, then invalid UTF-8 at byte {error.start}"
            ) from error
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = raw.decode("iso-8859-1")
    bad = next((i for i, c in enumerate(text) if "\x80" <= c <= "\x9f"), None)
    if bad is not None:
        raise CSVUnreadable(
            f"neither UTF-8 nor Latin-1 (byte 0x{raw[bad]:02X} at offset {bad}); "
            "save the file as UTF-8 or name its encoding"
        )
    return text


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of , ; and tab outside quotes."""
    header = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def normalise_header(name: str) -> str:
    return re.sub(r"[\s.\-]+", "_", name.strip().lower()).strip("_")


def read_rows(
    text: str,
    *,
    aliases: dict[str, str] | None = None,
    delimiter: str | None = None,
) -> tuple[list[str], Iterator[Row]]:
    """The mapped header names and an iterator over the data rows, each with its line."""
    aliases = aliases or {}
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter or sniff_delimiter(text),
        strict=False,
    )
    try:
        raw_header = next(reader)
    except StopIteration as error:
        raise CSVUnreadable("the file is empty") from error
    header = [aliases.get(normalise_header(h), normalise_header(h)) for h in raw_header]
    columns = [h for i, h in enumerate(header) if h and h not in header[:i]]
    return columns, _rows(reader, header)


def _misdecoded(value: str) -> bool:
    """True when the text is UTF-8 bytes that were read as Windows-1252 (`â€™` for `’`)."""
    try:
        repaired = value.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return False
    return repaired != value


def _rows(reader: Any, header: list[str]) -> Iterator[Row]:
    previous_end = reader.line_num
    for record in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in record):
            continue  # blank line
        row = Row(line=start, values={})
        if len(record) > len(header):
            extra = [c for c in record[len(header) :] if c.strip()]
            if extra:
                row.problems.append(
                    ("", f"{len(record)} cells for {len(header)} columns")
                )
        for name, cell in zip(header, record, strict=False):
            value = cell.strip()
            if not name:
                if value:
                    row.problems.append(("", f"a value {value!r} under a blank header"))
                continue
            if not value.isascii() and _misdecoded(value):
                row.problems.append(
                    (
                        name,
                        f"{value!r} looks like UTF-8 text decoded as another code page "
                        "once before; fix the text at its source",
                    )
                )
                continue
            if (
                name in row.values
                and row.values[name]
                and value
                and row.values[name] != value
            ):
                row.problems.append(
                    (name, f"column {name} appears twice with different values")
                )
                continue
            if value or name not in row.values:
                row.values[name] = value
        yield row
