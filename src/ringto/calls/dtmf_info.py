"""DTMF sent as SIP INFO, for phones and gateways that do not send RFC 4733 events.

Two bodies are in the field: `application/dtmf-relay` ("Signal=5\\r\\nDuration=160",
the Cisco form most devices copy) and `application/dtmf` (just the digit). No RFC
covers them, so no library does either.
"""

from __future__ import annotations

from ..sip.message import Request

DIGITS = frozenset("0123456789*#ABCD")


def info_digit(request: Request) -> str | None:
    """The digit an INFO request carries, or None when it carries none we understand."""
    kind = (request.get("Content-Type") or "").split(";")[0].strip().lower()
    text = request.body.decode("ascii", "replace")
    if kind == "application/dtmf-relay":
        for line in text.splitlines():
            name, _, value = line.partition("=")
            if name.strip().lower() == "signal":
                return _digit(value)
        return None
    if kind == "application/dtmf":
        return _digit(text)
    return None


def _digit(value: str) -> str | None:
    value = value.strip().upper()
    if value == "10":
        return "*"
    if value == "11":
        return "#"
    return value if len(value) == 1 and value in DIGITS else None
