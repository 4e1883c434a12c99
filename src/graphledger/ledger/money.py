"""Money: Decimal amounts with an ISO 4217 currency, parsed strictly, summed per currency and
rounded once, half-even, at the currency's minor unit when presented."""

import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

# Active ISO 4217 codes and the number of digits after the decimal point of each.
_MINOR_UNITS_BY_DIGITS = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
    2: (
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL"
        " BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP"
        " DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR"
        " ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD"
        " MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN"
        " PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP"
        " STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES"
        " WST XCD XCG YER ZAR ZMW ZWG"
    ),
}
MINOR_UNITS: dict[str, int] = {
    code: digits
    for digits, codes in _MINOR_UNITS_BY_DIGITS.items()
    for code in codes.split()
}
# Amounts are stored with four decimals; more precision than that is refused, not cut.
STORED_DECIMALS = 4
# ASCII digits only: \d would take any script's digits, and Decimal reads them all.
_AMOUNT_RE = re.compile(r"^[0-9]{1,15}(\.[0-9]{1,4})?$")


def check_currency(value: Any) -> str:
    """The currency code when ISO 4217 knows it; ValueError otherwise."""
    if not isinstance(value, str) or value not in MINOR_UNITS:
        raise ValueError("not an ISO 4217 currency code (three capital letters)")
    return value


def parse_amount(value: Any) -> Decimal:
    """A non-negative amount from its JSON string form, such as "1200.00".

    JSON numbers are refused: a float has already lost the exact figure before we see it,
    and accepting integers only would make the rule depend on the figure.
    """
    if isinstance(value, Decimal):
        value = format(value, "f")
    if not isinstance(value, str):
        raise ValueError('an amount is a string of digits such as "1200.00"')
    text = value.strip()
    if not _AMOUNT_RE.match(text):
        raise ValueError(
            "an amount is digits with at most four decimals after a dot, such as"
            ' "1200.00", with no sign, grouping or currency symbol'
        )
    return Decimal(text)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """The amount rounded half-even at the currency's minor unit."""
    exponent = Decimal(1).scaleb(-MINOR_UNITS.get(currency, 2))
    return amount.quantize(exponent, rounding=ROUND_HALF_EVEN)


def present(amount: Decimal | None, currency: str | None) -> str | None:
    """The presented string of an amount: rounded once, never in exponent notation."""
    if amount is None:
        return None
    return format(quantize(amount, currency or ""), "f")


def totals(pairs: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Sums per currency; amounts in different currencies are never added together."""
    sums: dict[str, Decimal] = {}
    for currency, amount in pairs:
        sums[currency] = sums.get(currency, Decimal(0)) + amount
    return sums


def present_totals(sums: Mapping[str, Decimal]) -> dict[str, str]:
    """Per-currency sums as presented strings, in currency order."""
    return {c: format(quantize(sums[c], c), "f") for c in sorted(sums)}


def _as_currency(value: Any) -> str:
    return check_currency(value)


Amount = Annotated[
    Decimal,
    BeforeValidator(parse_amount),
    PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="json"),
]
Currency = Annotated[str, BeforeValidator(_as_currency)]
