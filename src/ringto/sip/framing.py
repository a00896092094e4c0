"""Placeholder stream framer (replaced by the full one)."""

from __future__ import annotations

from .errors import SipParseError
from .message import Message, content_length, parse_head, split_head


class StreamFramer:
    def __init__(self) -> None:
        self.buffer = b""

    def feed(self, data: bytes) -> list[Message]:
        self.buffer += data
        out: list[Message] = []
        while True:
            self.buffer = self.buffer.lstrip(b"\r\n")
            head, rest, complete = split_head(self.buffer)
            if not complete:
                return out
            message = parse_head(head)
            length = content_length(message)
            if length is None:
                raise SipParseError("missing Content-Length on a stream")
            if len(rest) < length:
                return out
            message.body = rest[:length]
            self.buffer = rest[length:]
            out.append(message)
