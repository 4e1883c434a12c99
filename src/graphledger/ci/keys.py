"""The CI key rules from the design: unique, immutable, case-insensitive, a safe alphabet."""

import re

KEY_RE = re.compile(r"^[A-Za-z0-9.:_/-]{1,200}$")
# Sub-resources of /cis/{key}; a key ending in one of them could not be addressed.
RESERVED_SUFFIXES = (
    "/history",
    "/relationships",
    "/root-causes",
    "/single-points-of-failure",
    "/merge",
    "/cost",
)


def key_problem(key: str) -> str | None:
    """Why a key is not acceptable, or None when it is."""
    if not KEY_RE.match(key):
        return "a key is 1 to 200 characters of letters, digits and . : _ / -"
    lowered = key.lower()
    for suffix in RESERVED_SUFFIXES:
        if lowered.endswith(suffix):
            return f"a key may not end with {suffix!r}"
    return None


def normalise(key: str) -> str:
    """The form keys are compared in."""
    return key.lower()
