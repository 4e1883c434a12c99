"""The per-token bucket: a burst passes, a flood is refused with a wait, time refills it."""

import pytest

from graphledger.auth import ratelimit
from graphledger.auth.ratelimit import RateLimiter
from graphledger.errors import TooManyRequests


def test_burst_then_refusal_with_retry_after(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: clock[0])
    limiter = RateLimiter(per_second=2, burst=3)

    for _ in range(3):
        limiter.take("a")
    with pytest.raises(TooManyRequests) as refused:
        limiter.take("a")
    limiter.take("b")  # another token has its own bucket

    assert refused.value.retry_after_s == 1
    assert refused.value.status == 429
    clock[0] += 0.5
    limiter.take("a")  # half a second at 2/s refills one request
    with pytest.raises(TooManyRequests):
        limiter.take("a")
