"""SIP requests and responses: framing, header access and serialisation (RFC 3261 §7, §20).

Written by hand because speed and leniency both matter here and no maintained library
offers a sans-IO SIP parser. In the spirit of Kamailio's lazy parser, a message is the
start line plus a list of (canonical name, raw value) pairs; typed values (Via, From,
CSeq...) are parsed only when asked for. Serialising an unchanged message gives the
same header lines; relayed bodies stay byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import SipParseError
from .headers import (
    CSeq,
    NameAddr,
    Via,
    parse_cseq,
    parse_name_addr,
    parse_uint,
    parse_via,
    split_commas,
)
from .uri import Uri, parse_uri

COMPACT = {
    "i": "Call-ID", "m": "Contact", "e": "Content-Encoding", "l": "Content-Length",
    "c": "Content-Type", "f": "From", "s": "Subject", "k": "Supported", "t": "To",
    "v": "Via", "o": "Event", "r": "Refer-To", "b": "Referred-By", "x": "Session-Expires",
    "u": "Allow-Events", "a": "Accept-Contact", "j": "Reject-Contact", "y": "Identity",
}
_KNOWN = [
    "Via", "From", "To", "Call-ID", "CSeq", "Contact", "Max-Forwards", "Route",
    "Record-Route", "Content-Length", "Content-Type", "Content-Encoding", "Allow",
    "Supported", "Require", "Proxy-Require", "Unsupported", "User-Agent", "Server",
    "Expires", "Privacy", "P-Asserted-Identity", "P-Preferred-Identity", "Retry-After",
    "WWW-Authenticate", "Authorization", "Proxy-Authenticate", "Proxy-Authorization",
    "Accept", "Accept-Encoding", "Accept-Language", "Date", "Subject", "Event", "Reason",
    "Session-Expires", "Min-SE", "Warning", "P-Access-Network-Info", "Remote-Party-ID",
]
CANONICAL = {name.lower(): name for name in _KNOWN} | COMPACT
SINGLE = ("Call-ID", "From", "To", "CSeq", "Max-Forwards", "Content-Length", "Content-Type")
LIST_HEADERS = frozenset({"Via", "Contact", "Route", "Record-Route", "Allow", "Supported",
                          "Require", "Proxy-Require", "Unsupported", "Accept"})
MAX_CONTENT_LENGTH = 2**31 - 1
_TOKEN = re.compile(r"[A-Za-z0-9\-.!%*_+`'~]+\Z")
_REQUEST_LINE = re.compile(r"([A-Za-z0-9\-.!%*_+`'~]+) (\S+) (SIP/\d+\.\d+)\Z")
_STATUS_LINE = re.compile(r"SIP/2\.0 (\d{3}) (.*)\Z", re.S)


_SEEN: dict[str, str] = {name: name for name in CANONICAL.values()}
_CHECKED: dict[str, str] = {}  # header names as written on the wire that passed the token check


def canonical(name: str) -> str:
    """The one spelling we store a header name under (compact forms expanded)."""
    seen = _SEEN.get(name)
    if seen is not None:
        return seen
    found = CANONICAL.get(name.lower())
    result = found if found else "-".join(p.capitalize() for p in name.split("-"))
    if len(_SEEN) < 4096:  # bounded: random header names from the wire cannot grow it forever
        _SEEN[name] = result
    return result


@dataclass(slots=True)
class Message:
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    # The first value of each header, built on the first lookup: every layer asks for
    # Call-ID, CSeq, From and To again, some 35 lookups a call. It is rebuilt when
    # `headers` is another list or another length; the methods below that change a
    # header in place drop it themselves. One dict and no lists: messages linger in
    # transactions for 32 s, and what they hold costs every garbage collection.
    _index: tuple[list, int, dict[str, str]] | None = field(
        default=None, init=False, repr=False, compare=False)

    # -- raw access -------------------------------------------------------------------
    def first_values(self) -> dict[str, str]:
        """The first value of every header by canonical name (read only: a shared index)."""
        index = self._index
        headers = self.headers
        if index is not None and index[0] is headers and index[1] == len(headers):
            return index[2]
        firsts: dict[str, str] = {}
        for key, value in headers:
            if key not in firsts:
                firsts[key] = value
        self._index = (headers, len(headers), firsts)
        return firsts

    def has_repeats(self) -> bool:
        """Whether some header name appears on more than one line."""
        return len(self.first_values()) < len(self.headers)

    def get(self, name: str) -> str | None:
        return self.first_values().get(_SEEN.get(name) or canonical(name))

    def get_all(self, name: str) -> list[str]:
        """Every value of `name`, comma-joined lists split for list headers."""
        name = _SEEN.get(name) or canonical(name)
        firsts = self.first_values()
        if name not in firsts:
            return []
        if len(firsts) == len(self.headers):
            values = [firsts[name]]
        else:
            values = [value for key, value in self.headers if key == name]
        if name in LIST_HEADERS:
            return [part for value in values for part in split_commas(value)]
        return values

    def set(self, name: str, value: str) -> None:
        """Replace every `name` header by one with `value` (appended if absent)."""
        name = canonical(name)
        self._index = None
        for i, (key, _) in enumerate(self.headers):
            if key == name:
                self.headers[i] = (name, value)
                self.headers[i + 1 :] = [h for h in self.headers[i + 1 :] if h[0] != name]
                return
        self.headers.append((name, value))

    def replace_at(self, i: int, name: str, value: str) -> None:
        """Put `name: value` in place of the i-th header line (keeping the order)."""
        self.headers[i] = (canonical(name), value)
        self._index = None

    def remove(self, name: str) -> None:
        name = canonical(name)
        self.headers = [h for h in self.headers if h[0] != name]

    def add(self, name: str, value: str, *, first: bool = False) -> None:
        self._index = None
        item = (canonical(name), value)
        if first:
            self.headers.insert(0, item)
        else:
            self.headers.append(item)

    # -- typed access -----------------------------------------------------------------
    @property
    def vias(self) -> list[Via]:
        return [parse_via(v) for v in self.get_all("Via")]

    @property
    def top_via(self) -> Via:
        return parse_via(split_commas(self._required("Via"))[0])

    @property
    def from_(self) -> NameAddr:
        return parse_name_addr(self._required("From"))

    @property
    def to(self) -> NameAddr:
        return parse_name_addr(self._required("To"))

    @property
    def call_id(self) -> str:
        return self._required("Call-ID")

    @property
    def cseq(self) -> CSeq:
        return parse_cseq(self._required("CSeq"))

    @property
    def contacts(self) -> list[NameAddr]:
        return [parse_name_addr(v) for v in self.get_all("Contact")]

    @property
    def routes(self) -> list[NameAddr]:
        return [parse_name_addr(v) for v in self.get_all("Route")]

    @property
    def record_routes(self) -> list[NameAddr]:
        return [parse_name_addr(v) for v in self.get_all("Record-Route")]

    @property
    def max_forwards(self) -> int | None:
        value = self.get("Max-Forwards")
        if value is None:
            return None
        hops = parse_uint(value, 255)
        if hops is None:
            raise SipParseError("Max-Forwards malformed or out of range")
        return hops

    def _required(self, name: str) -> str:
        """The first value of `name`, given in canonical spelling (the typed accessors)."""
        found = self.first_values().get(name)
        if found is None:
            raise SipParseError(f"missing {name}")
        return found

    # -- serialisation ----------------------------------------------------------------
    def _head_lines(self) -> list[str]:
        raise NotImplementedError

    def serialise(self) -> bytes:
        lines = self._head_lines()
        for key, value in self.headers:
            if key != "Content-Length":
                lines.append(f"{key}: {value}")
        lines.append(f"Content-Length: {len(self.body)}")
        head = "\r\n".join(lines) + "\r\n\r\n"
        return head.encode("utf-8", "surrogateescape") + self.body


@dataclass(slots=True)
class Request(Message):
    method: str = "OPTIONS"
    uri: str = ""

    @property
    def ruri(self) -> Uri:
        return parse_uri(self.uri)

    def _head_lines(self) -> list[str]:
        return [f"{self.method} {self.uri} SIP/2.0"]


@dataclass(slots=True)
class Response(Message):
    status: int = 200
    reason: str = "OK"

    def _head_lines(self) -> list[str]:
        return [f"SIP/2.0 {self.status} {self.reason}"]


def split_head(data: bytes) -> tuple[bytes, bytes, bool]:
    """Split at the empty line; (head, rest, complete)."""
    end = data.find(b"\r\n\r\n")
    if end >= 0:
        return data[:end], data[end + 4 :], True
    end = data.find(b"\n\n")
    if end >= 0:
        return data[:end], data[end + 2 :], True
    return data, b"", False


def head_lines(head: bytes) -> list[str]:
    """The start line and unfolded header lines of a head, decoded losslessly.

    Shared by the parser and by error answers, which read what they can from a head
    the parser refused.
    """
    text = head.decode("utf-8", "surrogateescape").lstrip("\r\n").replace("\r\n", "\n")
    lines = text.split("\n")
    return _unfold(lines) if "\n " in text or "\n\t" in text else lines


def parse_head(head: bytes) -> Message:
    """Parse start line and headers (no body); raise SipParseError on bad syntax."""
    lines = head_lines(head)
    if not lines[0]:
        raise SipParseError("empty message")
    message = _start_line(lines[0])
    message.headers = [_header(line) for line in lines[1:] if line]
    return message


def _unfold(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line[:1] in (" ", "\t") and out:
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
    return out


def _start_line(line: str) -> Message:
    if line.startswith("SIP/"):
        match = _STATUS_LINE.match(line)
        if not match or not 100 <= int(match.group(1)) <= 699:
            raise SipParseError(f"bad status line {line[:60]!r}", status=0)
        return Response(status=int(match.group(1)), reason=match.group(2))
    match = _REQUEST_LINE.match(line)
    if not match:
        raise SipParseError(f"bad request line {line[:60]!r}")
    if match.group(3) != "SIP/2.0":
        raise SipParseError(f"unsupported version {match.group(3)}", status=505)
    return Request(method=match.group(1), uri=match.group(2))


def _header(line: str) -> tuple[str, str]:
    name, colon, value = line.partition(":")
    checked = _CHECKED.get(name) if colon else None
    if checked is not None:  # a name seen before, spelled exactly so: most lines
        return checked, value.strip(" \t")
    raw = name
    name = name.rstrip(" \t")
    if not colon or not _TOKEN.match(name):
        raise SipParseError(f"malformed header line {line[:60]!r}")
    checked = canonical(name)
    if len(_CHECKED) < 4096:
        _CHECKED[raw] = checked
    return checked, value.strip(" \t")


def content_length(message: Message) -> int | None:
    values = message.get_all("Content-Length")
    if not values:
        return None
    if len(values) > 1 and len({v.strip() for v in values}) > 1:
        raise SipParseError("conflicting Content-Length values")
    length = parse_uint(values[0], MAX_CONTENT_LENGTH)
    if length is None:
        raise SipParseError(f"bad Content-Length {values[0][:20]!r}")
    return length


def parse_datagram(data: bytes) -> Message:
    """Parse one UDP datagram: frame by Content-Length, ignore trailing octets (§18.3)."""
    head, rest, _complete = split_head(data)
    message = parse_head(head)
    length = content_length(message)
    if length is None:
        message.body = rest
    elif length > len(rest):
        raise SipParseError("Content-Length larger than the datagram")
    else:
        message.body = rest[:length]
    return message


def is_response(data: bytes) -> bool:
    return data.startswith(b"SIP/")

