"""A small jitter buffer: packets out in sequence order after a bounded delay.

Written here: the jitter buffers of PJSIP, GStreamer or aiortc are tied to their
stacks. Ours only has to feed a recording, so it stays simple: the packet that follows
the last one released leaves at once (the usual case costs nothing); a packet after a
gap waits until the gap fills or until some held packet has waited `delay` seconds
from its arrival (enough for a reordered neighbour to catch up); the first packet of a
stream waits `delay` too. Packets leave in sequence order; one behind a packet already
released is late and dropped, as is a duplicate; past `capacity` held packets the
oldest are released early, so memory stays bounded whatever arrives. Time is an input
(`now`), never read from a clock, and must not go backwards.
"""

from __future__ import annotations

import heapq
from collections import deque
from typing import NamedTuple

from .rtp import RtpPacket, seq_diff


class Held(NamedTuple):
    """A packet in the buffer: its unwrapped sequence number (unique while held, so the
    heap never compares further) and when it arrived."""

    index: int
    arrival: float
    packet: RtpPacket


class JitterBuffer:
    def __init__(self, delay: float = 0.06, capacity: int = 50) -> None:
        self.delay = delay
        self.capacity = capacity
        self.late = 0  # packets dropped because one after them had already left
        self.duplicates = 0
        self._heap: list[Held] = []
        self._indexes: set[int] = set()
        self._arrivals: deque[tuple[float, int]] = deque()  # in push order, so by arrival
        self._last: int | None = None  # extended sequence number last released
        self._newest: int | None = None  # extended sequence number of the newest arrival

    def __len__(self) -> int:
        return len(self._heap)

    def _extend(self, seq: int) -> int:
        """A sequence number unwrapped onto a line that keeps growing past 65535."""
        if self._newest is None:
            return seq
        return self._newest + seq_diff(seq, self._newest & 0xFFFF)

    def push(self, packet: RtpPacket, now: float) -> None:
        index = self._extend(packet.seq)
        if self._last is not None and index <= self._last:
            self.late += 1
            return
        if index in self._indexes:
            self.duplicates += 1
            return
        self._newest = index if self._newest is None else max(self._newest, index)
        self._indexes.add(index)
        self._arrivals.append((now, index))
        heapq.heappush(self._heap, Held(index, now, packet))

    def take_if_next(self, packet: RtpPacket) -> bool:
        """Release `packet` at once, without holding it, if nothing is held and it is the
        one after the last released (the common case, kept cheap); False otherwise."""
        if self._heap or self._last is None or (packet.seq - self._last - 1) & 0xFFFF:
            return False
        self._last = self._newest = self._last + 1
        return True

    def pop(self, now: float) -> list[Held]:
        """The packets due by `now`, in sequence order."""
        out = []
        heap = self._heap
        while heap and ((self._last is not None and heap[0].index == self._last + 1)
                        or len(heap) > self.capacity or self._waited(now)):
            out.append(self._release())
        return out

    def _waited(self, now: float) -> bool:
        """Some held packet has waited its delay, so every one before it must go too."""
        arrivals = self._arrivals
        while arrivals[0][1] not in self._indexes:  # released already
            arrivals.popleft()
        return arrivals[0][0] + self.delay <= now

    def drain(self) -> list[Held]:
        """Everything still held, in order (the stream has ended)."""
        self._arrivals.clear()
        return [self._release() for _ in range(len(self._heap))]

    def _release(self) -> Held:
        held = heapq.heappop(self._heap)
        self._indexes.discard(held.index)
        self._last = held.index
        return held
