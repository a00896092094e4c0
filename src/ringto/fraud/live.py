"""Wiring the live fraud side into `ringto serve`: guard, detector thread, desk, reloads.

With `RINGTO_FRAUD_REDIS_URL` set the detector's windows live in Redis, so the engine
nodes behind one load balancer count one caller's calls together; otherwise they live
in this process's memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import structlog
from sqlalchemy.orm import Session

from ringto.config import Settings
from ringto.numbers.directory import NumberDirectory

from .desk import Desk
from .detector import CounterFactory, Detector, LiveRules, memory_counters
from .verdict import Guard
from .windows import Counter, RedisCounter

log = structlog.get_logger(__name__)
RELOAD_S = 2.0


def redis_counters(url: str, prefix: str = "ringto:fraud") -> CounterFactory:
    """Counters held in the Redis at `url`, shared by every node that uses it."""
    import redis  # only nodes configured for Redis need the client loaded

    client = redis.Redis.from_url(url, socket_timeout=1.0)

    def make(name: str, window_s: float) -> Counter:
        return RedisCounter(client, name, window_s, prefix)
    return make


def start_fraud(settings: Settings, session_factory: Callable[[], Session],
                directory: NumberDirectory) -> tuple[Guard, Detector]:
    """A loaded guard and a running detector that feeds cases and measures."""
    counters = redis_counters(settings.fraud_redis_url) if settings.fraud_redis_url else memory_counters

    def customer_of(number: str) -> int | None:
        route = directory.lookup(number)
        return None if route is None else route.customer_id

    guard = Guard()
    detector = Detector(LiveRules(counters, customer_of=customer_of), Desk(session_factory, guard))
    guard.sink = detector
    guard.load(session_factory)
    detector.start()
    return guard, detector


async def keep_guard_current(guard: Guard, session_factory: Callable[[], Session]) -> None:
    """Reload blocks, bans and suspensions every RELOAD_S off the loop, so `ringto fraud
    block` and measures applied on other nodes reach this server without a restart."""
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(RELOAD_S)
        try:
            await loop.run_in_executor(None, guard.load, session_factory)
        except Exception:
            log.exception("fraud guard reload failed; keeping the last state")
        guard.sweep()
