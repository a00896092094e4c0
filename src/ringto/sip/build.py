"""Building messages: responses to a request (§8.2.6) and new-branch/tag/Call-ID tokens."""

from __future__ import annotations

import os
import random
import uuid

from .headers import MAGIC_COOKIE
from .message import Request, Response

REASONS = {
    100: "Trying", 180: "Ringing", 181: "Call Is Being Forwarded", 182: "Queued",
    183: "Session Progress", 200: "OK", 202: "Accepted", 400: "Bad Request",
    401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    406: "Not Acceptable", 408: "Request Timeout", 410: "Gone", 413: "Request Entity Too Large",
    415: "Unsupported Media Type", 416: "Unsupported URI Scheme", 420: "Bad Extension",
    480: "Temporarily Unavailable", 481: "Call/Transaction Does Not Exist",
    482: "Loop Detected", 483: "Too Many Hops", 484: "Address Incomplete", 486: "Busy Here",
    487: "Request Terminated", 488: "Not Acceptable Here", 491: "Request Pending",
    500: "Server Internal Error", 501: "Not Implemented", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Server Time-out", 505: "Version Not Supported",
    513: "Message Too Large",
    600: "Busy Everywhere", 603: "Decline", 604: "Does Not Exist Anywhere",
}
_COPIED = frozenset(("Via", "From", "To", "Call-ID", "CSeq"))


_random = random.Random(os.urandom(16))


def token(nbytes: int = 8) -> str:
    """A unique tag, branch or Call-ID part: unpredictable enough, and no syscall per call."""
    return f"{_random.getrandbits(nbytes * 8):0{nbytes * 2}x}"


def record_id() -> str:
    """A call record's id: a random (version 4) UUID from the same generator, since
    `uuid.uuid4()` asks the kernel for 16 bytes on every call."""
    return str(uuid.UUID(int=_random.getrandbits(128), version=4))


def new_branch() -> str:
    return MAGIC_COOKIE + token(8)


def make_response(
    request: Request,
    status: int,
    reason: str | None = None,
    *,
    to_tag: str | None = None,
    headers: tuple[tuple[str, str], ...] = (),
    body: bytes = b"",
) -> Response:
    """A response that copies Via, From, To, Call-ID and CSeq from the request (§8.2.6.2).

    The To tag is added only when given and the request's To has none, so a response
    inside a dialog keeps the tag the dialog already has.
    """
    copied = [(k, v) for k, v in request.headers if k in _COPIED]
    if to_tag is not None and status > 100:
        copied = [(k, _with_tag(v, to_tag)) if k == "To" else (k, v) for k, v in copied]
    response = Response(
        headers=copied + list(headers),
        body=body,
        status=status,
        reason=reason or REASONS.get(status, "Unknown"),
    )
    return response


def _with_tag(to_value: str, tag: str) -> str:
    if ";tag=" in to_value.replace(" ", "").lower():
        return to_value
    return f"{to_value};tag={tag}"
