"""SIP transactions as RFC 3261 §17 state tables, sans-IO.

`now` goes in, and what comes out is a list of actions: bytes to send, messages for the
transaction user (TU), and the next deadline. Timers A-K are inputs (`on_timer(now)`),
never sleeps. Over reliable transports the retransmit timers (A, E, G) never fire and
the wait timers (D, I, J, K) are zero. INVITE transactions follow RFC 6026: a 2xx
moves the server side to Accepted, where the TU's 2xx is retransmitted until the ACK
comes (that ACK has its own branch; the layer routes it by Call-ID and CSeq).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .message import Request, Response

T1 = 0.5
T2 = 4.0
T4 = 5.0


class State(Enum):
    TRYING = "trying"
    CALLING = "calling"
    PROCEEDING = "proceeding"
    ACCEPTED = "accepted"
    COMPLETED = "completed"
    CONFIRMED = "confirmed"
    TERMINATED = "terminated"


@dataclass(slots=True)
class Send:
    """Put these bytes on the wire towards the transaction's peer."""

    data: bytes


@dataclass(slots=True)
class Deliver:
    """Hand this response (client side) to the TU."""

    response: Response


@dataclass(slots=True)
class TimedOut:
    """Timer B/F/H fired: the peer never answered (client) or never ACKed (server)."""


Action = Send | Deliver | TimedOut


@dataclass(slots=True)
class _Base:
    # None once the transaction only waits out its timers (client Accepted/Completed,
    # server non-INVITE Completed): it lingers up to 32 s, and holding the message
    # that long made every call cost the garbage collector more.
    request: Request | None
    reliable: bool
    now: float
    state: State = State.TRYING
    # The two timers as plain fields, not objects: with three transactions a call
    # lingering 32 s, two timer objects each were a fifth of what the collector walks.
    retransmit_due: float | None = None  # Timer A, E or G
    interval: float = T1  # the retransmit timer's current interval (it doubles)
    timeout_due: float | None = None  # Timer B, D, F, H, I, J, K, L or M
    owner: Any = None  # the TU's object for this transaction (a call leg, a relay...)
    is_invite: bool = field(init=False, default=False)
    peer: Any = None  # where the endpoint sends for it; None once the endpoint forgot it
    key: tuple[str, ...] = ()  # the endpoint's key for it (§17.1.3, §17.2.3)

    def deadline(self) -> float | None:
        retransmit, timeout = self.retransmit_due, self.timeout_due
        if retransmit is None or timeout is None:
            return timeout if retransmit is None else retransmit
        return min(retransmit, timeout)

    @property
    def terminated(self) -> bool:
        return self.state is State.TERMINATED

    def _arm_retransmit(self, now: float, after: float) -> None:
        self.retransmit_due = now + after
        self.interval = after

    def _retransmit_fired(self, now: float) -> bool:
        return self.retransmit_due is not None and now >= self.retransmit_due

    def _timeout_fired(self, now: float) -> bool:
        return self.timeout_due is not None and now >= self.timeout_due

    def _terminate(self) -> None:
        self.state = State.TERMINATED
        self.retransmit_due = self.timeout_due = None

    def _wait(self, now: float, seconds: float) -> None:
        """Enter a wait state (D, I, J, K): zero over reliable transports."""
        self.retransmit_due = None
        if self.reliable:
            self._terminate()
        else:
            self.timeout_due = now + seconds


