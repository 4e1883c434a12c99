"""Identification shared by every importer: which existing CI an incoming item is.

Order (documented in docs/imports.md):
1. the key, compared case-insensitively;
2. else the item's identifiers, all of them at once: ARN, cloud resource id, serial, MAC address
   (global: they name one thing whatever its class), and hostname (only among host classes:
   Server, VirtualMachine, NetworkDevice). One candidate is a match; two or more are ambiguous and
   the item is rejected naming them; none means a new CI.

Normalisation:
- serial: trimmed, upper-cased, every inner space removed; placeholders (`N/A`, `0`, `none`,
  `To be filled by O.E.M.` ...) are not identifiers;
- hostname: trimmed, lower-cased, one trailing dot removed; the full name is the identifier, so
  `web01.eu.example.com` and `web01.us.example.com` stay two hosts and a short name never matches
  a fully qualified one; IP addresses are not hostnames;
- MAC: six hex octets in any of the usual spellings, written lower-case with colons; all-zero and
  broadcast addresses are placeholders;
- ARN and cloud id: trimmed; ARNs compared in lower case, like keys.
"""

import ipaddress
import re
from typing import Any

from sqlalchemy.orm import Session

from graphledger.imports import repository

HOST_CLASSES = frozenset({"Server", "VirtualMachine", "NetworkDevice"})
GLOBAL_KINDS = ("arn", "cloud_id", "serial", "mac")
# attribute names each identifier kind is read from
SOURCES: dict[str, tuple[str, ...]] = {
    "arn": ("arn",),
    "cloud_id": ("cloud_id", "resource_id", "instance_id"),
    "serial": ("serial", "serial_number"),
    "mac": ("mac", "mac_address", "mac_addresses"),
    "hostname": ("hostname", "fqdn"),
}
_PLACEHOLDER_SERIALS = {
    "",
    "0",
    "NA",
    "N/A",
    "NONE",
    "NULL",
    "UNKNOWN",
    "-",
    "TOBEFILLEDBYO.E.M.",
    "DEFAULTSTRING",
    "SYSTEMSERIALNUMBER",
    "123456789",
}
_HEX12 = re.compile(r"^[0-9a-f]{12}$")
_HOSTNAME = re.compile(
    r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$"
)


def normalise_serial(value: object) -> str | None:
    """The serial as compared, or None when it is empty or a placeholder."""
    if value is None:
        return None
    text = re.sub(r"\s+", "", str(value)).upper()
    return None if text in _PLACEHOLDER_SERIALS else text


def normalise_hostname(value: object) -> str | None:
    """The host name as compared, or None when it is not a host name."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text.endswith("."):
        text = text[:-1]
    if not text or len(text) > 253 or not _HOSTNAME.match(text):
        return None
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return text
    return None


def normalise_mac(value: object) -> str | None:
    """A MAC address as `aa:bb:cc:dd:ee:ff`, or None when it is not one or a placeholder."""
    if value is None:
        return None
    digits = re.sub(r"[\s:.\-]", "", str(value)).lower()
    if not _HEX12.match(digits) or digits in ("000000000000", "ffffffffffff"):
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def normalise_cloud_id(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text.lower() if text else None


NORMALISERS = {
    "arn": normalise_cloud_id,
    "cloud_id": normalise_cloud_id,
    "serial": normalise_serial,
    "mac": normalise_mac,
    "hostname": normalise_hostname,
}


def identifiers_of(class_: str, attributes: dict[str, Any]) -> set[tuple[str, str]]:
    """The (kind, normalised value) pairs a CI of this class with these attributes carries."""
    found: set[tuple[str, str]] = set()
    for kind, names in SOURCES.items():
        if kind == "hostname" and class_ not in HOST_CLASSES:
            continue
        for name in names:
            raw = attributes.get(name)
            if raw is None:
                continue
            for value in raw if isinstance(raw, list) else [raw]:
                normalised = NORMALISERS[kind](value)
                if normalised is not None:
                    found.add((kind, normalised))
    return found


class Ambiguous(Exception):
    """Two or more existing CIs answer to the identifiers of one incoming item."""

    def __init__(self, candidates: list[str], by: list[str]) -> None:
        super().__init__(", ".join(candidates))
        self.candidates = candidates
        self.by = by


def shared_in_input(
    items: list[tuple[str, str, dict[str, Any]]],
) -> set[tuple[str, str]]:
    """Identifiers that several items of one input carry while other identifiers tell them apart.

    Such an identifier names none of them (CloudMapper's demo gives three instances, each with its
    own instance id, one network interface and MAC). Items that share an identifier and contradict
    each other nowhere are the same thing twice, and the identifier keeps matching them.
    """
    by_key: dict[str, dict[str, set[str]]] = {}
    owners: dict[tuple[str, str], set[str]] = {}
    for key, class_, attributes in items:
        kinds = by_key.setdefault(key.lower(), {})
        for kind, value in identifiers_of(class_, attributes):
            kinds.setdefault(kind, set()).add(value)
            owners.setdefault((kind, value), set()).add(key.lower())

    def apart(a: str, b: str) -> bool:
        left, right = by_key[a], by_key[b]
        return any(left[k].isdisjoint(right[k]) for k in left.keys() & right.keys())

    shared: set[tuple[str, str]] = set()
    for pair, keys in owners.items():
        ordered = sorted(keys)
        if any(apart(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :]):
            shared.add(pair)
    return shared


def match(
    session: Session,
    key: str,
    class_: str,
    attributes: dict[str, Any],
    ignore: set[tuple[str, str]] | None = None,
) -> str | None:
    """The key_lc of the live CI the item is, None for a new one; Ambiguous when unclear."""
    key_lc = key.lower()
    if repository.live_key_exists(session, key_lc):
        return key_lc
    wanted = identifiers_of(class_, attributes) - (ignore or set())
    if not wanted:
        return None
    hits = repository.keys_by_identifiers(session, sorted(wanted))
    candidates: dict[str, list[str]] = {}
    for kind, value, found_lc, found_class in hits:
        if kind == "hostname" and found_class not in HOST_CLASSES:
            continue
        candidates.setdefault(found_lc, []).append(f"{kind} {value}")
    if len(candidates) > 1:
        names = sorted(candidates)
        raise Ambiguous(names, sorted({b for by in candidates.values() for b in by}))
    return next(iter(candidates), None)


def index(
    session: Session, key_lc: str, class_: str, attributes: dict[str, Any]
) -> None:
    """Record the identifiers of a CI after a write, replacing what it carried before."""
    repository.replace_identifiers(session, key_lc, identifiers_of(class_, attributes))
