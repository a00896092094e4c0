"""Overload protection: refuse new calls early and cheaply instead of collapsing.

A Python B2BUA that falls behind answers late, the carrier retransmits, the extra
datagrams cost more CPU, and the server drowns (the retransmission collapse). We watch
how long the INVITE itself waited in the socket (its kernel receive time: the queue in
front of the engine), the event loop's lag (a tick every 50 ms that notes how late it
ran) and the number of calls being set up (ringing, not yet answered); over any limit,
new INVITEs get `503` + `Retry-After` without any transaction state, while calls in
progress carry on.

The socket wait is what keeps a backlog from growing past the limit: behind an 8 MiB
receive buffer the loop's own lag stays small while datagrams queue for seconds, and a
caller whose INVITE waits past T1 (500 ms) retransmits it, adding to the queue. The
INVITEs that waited too long are the ones refused, so the queue settles at the limit.
"""

from __future__ import annotations

import asyncio

TICK = 0.05
# The lag is smoothed: one long pause (a garbage collection) is absorbed by the socket
# buffers and must not turn the INVITEs queued behind it into 503s; lag that lasts,
# which is what overload looks like, crosses the limit within a few ticks.
SMOOTHING = 0.25


class Overload:
    def __init__(self, loop: asyncio.AbstractEventLoop, max_lag_ms: float, max_queue_ms: float,
                 max_calls: int, retry_after_s: int) -> None:
        self.loop = loop
        self.max_lag = max_lag_ms / 1000
        self.max_queue = max_queue_ms / 1000
        self.max_calls = max_calls
        self.retry_after_s = retry_after_s
        self.lag = 0.0
        self._expected = 0.0
        self._handle: asyncio.TimerHandle | None = None

    def start(self) -> None:
        self._expected = self.loop.time() + TICK
        self._handle = self.loop.call_at(self._expected, self._tick)

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()

    def _tick(self) -> None:
        now = self.loop.time()
        late = max(0.0, now - self._expected)
        self.lag += SMOOTHING * (late - self.lag)
        self._expected = now + TICK
        self._handle = self.loop.call_at(self._expected, self._tick)

    def busy(self, calls_in_setup: int, waited: float) -> bool:
        """Should a new INVITE that spent `waited` seconds in the socket be refused?"""
        return (waited > self.max_queue or self.lag > self.max_lag
                or calls_in_setup >= self.max_calls)
