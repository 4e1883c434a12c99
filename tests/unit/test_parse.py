"""Dates, money and CSV decoding as spreadsheets write them (C03, C06, C07)."""

from datetime import date
from decimal import Decimal

import pytest

from graphledger.imports.csvread import (
    CSVUnreadable,
    decode,
    read_rows,
    sniff_delimiter,
)
from graphledger.imports.identify import (
    normalise_hostname,
    normalise_mac,
    normalise_serial,
)
from graphledger.imports.parse import ParseError, parse_date, parse_money


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-12-31", date(2023, 12, 31)),
        ("31/12/2023", date(2023, 12, 31)),
        ("12/31/2023", date(2023, 12, 31)),
        ("31.12.2023", date(2023, 12, 31)),
        ("1/23/23", date(2023, 1, 23)),
        ("05/05/2024", date(2024, 5, 5)),
        ("31 Dec 2023", date(2023, 12, 31)),
        ("Dec 31, 2023", date(2023, 12, 31)),
        ("2023-12-31T10:00:00Z", date(2023, 12, 31)),
        ("", None),
        ("  ", None),
    ],
)
def test_dates_that_can_be_read(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("03/04/2023", "ambiguous"),
        ("N/A", "not a date"),
        ("2023-02-30", "no such day"),
        ("0000-00-00", "no such day"),
        ("13/13/2023", "no such day"),
        ("yesterday", "not a date"),
    ],
)
def test_dates_that_are_refused_never_become_1970(text, why):
    with pytest.raises(ParseError, match=why):
        parse_date(text)


def test_declared_date_order_settles_the_ambiguous_case():
    assert parse_date("03/04/2023", "dmy") == date(2023, 4, 3)
    assert parse_date("03/04/2023", "mdy") == date(2023, 3, 4)


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("1500.00", "EUR", Decimal("1500.00")),
        ("1637.05", "CHF", Decimal("1637.05")),
        ("1,500.00", "USD", Decimal("1500.00")),
        ("27,83", "EUR", Decimal("27.83")),
        ("1.500,00", "EUR", Decimal("1500.00")),
        ("€1.234,56", "EUR", Decimal("1234.56")),
        ("1 234,56 €", "EUR", Decimal("1234.56")),
        ("1'500.50", "CHF", Decimal("1500.50")),
        ("$12.58", None, Decimal("12.58")),
        ("1,234,567.89", "USD", Decimal("1234567.89")),
        ("EUR 99", "EUR", Decimal("99")),
        ("", "EUR", None),
    ],
)
def test_money_is_exact(text, currency, expected):
    assert parse_money(text, currency) == expected


@pytest.mark.parametrize(
    ("text", "currency", "why"),
    [
        ("1,500", "EUR", "ambiguous"),
        ("1.500", "EUR", "ambiguous"),
        ("$99.00", "EUR", "contradicts"),
        ("6.37702E+15", None, "scientific"),
        ("12,34,56", "EUR", "three digits"),
        ("#12", "EUR", "unknown currency sign"),
    ],
)
def test_money_that_is_refused(text, currency, why):
    with pytest.raises(ParseError, match=why):
        parse_money(text, currency)


def test_bom_crlf_and_latin1_decode_to_the_same_text():
    utf8 = b"\xef\xbb\xbfkey,location\r\nsw-1,Z\xc3\xbcrich\r\n"
    latin1 = b"key,location\nsw-1,Z\xfcrich\n"

    for raw in (utf8, latin1):
        columns, rows = read_rows(decode(raw))
        row = next(rows)
        assert columns == ["key", "location"]
        assert row.values == {"key": "sw-1", "location": "Zürich"} and row.line == 2


def test_text_in_another_code_page_is_refused_not_half_decoded():
    with pytest.raises(CSVUnreadable, match="neither UTF-8 nor Latin-1"):
        decode(b"name\nLuts\xe2\x80\x99k\xd5\n")


def test_cr_only_lines_and_semicolons_are_read():
    columns, rows = read_rows(decode(b"a;b\r1;2\r3;4"))

    assert sniff_delimiter("a;b\r1;2") == ";"
    assert [r.values for r in rows] == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]


def test_duplicated_header_must_agree():
    _, rows = read_rows("company,name,company\nACME,x,ACME\nACME,y,Other\n")
    first, second = list(rows)

    assert first.problems == [] and first.values["company"] == "ACME"
    assert second.problems and second.problems[0][0] == "company"


def test_identifier_normalisation():
    assert normalise_serial(" ab 12\tcd ") == "AB12CD"
    assert normalise_serial("N/A") is None
    assert normalise_hostname("Web01.Example.COM.") == "web01.example.com"
    assert normalise_hostname("10.0.0.1") is None
    assert normalise_mac("0E-D7-00-00-00-01") == normalise_mac("0ed7.0000.0001")
    assert normalise_mac("00:00:00:00:00:00") is None


def test_an_identifier_several_items_share_identifies_none_of_them():
    from graphledger.imports.identify import shared_in_input

    items = [
        (
            "i-1",
            "VirtualMachine",
            {"mac_addresses": ["0e:d7:00:00:00:00"], "serial": "A"},
        ),
        (
            "i-2",
            "VirtualMachine",
            {"mac_addresses": ["0E-D7-00-00-00-00"], "serial": "B"},
        ),
    ]

    same_twice = [
        ("srv-a", "Server", {"serial": " ab 12 cd", "hostname": "Web01.example.com."}),
        ("srv-b", "Server", {"serial": "AB12CD", "hostname": "web01.example.com"}),
    ]

    assert shared_in_input(items) == {("mac", "0e:d7:00:00:00:00")}
    assert shared_in_input(same_twice) == set()
