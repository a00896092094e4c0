"""SIP and other URIs (RFC 3261 §19.1, §25).

Written by hand: no maintained Python library parses SIP URIs with the escaping and
parameter rules the torture tests (RFC 4475) demand. The user part is kept escaped as
received so that relaying never changes it; `user_unescaped` decodes %HH once.
URI parameter names compare case-insensitively (§19.1.4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from urllib.parse import unquote_to_bytes

from .errors import SipParseError

# The values of one dialog (From, To, Contact, Via) come back in every message of it, so
# parsed values are shared through a bounded cache; they are frozen, so sharing is safe.
CACHE_SIZE = 8192
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*\Z")
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)(?::(\d{1,5}))?\Z")
_BAD_CHARS = re.compile(r"[\s<>\"]")


@dataclass(frozen=True, slots=True)
class SipUri:
    """A sip: or sips: URI; `params` keeps order and original case of names."""

    scheme: str
    host: str
    user: str | None = None
    password: str | None = None
    port: int | None = None
    params: tuple[tuple[str, str | None], ...] = ()
    headers: str | None = None

    def param(self, name: str) -> str | None:
        """Value of a URI parameter (names are case-insensitive); '' for a flag."""
        low = name.lower()
        for key, value in self.params:
            if key.lower() == low:
                return "" if value is None else value
        return None

    def has_param(self, name: str) -> bool:
        low = name.lower()
        return any(key.lower() == low for key, _ in self.params)

    @property
    def user_unescaped(self) -> str | None:
        if self.user is None:
            return None
        return unquote_to_bytes(self.user).decode("utf-8", "surrogateescape")

    @property
    def hostport(self) -> str:
        return self.host if self.port is None else f"{self.host}:{self.port}"

    def with_params(self, **changes: object) -> SipUri:
        return replace(self, **changes)  # type: ignore[arg-type]

    def __str__(self) -> str:
        out = [self.scheme, ":"]
        if self.user is not None:
            out.append(self.user)
            if self.password is not None:
                out += [":", self.password]
            out.append("@")
        out.append(self.hostport)
        for key, value in self.params:
            out += [";", key] if value is None else [";", key, "=", value]
        if self.headers is not None:
            out += ["?", self.headers]
        return "".join(out)


@dataclass(frozen=True, slots=True)
class OtherUri:
    """Any absolute URI we do not route on (tel:, http:, urn:, ...)."""

    scheme: str
    rest: str
    params: tuple[tuple[str, str | None], ...] = field(default=())

    def param(self, name: str) -> str | None:
        return None

    def __str__(self) -> str:
        return f"{self.scheme}:{self.rest}"


Uri = SipUri | OtherUri


@lru_cache(maxsize=CACHE_SIZE)
def parse_uri(text: str) -> Uri:
    """Parse a URI; raise SipParseError(400) when it is not one."""
    if not text or _BAD_CHARS.search(text):
        raise SipParseError(f"malformed URI {text[:60]!r}")
    scheme, colon, rest = text.partition(":")
    if not colon or not _SCHEME.match(scheme) or not rest:
        raise SipParseError(f"malformed URI {text[:60]!r}")
    if scheme.lower() not in ("sip", "sips"):
        return OtherUri(scheme, rest)
    return _parse_sip(scheme.lower(), rest)


def _parse_sip(scheme: str, rest: str) -> SipUri:
    user = password = None
    # '@' never appears unescaped in params or headers, but ';' and '?' may appear in the
    # user part (RFC 4475 semiuri, intmeth): split userinfo off before looking for '?'.
    at = rest.rfind("@")
    if at >= 0:
        userinfo, rest = rest[:at], rest[at + 1 :]
        user, pcolon, pw = userinfo.partition(":")
        password = pw if pcolon else None
        if not user:
            raise SipParseError("empty user part in URI")
    rest, qmark, headers = rest.partition("?")
    hostport, *raw_params = rest.split(";")
    match = _HOST.match(hostport)
    if not match:
        raise SipParseError(f"malformed host {hostport[:60]!r}")
    port = int(match.group(2)) if match.group(2) else None
    if port is not None and port > 65535:
        raise SipParseError("port out of range")
    params = tuple(_split_param(p) for p in raw_params)
    return SipUri(scheme, match.group(1), user, password, port, params, headers if qmark else None)


def _split_param(raw: str) -> tuple[str, str | None]:
    if not raw:
        raise SipParseError("empty URI parameter")
    key, eq, value = raw.partition("=")
    return (key, value if eq else None)
