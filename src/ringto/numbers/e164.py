"""Turning what callers and operators type into E.164, with Google's libphonenumber data (F1).

`normalise` runs for every incoming call (the request URI's user part), so it is cached
and refuses anything that is not plainly a phone number before asking libphonenumber.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import unquote

import phonenumbers
from phonenumbers import PhoneNumberType

# RFC 3966 visual separators plus the spaces people type.
_SEPARATORS = str.maketrans("", "", " \t-.()")
_MAX_DIGITS = 17  # E.164 allows 15; a little slack for national prefixes like 0031

_TYPE_NAMES = {
    value: name.lower()
    for name, value in vars(PhoneNumberType).items()
    if name.isupper() and isinstance(value, int)
}


@lru_cache(maxsize=8192)
def normalise(user: str, region: str = "NL") -> str | None:
    """The E.164 form of `user` ('0800 020 0000' -> '+318000200000'), None if not valid.

    Accepts national ('0800...'), international ('+31...', '0031...') and bare
    international digits ('318000200000') forms; URI parameters (';user=phone')
    and visual separators are dropped.
    """
    text = unquote(user).split(";", 1)[0].translate(_SEPARATORS)
    digits = text.removeprefix("+")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > _MAX_DIGITS:
        return None
    candidates = [text] if text.startswith(("+", "0")) else [text, "+" + text]
    for candidate in candidates:
        e164 = _valid_e164(candidate, region)
        if e164 is not None:
            return e164
    return None


def _valid_e164(text: str, region: str) -> str | None:
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def number_type(e164: str) -> str:
    """libphonenumber's type of a valid E.164 number: toll_free, fixed_line, mobile, ..."""
    return _TYPE_NAMES.get(phonenumbers.number_type(phonenumbers.parse(e164)), "unknown")


def region_of(e164: str) -> str:
    """The ISO country code a valid E.164 number belongs to ('NL')."""
    return phonenumbers.region_code_for_number(phonenumbers.parse(e164)) or "ZZ"
