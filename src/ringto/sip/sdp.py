"""SDP session descriptions (RFC 4566), thin and lossless.

A description is its lines, in order, as (type, value) pairs: session-level lines, then
one `MediaDescription` per m= line holding the lines that follow it. Typed views (c=,
o=, m=, rtpmap, fmtp, direction) are read on demand, and the only rewrites are the ones
media anchoring needs (connection address, media port). Lines nobody asked about are
kept as received, so `SessionDescription.parse(data).serialise() == data` for
well-formed input and a relayed offer keeps what we do not understand.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import SipParseError
from .headers import parse_uint

Line = tuple[str, str]
DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")


def _fields(value: str, count: int, line: str) -> list[str]:
    """The space-separated fields of an SDP line that must have exactly `count`."""
    parts = value.split(" ")
    if len(parts) != count or not all(parts):
        raise SipParseError(f"malformed SDP {line}= {value[:60]!r}")
    return parts


@dataclass(frozen=True, slots=True)
class Connection:
    """c=<nettype> <addrtype> <connection-address> (address may carry /ttl/count)."""

    net_type: str
    addr_type: str
    address: str

    @classmethod
    def parse(cls, value: str) -> Connection:
        return cls(*_fields(value, 3, "c"))

    def __str__(self) -> str:
        return f"{self.net_type} {self.addr_type} {self.address}"


@dataclass(frozen=True, slots=True)
class Origin:
    """o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>."""

    username: str
    session_id: str
    session_version: str
    net_type: str
    addr_type: str
    address: str

    @classmethod
    def parse(cls, value: str) -> Origin:
        return cls(*_fields(value, 6, "o"))

    def __str__(self) -> str:
        return " ".join((self.username, self.session_id, self.session_version,
                         self.net_type, self.addr_type, self.address))


@dataclass(frozen=True, slots=True)
class RtpMap:
    """a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>]."""

    payload: str
    encoding: str
    clock_rate: int
    channels: int | None = None

    @classmethod
    def parse(cls, value: str) -> RtpMap:
        payload, _, spec = value.partition(" ")
        name, _, rest = spec.strip().partition("/")
        rate, _, channels = rest.partition("/")
        clock = parse_uint(rate, 2**32 - 1)
        count = parse_uint(channels, 255) if channels else None
        if not payload or not name or clock is None or (channels and count is None):
            raise SipParseError(f"malformed rtpmap {value[:60]!r}")
        return cls(payload, name, clock, count)


def _attributes(lines: tuple[Line, ...]) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for kind, value in lines:
        if kind == "a":
            name, colon, rest = value.partition(":")
            out.append((name, rest if colon else None))
    return out


def _first(lines: tuple[Line, ...], kind: str) -> str | None:
    return next((value for k, value in lines if k == kind), None)


def _direction(lines: tuple[Line, ...]) -> str | None:
    return next((v for k, v in lines if k == "a" and v in DIRECTIONS), None)


def _with_connection(lines: tuple[Line, ...], connection: Connection) -> tuple[Line, ...]:
    return tuple(("c", str(connection)) if k == "c" else (k, v) for k, v in lines)


class _Block:
    """What a session and a media description share: c= and a= lines read from `lines`."""

    __slots__ = ()
    lines: tuple[Line, ...]

    @property
    def connection(self) -> Connection | None:
        value = _first(self.lines, "c")
        return None if value is None else Connection.parse(value)

    @property
    def attributes(self) -> list[tuple[str, str | None]]:
        return _attributes(self.lines)


@dataclass(frozen=True, slots=True)
class MediaDescription(_Block):
    """An m= line and the lines after it up to the next m= line."""

    media: str
    port: int
    port_count: int | None
    proto: str
    formats: tuple[str, ...]
    lines: tuple[Line, ...] = ()

    @classmethod
    def parse_m(cls, value: str) -> MediaDescription:
        parts = value.split(" ")
        if len(parts) < 4 or not all(parts):
            raise SipParseError(f"malformed SDP m= {value[:60]!r}")
        port_text, slash, count_text = parts[1].partition("/")
        port = parse_uint(port_text, 65535)
        count = parse_uint(count_text, 65535) if slash else None
        if port is None or (slash and count is None):
            raise SipParseError(f"malformed SDP m= port {parts[1][:20]!r}")
        return cls(parts[0], port, count, parts[2], tuple(parts[3:]))

    @property
    def m_line(self) -> str:
        port = self.port if self.port_count is None else f"{self.port}/{self.port_count}"
        return " ".join((self.media, str(port), self.proto, *self.formats))

    @property
    def rtpmaps(self) -> dict[str, RtpMap]:
        maps = (RtpMap.parse(v) for k, v in self.attributes if k == "rtpmap" and v is not None)
        return {rtpmap.payload: rtpmap for rtpmap in maps}

    @property
    def fmtp(self) -> dict[str, str]:
        pairs = (v.partition(" ") for k, v in self.attributes if k == "fmtp" and v is not None)
        return {payload: params.strip() for payload, _, params in pairs}

    @property
    def direction(self) -> str | None:
        """This media's own direction attribute; None means the session's applies."""
        return _direction(self.lines)

    def with_port(self, port: int) -> MediaDescription:
        return replace(self, port=port)

    def with_connection(self, connection: Connection) -> MediaDescription:
        return replace(self, lines=_with_connection(self.lines, connection))


@dataclass(frozen=True, slots=True)
class SessionDescription(_Block):
    lines: tuple[Line, ...]
    media: tuple[MediaDescription, ...] = ()
    eol: str = "\r\n"

    @classmethod
    def parse(cls, data: bytes) -> SessionDescription:
        """Parse an SDP body; raise SipParseError(400) when it is not one."""
        text = data.decode("utf-8", "surrogateescape")
        eol = "\r\n" if "\r\n" in text else "\n"
        raw = text.split(eol)
        if raw and raw[-1] == "":
            raw.pop()
        session: list[Line] = []
        sections: list[tuple[MediaDescription, list[Line]]] = []
        for line in raw:
            if len(line) < 2 or line[1] != "=" or not ("a" <= line[0] <= "z"):
                raise SipParseError(f"malformed SDP line {line[:40]!r}")
            kind, value = line[0], line[2:]
            if kind == "m":
                sections.append((MediaDescription.parse_m(value), []))
            else:
                (sections[-1][1] if sections else session).append((kind, value))
        if not session or session[0] != ("v", "0"):
            raise SipParseError("SDP does not start with v=0")
        media = tuple(replace(m, lines=tuple(lines)) for m, lines in sections)
        return cls(tuple(session), media, eol)

    def serialise(self) -> bytes:
        out = [f"{k}={v}" for k, v in self.lines]
        for m in self.media:
            out.append(f"m={m.m_line}")
            out.extend(f"{k}={v}" for k, v in m.lines)
        return (self.eol.join(out) + self.eol).encode("utf-8", "surrogateescape")

    @property
    def origin(self) -> Origin | None:
        value = _first(self.lines, "o")
        return None if value is None else Origin.parse(value)

    @property
    def direction(self) -> str:
        """The session-level direction (RFC 3264 §5.1 default: sendrecv)."""
        return _direction(self.lines) or "sendrecv"

    def media_direction(self, index: int) -> str:
        return self.media[index].direction or self.direction

    def with_connection(self, connection: Connection) -> SessionDescription:
        """Every c= line, session and media level, pointed at `connection`."""
        media = tuple(m.with_connection(connection) for m in self.media)
        return replace(self, lines=_with_connection(self.lines, connection), media=media)
