"""Placeholder sanity stage (replaced by the full one)."""

from __future__ import annotations

from .build import make_response
from .errors import SipError
from .message import Message, Request, Response, parse_datagram


def parse_inbound(data: bytes) -> Message:
    return parse_datagram(data)


def check_request(req: Request) -> None:
    for name in ("Via", "From", "To", "Call-ID", "CSeq"):
        if req.get(name) is None:
            raise SipError(400, f"missing {name}")


def check_response(resp: Response) -> None:
    return None


def error_response(data: bytes | Message, err: SipError) -> bytes | None:
    if not isinstance(data, Request) or err.status == 0:
        return None
    return make_response(data, err.status, err.reason).serialise()
