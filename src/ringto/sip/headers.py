"""Typed SIP header values: Via, name-addr (From/To/Contact/Route), CSeq.

Hand-written for the same reason as `uri.py`: the grammar (quoted strings with escapes,
name-addr vs addr-spec, header vs URI parameters) is SIP's own. Each value type parses
from the header text and serialises back with `str()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from .errors import SipParseError
from .uri import CACHE_SIZE, SipUri, Uri, parse_uri

_TOKEN = re.compile(r"[A-Za-z0-9\-.!%*_+`'~]+\Z")
_VIA = re.compile(
    r"\s*SIP\s*/\s*2\.0\s*/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s+"
    r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)(?:\s*:\s*(\d{1,5}))?\s*(.*)\Z",
    re.S,
)
MAGIC_COOKIE = "z9hG4bK"

Params = tuple[tuple[str, str | None], ...]


def split_commas(value: str) -> list[str]:
    """Split a multi-value header at commas outside quotes and angle brackets."""
    if "," not in value:
        return [value.strip()]
    out: list[str] = []
    depth = 0
    quoted = False
    start = 0
    i = 0
    while i < len(value):
        ch = value[i]
        if quoted:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(value[start:i].strip())
            start = i + 1
        i += 1
    out.append(value[start:].strip())
    return [part for part in out if part]


def parse_params(text: str) -> Params:
    """`;a=b;c` -> (('a','b'), ('c', None)); whitespace around tokens is LWS."""
    params: list[tuple[str, str | None]] = []
    for raw in _split_semis(text):
        key, eq, value = raw.partition("=")
        key = key.strip()
        if not key or not _TOKEN.match(key):
            raise SipParseError(f"bad header parameter {raw[:40]!r}")
        params.append((key, value.strip() if eq else None))
    return tuple(params)


def _split_semis(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    if not text.startswith(";"):
        raise SipParseError(f"junk before parameters {text[:40]!r}")
    if '"' not in text:  # the common case, without the character loop
        return text[1:].split(";")
    parts: list[str] = []
    quoted = False
    current: list[str] = []
    for ch in text[1:]:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def param_value(params: Params, name: str) -> str | None:
    low = name.lower()
    for key, value in params:
        if key.lower() == low:
            return "" if value is None else value
    return None


def format_params(params: Params) -> str:
    return "".join(f";{k}" if v is None else f";{k}={v}" for k, v in params)


@dataclass(frozen=True, slots=True)
class Via:
    transport: str
    host: str
    port: int | None
    params: Params = ()

    @property
    def branch(self) -> str | None:
        return param_value(self.params, "branch")

    @property
    def sent_by(self) -> str:
        return self.host if self.port is None else f"{self.host}:{self.port}"

    def param(self, name: str) -> str | None:
        return param_value(self.params, name)

    def with_received(self, ip: str, port: int) -> Via:
        """RFC 3581: fill `rport` (when asked) and `received` (when it differs)."""
        out: list[tuple[str, str | None]] = []
        for key, value in self.params:
            low = key.lower()
            if low == "received":
                continue
            if low == "rport":
                value = str(port)
            out.append((key, value))
        if self.host != ip or any(k.lower() == "rport" for k, _ in self.params):
            out.append(("received", ip))
        return Via(self.transport, self.host, self.port, tuple(out))

    def __str__(self) -> str:
        return f"SIP/2.0/{self.transport} {self.sent_by}{format_params(self.params)}"


@lru_cache(maxsize=CACHE_SIZE)
def parse_via(value: str) -> Via:
    match = _VIA.match(value)
    if not match:
        raise SipParseError(f"malformed Via {value[:60]!r}")
    port = int(match.group(3)) if match.group(3) else None
    if port is not None and port > 65535:
        raise SipParseError("Via port out of range")
    return Via(match.group(1).upper(), match.group(2), port, parse_params(match.group(4)))


@dataclass(frozen=True, slots=True)
class NameAddr:
    """From, To, Contact, Route values: optional display name, URI, header params."""

    uri: Uri
    display: str | None = None
    params: Params = ()
    star: bool = False

    @property
    def tag(self) -> str | None:
        return param_value(self.params, "tag")

    def param(self, name: str) -> str | None:
        return param_value(self.params, name)

    def with_tag(self, tag: str) -> NameAddr:
        kept = tuple((k, v) for k, v in self.params if k.lower() != "tag")
        return replace(self, params=kept + (("tag", tag),))

    def __str__(self) -> str:
        if self.star:
            return "*"
        head = f"{self.display} <{self.uri}>" if self.display else f"<{self.uri}>"
        return head + format_params(self.params)


@lru_cache(maxsize=CACHE_SIZE)
def parse_name_addr(value: str) -> NameAddr:
    value = value.strip()
    if value == "*":
        return NameAddr(uri=SipUri("sip", "*"), star=True)
    if "<" in value:
        return _parse_bracketed(value)
    uri_text, _, rest = value.partition(";")
    uri_text = uri_text.strip()
    if "?" in uri_text or "," in uri_text or " " in uri_text:
        raise SipParseError(f"addr-spec with reserved characters must be in <>: {value[:60]!r}")
    return NameAddr(parse_uri(uri_text), None, parse_params(";" + rest if _ else ""))


def _parse_bracketed(value: str) -> NameAddr:
    display, rest = _split_display(value)
    close = rest.find(">")
    if not rest.startswith("<") or close < 0:
        raise SipParseError(f"unbalanced <> in {value[:60]!r}")
    uri = parse_uri(rest[1:close])
    return NameAddr(uri, display, parse_params(rest[close + 1 :]))


def _split_display(value: str) -> tuple[str | None, str]:
    if value.startswith('"'):
        i = 1
        while i < len(value):
            if value[i] == "\\":
                i += 2
                continue
            if value[i] == '"':
                return value[: i + 1], value[i + 1 :].lstrip()
            i += 1
        raise SipParseError("unterminated quoted display name")
    lt = value.index("<")
    display = value[:lt].strip()
    if display and not all(_TOKEN.match(word) for word in display.split()):
        raise SipParseError(f"display name needs quotes: {display[:40]!r}")
    return (display or None), value[lt:]


@dataclass(frozen=True, slots=True)
class CSeq:
    number: int
    method: str

    def __str__(self) -> str:
        return f"{self.number} {self.method}"


@lru_cache(maxsize=CACHE_SIZE)
def parse_cseq(value: str) -> CSeq:
    parts = value.split()
    if len(parts) != 2 or not _TOKEN.match(parts[1]):
        raise SipParseError(f"malformed CSeq {value[:40]!r}")
    number = parse_uint(parts[0], 2**31 - 1)
    if number is None:
        raise SipParseError("CSeq number malformed or out of range")
    return CSeq(number, parts[1])


def parse_uint(text: str, maximum: int) -> int | None:
    """ASCII decimal digits worth at most `maximum`, else None.

    Guards `int()`, which accepts Unicode digits, raises on '²' and refuses strings
    of more than 4300 digits: a scalar from the wire never reaches it unchecked.
    """
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > len(str(maximum)):
        return None
    value = int(text)
    return value if value <= maximum else None
