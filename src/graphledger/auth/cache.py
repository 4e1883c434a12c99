"""Verified tokens, kept briefly in the process so most requests authenticate without the database.

Only tokens the database accepted are kept, each for at most `token_cache_s` seconds and never past
its own expiry; an unknown token is looked up every time, so a token made in another process works
at once. A revocation through this process forgets the token at once; one made elsewhere (another
API process, or straight in the database) takes effect here within `token_cache_s`.
"""

import threading
import time
import uuid
from datetime import UTC, datetime

from graphledger.auth.service import Principal
from graphledger.settings import get_settings

MAX_ENTRIES = 10_000


class PrincipalCache:
    def __init__(self, ttl_s: float, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()

    def get(self, token_hash: str) -> Principal | None:
        """The principal verified for this token hash, if that was recent enough."""
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        principal, until = entry
        if time.monotonic() >= until:
            with self._lock:
                if self._entries.get(token_hash) is entry:
                    del self._entries[token_hash]
            return None
        return principal

    def put(self, token_hash: str, principal: Principal) -> None:
        """Keep a principal the database just accepted, up to the TTL or its expiry."""
        if self.ttl_s <= 0:
            return
        now = time.monotonic()
        until = now + self.ttl_s
        if principal.expires_at is not None:
            left = (principal.expires_at - datetime.now(UTC)).total_seconds()
            until = min(until, now + left)
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries = {k: v for k, v in self._entries.items() if v[1] > now}
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()  # bounded memory; a miss only costs a lookup
            self._entries[token_hash] = (principal, until)

    def forget(self, token_id: uuid.UUID) -> None:
        """Drop the entries of one token, so its revocation holds in this process at once."""
        with self._lock:
            self._entries = {
                k: v for k, v in self._entries.items() if v[0].token_id != token_id
            }

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_cache: PrincipalCache | None = None


def principals() -> PrincipalCache:
    """The process-wide cache of verified tokens."""
    global _cache
    if _cache is None:
        _cache = PrincipalCache(get_settings().token_cache_s)
    return _cache
