"""Caller identity (F10, RFC 3323/3325): who is calling, and may we say so?

A caller is hidden when the network asks for privacy (`Privacy: id` or `header`), or
when the identity it sends is itself anonymous or withheld. A hidden caller is shown to
the ring-to phone as `"Anonymous" <sip:anonymous@anonymous.invalid>` and is never
stored: the record's caller is None.
"""

from __future__ import annotations

import re

from ..numbers.service import normalise
from ..sip.errors import SipError
from ..sip.headers import parse_name_addr
from ..sip.message import Request
from ..sip.uri import SipUri

ANONYMOUS_FROM = '"Anonymous" <sip:anonymous@anonymous.invalid>'
_E164 = re.compile(r"\+[1-9][0-9]{6,14}\Z")
_WITHHELD = frozenset({"anonymous", "withheld", "restricted", "unavailable", "private",
                       "unknown", "anonymous.invalid"})


def _privacy_tokens(request: Request) -> set[str]:
    value = request.get("Privacy") or ""
    return {tok.strip().lower() for tok in value.replace(",", ";").split(";") if tok.strip()}


def _asserted_user(request: Request) -> tuple[str | None, str | None]:
    """User part and display name of P-Asserted-Identity (trusted from the carrier), else From."""
    for name in ("P-Asserted-Identity", "From"):
        value = request.get(name)
        if not value:
            continue
        try:
            addr = parse_name_addr(value.split(",")[0])
        except SipError:
            continue
        user = addr.uri.user_unescaped if isinstance(addr.uri, SipUri) else None
        if user is None and not isinstance(addr.uri, SipUri):
            user = str(addr.uri).partition(":")[2].split(";")[0] or None
        return user, (addr.display or "").strip('"') or None
    return None, None


def caller_of(request: Request, region: str) -> str | None:
    """The caller's number in E.164 (or as sent when not a number); None when hidden."""
    if _privacy_tokens(request) & {"id", "header", "user"}:
        return None
    user, display = _asserted_user(request)
    if user is None or user.lower() in _WITHHELD:
        return None
    if display and display.lower() in _WITHHELD:
        return None  # when in doubt, hide: a leaked number cannot be taken back
    if _E164.match(user):
        # Already E.164, as carriers mostly send it: libphonenumber would only confirm it,
        # at a third of a call's CPU, and a new caller per call defeats normalise's cache.
        return user
    return normalise(user, region) or user
