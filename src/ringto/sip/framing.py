"""Framing SIP messages out of a byte stream (TCP, TLS; RFC 3261 §18.3, RFC 5626 §3.5.1).

On a stream the only message boundary is Content-Length, so it is mandatory and a
message whose length cannot be trusted loses the framing of everything after it: that
error is `fatal` and the connection must close once the error is answered. A message
that frames cleanly but fails to parse is refused alone and the stream goes on.
Head and body sizes are capped so that a peer cannot make us buffer without bound.
"""

from __future__ import annotations

from .errors import SipError
from .headers import parse_uint
from .message import MAX_CONTENT_LENGTH, Message, canonical, head_lines, parse_head

MAX_HEAD = 64 * 1024
MAX_BODY = 256 * 1024
_PING = b"\r\n\r\n"


class FramingError(SipError):
    """A message the stream could not deliver.

    `fatal`: framing is lost; answer if `error_response(data, err)` allows, then close.
    `data`: the offending head (and body, when it was framed) for that answer.
    `messages`: messages completed earlier in the same `feed`, still to be handled.
    """

    def __init__(self, status: int, reason: str, *, data: bytes, fatal: bool):
        super().__init__(status, reason)
        self.data = data
        self.fatal = fatal
        self.messages: list[Message] = []


class StreamFramer:
    """Buffers one connection's bytes and returns whole messages.

    `pings` counts RFC 5626 double-CRLF keep-alives seen, so the transport can answer
    each with a single CRLF pong; they never reach the parser.
    """

    def __init__(self, max_head: int = MAX_HEAD, max_body: int = MAX_BODY):
        self.max_head = max_head
        self.max_body = min(max_body, MAX_CONTENT_LENGTH)
        self.closed = False
        self.pings = 0
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Message]:
        """Add received bytes; return every message they complete, in order."""
        if self.closed:
            raise FramingError(0, "stream already lost its framing", data=b"", fatal=True)
        self._buffer += data
        out: list[Message] = []
        try:
            while (message := self._next()) is not None:
                out.append(message)
        except FramingError as err:
            self.closed = err.fatal
            err.messages = out
            raise
        return out

    def _next(self) -> Message | None:
        self._skip_keepalives()
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0 or end > self.max_head:
            if len(self._buffer) > self.max_head:
                head = bytes(self._buffer[: self.max_head])
                raise FramingError(513, "message head too large", data=head, fatal=True)
            return None
        head = bytes(self._buffer[:end])
        length = self._length(head)
        total = end + 4 + length
        if len(self._buffer) < total:
            return None
        body = bytes(self._buffer[end + 4 : total])
        del self._buffer[:total]
        try:
            message = parse_head(head)
        except SipError as err:
            data = head + b"\r\n\r\n" + body
            raise FramingError(err.status, err.reason, data=data, fatal=False) from err
        message.body = body
        return message

    def _skip_keepalives(self) -> None:
        """Drop pings and stray CRLFs before a start line (§7.5), keeping a half ping."""
        while self._buffer.startswith(b"\r\n"):
            if self._buffer.startswith(_PING):
                self.pings += 1
                del self._buffer[:4]
            elif _PING.startswith(self._buffer):
                return  # half a ping: wait for the rest
            else:
                del self._buffer[:2]

    def _length(self, head: bytes) -> int:
        """Content-Length as framing needs it: present, single, a sane number."""
        values = set()
        for line in head_lines(head)[1:]:
            name, colon, value = line.partition(":")
            if colon and canonical(name.strip()) == "Content-Length":
                values.add(value.strip())
        reason = _length_problem(values, self.max_body)
        if reason is None:
            return int(values.pop())
        status = 513 if reason == "body too large" else 400
        raise FramingError(status, reason, data=head + b"\r\n\r\n", fatal=True)


def _length_problem(values: set[str], max_body: int) -> str | None:
    if not values:
        return "missing Content-Length on a stream"
    if len(values) > 1:
        return "conflicting Content-Length values"
    value = next(iter(values))
    if parse_uint(value, MAX_CONTENT_LENGTH) is None:
        return f"bad Content-Length {value[:20]!r}"
    if int(value) > max_body:
        return "body too large"
    return None
