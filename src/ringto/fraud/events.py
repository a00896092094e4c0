"""What the engine (and later the registrar) tells the fraud detector, as small values.

Events are built on the event loop, so they are slotted, frozen and carry only what the
live rules need; `at` is UNIX time in seconds (the windows work in plain floats). The
registrar does not exist yet: it will call `auth_failed` and `registered` with the
detector as the sink, exactly as the tests do now.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class CallAttempt:
    """A new INVITE to a service number that passed the inline verdict."""

    at: float
    call_id: str
    number: str
    caller: str | None
    source_ip: str | None


@dataclass(frozen=True, slots=True)
class CallAnswered:
    at: float
    call_id: str
    number: str
    caller: str | None
    source_ip: str | None
    ring_to: str | None


@dataclass(frozen=True, slots=True)
class CallEnded:
    """A call's end; `talk_s` is None when it was never answered."""

    at: float
    call_id: str
    number: str
    caller: str | None
    source_ip: str | None
    disposition: str
    talk_s: float | None


@dataclass(frozen=True, slots=True)
class SipLogin:
    """Someone presented SIP credentials for `username` from `source_ip`."""

    at: float
    source_ip: str
    username: str
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class AuthFailure(SipLogin):
    """The credentials were wrong or missing (a guess, or a mistyped password)."""


@dataclass(frozen=True, slots=True)
class Registration(SipLogin):
    """The device registered (from a new source this may be a stolen account)."""


Event = CallAttempt | CallAnswered | CallEnded | AuthFailure | Registration


class EventSink(Protocol):
    def submit(self, event: Event) -> None:
        """Take the event without blocking the caller."""


def auth_failed(sink: EventSink, source_ip: str, username: str,
                user_agent: str | None = None, at: float | None = None) -> None:
    """For the registrar: report a failed SIP authentication."""
    sink.submit(AuthFailure(time.time() if at is None else at, source_ip, username, user_agent))


def registered(sink: EventSink, source_ip: str, username: str,
               user_agent: str | None = None, at: float | None = None) -> None:
    """For the registrar: report a successful registration."""
    sink.submit(Registration(time.time() if at is None else at, source_ip, username, user_agent))
