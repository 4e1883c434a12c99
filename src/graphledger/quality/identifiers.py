"""Identifier normalisation: which attribute values name the same thing, and which name nothing.

The same rules exist twice: here in Python (used to check a merge and in unit tests) and as SQL
expressions in `repository.py` (used to group millions of CIs inside PostgreSQL). A parity test
keeps the two in step.
"""

import re
from dataclasses import dataclass
from typing import Any

# Attribute names read for each identifier kind, in order of preference.
IDENTIFIER_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "serial": ("serial", "serial_number"),
    "hostname": ("hostname", "fqdn"),
    "mac": ("mac", "mac_address"),
    "cloud_id": ("arn", "cloud_id", "instance_id", "resource_id"),
}

# Values that tools write when they do not know the identifier, compared after normalisation.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "serial": frozenset(
        {
            "UNKNOWN",
            "N/A",
            "NA",
            "NONE",
            "NULL",
            "DEFAULT",
            "TOBEFILLEDBYO.E.M.",
            "TOBEFILLEDBYOEM",
            "SYSTEMSERIALNUMBER",
            "NOTSPECIFIED",
            "NOTAVAILABLE",
            "DEFAULTSTRING",
            "123456789",
            "0123456789",
            "CHASSISSERIALNUMBER",
            "TBD",
        }
    ),
    "hostname": frozenset(
        {"unknown", "n/a", "na", "none", "null", "default", "localhost", "tbd"}
    ),
    "mac": frozenset({"000000000000", "ffffffffffff"}),
    "cloud_id": frozenset({"unknown", "n/a", "na", "none", "null", "default", "0"}),
}
MIN_SERIAL_LENGTH = 4
IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
HEX_ONLY = re.compile(r"[^0-9a-f]")
WHITESPACE = re.compile(r"\s+")
ONE_REPEATED = re.compile(r"^(.)\1*$")


def normalise_serial(value: str) -> str:
    """Trimmed, upper-case, without any inner whitespace."""
    return WHITESPACE.sub("", value).upper()


def normalise_hostname(value: str) -> str:
    """Lower-case, no trailing dot, no domain suffix; an IPv4 address is kept whole."""
    host = value.strip(" ").lower().rstrip(".")
    if IPV4.match(host):
        return host
    return host.split(".", 1)[0]


def normalise_mac(value: str) -> str:
    """Hex digits only, lower-case."""
    return HEX_ONLY.sub("", value.lower())


def normalise_cloud_id(value: str) -> str:
    """Trimmed and lower-case (ARNs and instance ids are compared case-insensitively)."""
    return value.strip(" ").lower()


NORMALISERS = {
    "serial": normalise_serial,
    "hostname": normalise_hostname,
    "mac": normalise_mac,
    "cloud_id": normalise_cloud_id,
}


def is_real(kind: str, normalised: str) -> bool:
    """Whether a normalised value identifies something rather than stands in for nothing."""
    if not normalised or normalised in PLACEHOLDERS[kind]:
        return False
    if ONE_REPEATED.match(normalised):
        return False  # "0000", "xxxx", "-": filler, never an identifier
    if kind == "serial":
        return len(normalised) >= MIN_SERIAL_LENGTH
    if kind == "mac":
        return len(normalised) == 12
    return True


def normalised(kind: str, value: Any) -> str | None:
    """The normalised form of one raw value, or None when it is not a real identifier."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    form = NORMALISERS[kind](str(value))
    return form if is_real(kind, form) else None


@dataclass(frozen=True)
class Identifier:
    kind: str
    attribute: str
    value: str
    normalised: str


def identifiers_of(attributes: dict[str, Any]) -> list[Identifier]:
    """The real identifiers among a CI's attributes."""
    found = []
    for kind, names in IDENTIFIER_ATTRIBUTES.items():
        for name in names:
            form = normalised(kind, attributes.get(name))
            if form is not None:
                found.append(Identifier(kind, name, str(attributes[name]), form))
    return found


def disagreements(
    first: dict[str, Any], second: dict[str, Any]
) -> list[tuple[Identifier, Identifier]]:
    """Identifier kinds both CIs carry with different normalised values, one pair per kind."""
    mine = identifiers_of(first)
    theirs = identifiers_of(second)
    clashes = []
    for kind in IDENTIFIER_ATTRIBUTES:
        a = [i for i in mine if i.kind == kind]
        b = [i for i in theirs if i.kind == kind]
        if a and b and {i.normalised for i in a} != {i.normalised for i in b}:
            clashes.append((a[0], b[0]))
    return clashes
