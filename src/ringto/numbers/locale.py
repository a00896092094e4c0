"""A number's language and time zone when the owner has not chosen them (F8, F19).

Callers of a Dutch number most likely speak Dutch, so prompts (and the owner's
voicemail mail) default to the number's country language where ringto ships one,
else English. The time zone comes from libphonenumber's per-prefix data (a US number
gets its own zone); the product's default zone covers numbers it cannot place.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import timezone as phone_timezones

LANGUAGES = ("en", "nl", "bg")
DEFAULT_TIMEZONE = "Europe/Amsterdam"
_COUNTRY_LANGUAGE = {"NL": "nl", "BE": "nl", "SR": "nl", "BG": "bg"}


def language_for(region: str) -> str:
    """The prompt language for a number in `region` (ISO country code)."""
    return _COUNTRY_LANGUAGE.get(region.upper(), "en")


def timezone_for(e164: str) -> str:
    """The IANA zone libphonenumber gives `e164`, or Europe/Amsterdam when it has none."""
    zones = phone_timezones.time_zones_for_number(phonenumbers.parse(e164))
    return next((zone for zone in zones if not zone.startswith("Etc/")), DEFAULT_TIMEZONE)
