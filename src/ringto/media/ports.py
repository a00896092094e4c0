"""The pool of RTP ports: even numbers from a configured range, RTCP on the odd one above.

Handed out first-in first-out, so a port just freed is the last to be reused (a late
packet of the old call does not land in a new one). An empty pool returns None and the
engine answers 503; nothing here raises on exhaustion.
"""

from __future__ import annotations

from collections import deque


class PortRangeError(ValueError):
    """A port range setting we cannot use; the message says why."""


def parse_port_range(text: str) -> tuple[int, int]:
    """'20000-29999' -> (20000, 29999), with a message for anything else."""
    first, dash, last = text.strip().partition("-")
    if not dash or not first.strip().isdigit() or not last.strip().isdigit():
        raise PortRangeError(f"RTP port range {text!r}: expected FIRST-LAST, e.g. 20000-29999")
    low, high = int(first), int(last)
    if not 1024 <= low < high <= 65535 or high - low < 1 + low % 2:
        raise PortRangeError(f"RTP port range {text!r}: needs 1024 <= FIRST < LAST <= 65535 "
                             "and room for one even port and the odd one above it")
    return low, high


class PortPool:
    def __init__(self, first: int, last: int) -> None:
        start = first + first % 2
        self.ports = tuple(range(start, last, 2))  # port + 1 <= last for RTCP
        self._free = deque(self.ports)
        self._used: set[int] = set()

    @classmethod
    def from_range(cls, text: str) -> PortPool:
        return cls(*parse_port_range(text))

    @property
    def free(self) -> int:
        return len(self._free)

    @property
    def in_use(self) -> int:
        return len(self._used)

    def allocate(self) -> int | None:
        """An even RTP port (RTCP is port + 1), or None when every port is taken."""
        if not self._free:
            return None
        port = self._free.popleft()
        self._used.add(port)
        return port

    def release(self, port: int) -> None:
        """Give `port` back; releasing one that is not out is a no-op, never a double entry."""
        if port in self._used:
            self._used.remove(port)
            self._free.append(port)