@dataclass(slots=True)
class ClientTransaction(_Base):
    """INVITE (§17.1.1) or non-INVITE (§17.1.2) client transaction."""

    data: bytes = b""
    ack: bytes | None = None

    def __post_init__(self) -> None:
        assert self.request is not None
        self.is_invite = self.request.method == "INVITE"

    def start(self) -> list[Action]:
        assert self.request is not None
        self.data = self.request.serialise()
        self.state = State.CALLING if self.is_invite else State.TRYING
        if not self.reliable:
            self._arm_retransmit(self.now, T1)
        self.timeout_due = self.now + 64 * T1
        return [Send(self.data)]

    def on_response(self, response: Response, now: float) -> list[Action]:
        if self.is_invite:
            return self._invite_response(response, now)
        return self._plain_response(response, now)

    def _invite_response(self, response: Response, now: float) -> list[Action]:
        status = response.status
        if self.state in (State.CALLING, State.PROCEEDING):
            if status < 200:
                self.state = State.PROCEEDING
                self.retransmit_due = None
                return [Deliver(response)]
            if status < 300:
                self.state = State.ACCEPTED
                self.retransmit_due = None
                self.timeout_due = now + 64 * T1  # Timer M
                self.request = None
                return [Deliver(response)]
            assert self.request is not None
            self.ack = build_ack(self.request, response).serialise()
            self.request = None
            self.state = State.COMPLETED
            self._wait(now, 32.0)  # Timer D
            return [Send(self.ack), Deliver(response)]
        if self.state is State.ACCEPTED and 200 <= status < 300:
            return [Deliver(response)]  # TU re-ACKs retransmitted 2xx
        if self.state is State.COMPLETED and status >= 300 and self.ack:
            return [Send(self.ack)]
        return []

    def _plain_response(self, response: Response, now: float) -> list[Action]:
        if self.state not in (State.TRYING, State.PROCEEDING):
            return []
        if response.status < 200:
            self.state = State.PROCEEDING
            return [Deliver(response)]
        self.state = State.COMPLETED
        self._wait(now, T4)  # Timer K
        self.request = None
        return [Deliver(response)]

    def on_timer(self, now: float) -> list[Action]:
        if self._timeout_fired(now):
            timed_out = self.state in (State.CALLING, State.TRYING, State.PROCEEDING)
            self._terminate()
            return [TimedOut()] if timed_out else []
        if self._retransmit_fired(now):
            return self._retransmit(now)
        return []

    def _retransmit(self, now: float) -> list[Action]:
        if self.is_invite:  # Timer A doubles without a cap
            self._arm_retransmit(now, self.interval * 2)
        else:  # Timer E doubles up to T2; in Proceeding it stays at T2
            nxt = T2 if self.state is State.PROCEEDING else min(self.interval * 2, T2)
            self._arm_retransmit(now, nxt)
        return [Send(self.data)]


@dataclass(slots=True)
class ServerTransaction(_Base):
    """INVITE (§17.2.1, with RFC 6026 Accepted) or non-INVITE (§17.2.2) server side."""

    last: bytes | None = None
    final_status: int = 0

    def __post_init__(self) -> None:
        assert self.request is not None
        self.is_invite = self.request.method == "INVITE"
        self.state = State.PROCEEDING if self.is_invite else State.TRYING

    def respond(self, response: Response, now: float) -> list[Action]:
        """The TU answers; returns what to send."""
        if self.state in (State.COMPLETED, State.CONFIRMED, State.TERMINATED):
            return []
        if self.state is State.ACCEPTED:
            return [Send(response.serialise())] if 200 <= response.status < 300 else []
        self.last = response.serialise()
        status = response.status
        if status < 200:
            self.state = State.PROCEEDING
            return [Send(self.last)]
        self.final_status = status
        if not self.is_invite:
            self.state = State.COMPLETED
            self._wait(now, 64 * T1)  # Timer J
            self.request = None
        elif status < 300:
            self.state = State.ACCEPTED
            self._retransmit_until(now)  # 2xx until ACK (§13.3.1.4), Timer L
        else:
            self.state = State.COMPLETED
            self._retransmit_until(now)  # Timers G and H
        return [Send(self.last)]

    def _retransmit_until(self, now: float) -> None:
        if not self.reliable:
            self._arm_retransmit(now, T1)
        self.timeout_due = now + 64 * T1

    def on_retransmission(self) -> list[Action]:
        """The same request came again: answer with the last response."""
        if self.last is not None and self.state is not State.ACCEPTED:
            return [Send(self.last)]
        return []

    def on_ack(self, now: float) -> list[Action]:
        if self.state is State.COMPLETED and self.is_invite:
            self.state = State.CONFIRMED
            self._wait(now, T4)  # Timer I
        elif self.state is State.ACCEPTED:
            self._terminate()
        return []

    def on_timer(self, now: float) -> list[Action]:
        if self._timeout_fired(now):
            no_ack = self.state in (State.COMPLETED, State.ACCEPTED) and self.is_invite
            self._terminate()
            return [TimedOut()] if no_ack else []
        if self._retransmit_fired(now) and self.last is not None:
            self._arm_retransmit(now, min(self.interval * 2, T2))
            return [Send(self.last)]
        return []


def build_ack(invite: Request, response: Response) -> Request:
    """The ACK for a non-2xx final response: same branch, To from the response (§17.1.1.3)."""
    headers = [("Via", invite.get_all("Via")[0])]
    headers += [(k, v) for k, v in invite.headers if k in ("From", "Call-ID", "Route")]
    headers.append(("To", response.get("To") or invite.get("To") or ""))
    headers.append(("CSeq", f"{invite.cseq.number} ACK"))
    headers.append(("Max-Forwards", "70"))
    return Request(headers=headers, method="ACK", uri=invite.uri)
