"""Sliding-window counters per subject, in process memory or shared through Redis.

Each counter approximates "events for this key in the last `window_s` seconds" with two
fixed buckets, the current and the previous one, weighting the previous by how much of
it still overlaps the window (the sliding-window-counter scheme Cloudflare and many
rate limiters use; it overestimates by at most one bucket's edge effects and never
needs a per-event timestamp). That is what keeps the state bounded: one small integer
per key, however many events the key sees.

`MemoryCounter` packs (bucket number, previous count, current count) into one Python
int per key and files it under the key's 64-bit hash rather than the key string, so a
million callers cost a dict entry and two small ints each (about 110 bytes; two keys
sharing a hash would share a count, odds about 1 in 10^7 for a million keys);
`sweep` drops keys whose counts have aged out and `max_keys` caps the table whatever the
traffic does. `RedisCounter` holds the same buckets as Redis keys with an expiry, so
several engine nodes count together; one pipeline round trip per update.

Written here rather than taken from a rate-limit library because those count against
one limit per call (allow/deny), while the detector needs the estimated count itself,
several windows per event, and the same arithmetic in memory and in Redis.
"""

from __future__ import annotations

from itertools import islice
from typing import Protocol

_BITS = 20
_MAX = (1 << _BITS) - 1
_MASK = _MAX


class Counter(Protocol):
    window_s: float

    def add(self, key: str, now: float, amount: int = 1) -> float:
        """Count `amount` events for `key` at `now`; the estimated count in the window."""

    def count(self, key: str, now: float) -> float:
        """The estimated count for `key` in the window ending at `now`."""

    def sweep(self, now: float) -> int:
        """Forget what has aged out; how many keys were dropped."""


def _estimate(previous: int, current: int, now: float, window_s: float) -> float:
    elapsed = (now % window_s) / window_s
    return previous * (1.0 - elapsed) + current


class MemoryCounter:
    """Sliding-window counts per key in this process, bounded by `max_keys`."""

    def __init__(self, window_s: float, max_keys: int = 2_000_000) -> None:
        if window_s <= 0:
            raise ValueError(f"window_s={window_s}: expected a positive number of seconds")
        self.window_s = window_s
        self.max_keys = max_keys
        self._slots: dict[int, int] = {}
        self._swept = -1

    def __len__(self) -> int:
        return len(self._slots)

    def _counts(self, slot: int, bucket: int) -> tuple[int, int]:
        """(previous, current) counts as seen from `bucket`."""
        packed = self._slots.get(slot)
        if packed is None:
            return 0, 0
        stored = packed >> (2 * _BITS)
        if stored == bucket:
            return (packed >> _BITS) & _MASK, packed & _MASK
        if stored == bucket - 1:
            return packed & _MASK, 0
        return 0, 0

    def add(self, key: str, now: float, amount: int = 1) -> float:
        bucket = int(now // self.window_s)
        slot = hash(key)
        previous, current = self._counts(slot, bucket)
        current = min(current + amount, _MAX)
        if slot not in self._slots and len(self._slots) >= self.max_keys:
            self._make_room(now, bucket)
        self._slots[slot] = (bucket << (2 * _BITS)) | (previous << _BITS) | current
        return _estimate(previous, current, now, self.window_s)

    def _make_room(self, now: float, bucket: int) -> None:
        """Full: sweep (at most once per bucket), and if live keys still fill the table,
        drop the oldest-inserted sixteenth at once, so a flood of new keys costs O(1) each."""
        if self._swept != bucket:
            self._swept = bucket
            self.sweep(now)
        if len(self._slots) >= self.max_keys:
            for old in list(islice(self._slots, max(1, self.max_keys // 16))):
                del self._slots[old]

    def count(self, key: str, now: float) -> float:
        previous, current = self._counts(hash(key), int(now // self.window_s))
        return _estimate(previous, current, now, self.window_s)

    def sweep(self, now: float) -> int:
        """Forget keys with nothing left in the window; how many were dropped."""
        oldest_live = int(now // self.window_s) - 1
        stale = [key for key, packed in self._slots.items() if packed >> (2 * _BITS) < oldest_live]
        for key in stale:
            del self._slots[key]
        return len(stale)


class RedisCounter:
    """The same sliding-window counts held in Redis, shared by every node using `prefix`."""

    def __init__(self, client, name: str, window_s: float, prefix: str = "ringto:fraud") -> None:  # noqa: ANN001
        if window_s <= 0:
            raise ValueError(f"window_s={window_s}: expected a positive number of seconds")
        self.window_s = window_s
        self._client = client
        self._base = f"{prefix}:{name}"
        self._ttl = max(1, int(2 * window_s) + 1)

    def _key(self, key: str, bucket: int) -> str:
        return f"{self._base}:{bucket}:{key}"

    def add(self, key: str, now: float, amount: int = 1) -> float:
        bucket = int(now // self.window_s)
        pipe = self._client.pipeline(transaction=False)
        pipe.incrby(self._key(key, bucket), amount)
        pipe.expire(self._key(key, bucket), self._ttl)
        pipe.get(self._key(key, bucket - 1))
        current, _, previous = pipe.execute()
        return _estimate(int(previous or 0), int(current), now, self.window_s)

    def count(self, key: str, now: float) -> float:
        bucket = int(now // self.window_s)
        current, previous = self._client.mget(self._key(key, bucket), self._key(key, bucket - 1))
        return _estimate(int(previous or 0), int(current or 0), now, self.window_s)

    def sweep(self, now: float) -> int:
        """Redis expires old buckets itself."""
        return 0
