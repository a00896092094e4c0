"""Sliding-window counters: the estimate stays within one bucket's error of the exact
count, in memory and in the real Redis, and old keys are swept."""

from __future__ import annotations

import uuid

import pytest
import redis
from hypothesis import given, settings
from hypothesis import strategies as st

from ringto.fraud.detector import LiveRules
from ringto.fraud.events import CallEnded
from ringto.fraud.live import redis_counters
from ringto.fraud.windows import MemoryCounter, RedisCounter

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # never skipped: a missing Redis fails the test
    prefix = f"ringto:test:{uuid.uuid4().hex[:12]}"
    yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def _exact(times: list[float], now: float, window_s: float) -> int:
    return sum(1 for t in times if now - window_s < t <= now)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), max_size=60).map(sorted))
def test_estimate_bounded_by_the_two_buckets(times: list[float]) -> None:
    """Never below what the current bucket holds, never above the two buckets' total."""
    window = 10.0
    counter = MemoryCounter(window)
    for t in times:
        counter.add("k", t)
    now = (times[-1] if times else 0.0) + 0.001
    bucket = int(now // window)
    current = sum(1 for t in times if int(t // window) == bucket)
    both = sum(1 for t in times if int(t // window) >= bucket - 1)
    estimate = counter.count("k", now)
    assert current - 1e-9 <= estimate <= both + 1e-9
    assert _exact(times, now, window) <= both


def test_counts_age_out_and_sweep_forgets_idle_keys() -> None:
    counter = MemoryCounter(10.0)
    for t in (1.0, 2.0, 3.0):
        counter.add("caller-a", t)
    counter.add("caller-b", 25.0)
    assert counter.count("caller-a", 3.5) == 3
    assert 0 < counter.count("caller-a", 12.0) < 3  # partly slid out
    assert counter.count("caller-a", 25.0) == 0
    assert counter.sweep(25.0) == 1 and len(counter) == 1


def test_max_keys_bounds_the_table() -> None:
    counter = MemoryCounter(60.0, max_keys=1000)
    for n in range(5000):
        counter.add(f"+3161{n:07d}", 1.0)
    assert 1000 - 1000 // 16 <= len(counter) <= 1000
    assert counter.count("+31610004999", 1.0) == 1


def test_redis_counts_like_memory_and_is_shared_between_nodes(redis_client) -> None:
    client, prefix = redis_client
    node_a = RedisCounter(client, "short", 10.0, prefix=prefix)
    node_b = RedisCounter(client, "short", 10.0, prefix=prefix)
    memory = MemoryCounter(10.0)
    times = [100.0, 101.5, 103.0, 108.0, 111.0, 112.0, 119.5]
    for n, t in enumerate(times):
        (node_a if n % 2 else node_b).add("+3180|+3161", t)
        memory.add("+3180|+3161", t)
        assert node_a.count("+3180|+3161", t) == pytest.approx(memory.count("+3180|+3161", t))
    assert node_b.count("other", 119.5) == 0
    ttl = client.ttl(f"{prefix}:short:11:+3180|+3161")
    assert 0 < ttl <= 21  # buckets expire by themselves


def test_two_nodes_sharing_redis_find_a_flood_neither_sees_alone(redis_client) -> None:
    """Short calls from one caller alternate between two engine nodes: with the windows in
    Redis the fifth call crosses the limit; with per-node memory neither node gets there."""
    _, prefix = redis_client
    shared = [LiveRules(redis_counters(REDIS_URL, prefix)) for _ in range(2)]
    alone = [LiveRules() for _ in range(2)]
    found: dict[str, list] = {"shared": [], "alone": []}
    for n in range(6):
        event = CallEnded(7000 + n * 0.3, f"c{n}", "+319001234567", "+31612345678", "192.0.2.1",
                          "answered", 0.2)
        found["shared"] += shared[n % 2].handle(event)
        found["alone"] += alone[n % 2].handle(event)
    assert [a.category for a in found["shared"]] == ["call_flooding", "call_flooding"]
    assert found["alone"] == []
