"""Verified tokens kept briefly: gone after the TTL, never past the token's expiry, forgotten on
revocation, and bounded in number."""

import uuid
from datetime import UTC, datetime, timedelta

from graphledger.auth import cache
from graphledger.auth.cache import PrincipalCache
from graphledger.auth.service import Principal


def frozen_clock(monkeypatch, start=100.0):
    clock = [start]
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock[0])
    return clock


def test_entry_lasts_the_ttl_then_needs_the_database(monkeypatch):
    clock = frozen_clock(monkeypatch)
    principals = PrincipalCache(ttl_s=5)
    viewer = Principal(name="v", role="viewer", token_id=uuid.uuid4())

    principals.put("h", viewer)

    assert principals.get("h") == viewer
    clock[0] += 4.9
    assert principals.get("h") == viewer
    clock[0] += 0.1
    assert principals.get("h") is None


def test_entry_never_outlives_the_token_expiry(monkeypatch):
    clock = frozen_clock(monkeypatch)
    principals = PrincipalCache(ttl_s=60)
    soon = datetime.now(UTC) + timedelta(seconds=2)

    principals.put("h", Principal(name="v", role="viewer", expires_at=soon))
    clock[0] += 2.5

    assert principals.get("h") is None


def test_expired_token_is_not_kept():
    principals = PrincipalCache(ttl_s=60)
    gone = datetime.now(UTC) - timedelta(seconds=1)

    principals.put("h", Principal(name="v", role="viewer", expires_at=gone))

    assert principals.get("h") is None


def test_forget_drops_only_that_token():
    principals = PrincipalCache(ttl_s=60)
    revoked, kept = uuid.uuid4(), uuid.uuid4()
    principals.put("a", Principal(name="a", role="viewer", token_id=revoked))
    principals.put("b", Principal(name="b", role="viewer", token_id=kept))

    principals.forget(revoked)

    assert principals.get("a") is None
    assert principals.get("b") is not None


def test_zero_ttl_keeps_nothing():
    principals = PrincipalCache(ttl_s=0)

    principals.put("h", Principal(name="v", role="viewer"))

    assert principals.get("h") is None


def test_size_is_bounded(monkeypatch):
    frozen_clock(monkeypatch)
    principals = PrincipalCache(ttl_s=60, max_entries=3)

    for i in range(10):
        principals.put(f"h{i}", Principal(name=str(i), role="viewer"))

    assert principals.get("h9") is not None
    assert sum(principals.get(f"h{i}") is not None for i in range(10)) <= 3
