"""A token bucket per API token: bursts pass, a sustained flood gets 429 with Retry-After.

The buckets live in the process, so behind several replicas each one enforces the limit on the
requests it receives; a token's effective limit is then the per-replica limit times the replicas.
"""

import math
import threading
import time
from dataclasses import dataclass

from graphledger.errors import TooManyRequests
from graphledger.settings import get_settings

MAX_BUCKETS = 100_000


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    def __init__(self, per_second: float, burst: int) -> None:
        self.per_second = per_second
        self.burst = burst
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, who: str) -> None:
        """Spend one request of `who`'s allowance, or raise TooManyRequests."""
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(who)
            if bucket is None:
                if len(self._buckets) >= MAX_BUCKETS:
                    self._buckets.clear()  # bounded memory; a reset only forgives, never blocks
                bucket = self._buckets[who] = _Bucket(
                    tokens=float(self.burst), stamp=now
                )
            bucket.tokens = min(
                self.burst, bucket.tokens + (now - bucket.stamp) * self.per_second
            )
            bucket.stamp = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return
            wait = (1 - bucket.tokens) / self.per_second
        raise TooManyRequests(
            f"more than {self.per_second:g} requests a second (bursts of {self.burst}) "
            "from this token",
            retry_after_s=max(1, math.ceil(wait)),
        )


_limiter: RateLimiter | None = None


def limiter() -> RateLimiter:
    global _limiter
    if _limiter is None:
        settings = get_settings()
        _limiter = RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst)
    return _limiter
