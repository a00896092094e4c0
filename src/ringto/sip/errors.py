"""Errors that say whose fault it is and what to answer (h11's habit).

A parser or validator raises `SipError` with the response code the element should send
(400, 416, 420, 483, 505, ...). Where no response is possible (a broken response, a
request without a usable Via) the transport drops the message instead; status 0 says
so explicitly: drop silently, answer nothing.
"""

from __future__ import annotations


class SipError(Exception):
    """The remote side sent something we refuse; `status` is the answer to give."""

    def __init__(
        self, status: int, reason: str, *, extra_headers: tuple[tuple[str, str], ...] = ()
    ):
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason
        self.extra_headers = extra_headers


class SipParseError(SipError):
    """The bytes are not a SIP message we can frame or read."""

    def __init__(self, reason: str, status: int = 400):
        super().__init__(status, reason)
