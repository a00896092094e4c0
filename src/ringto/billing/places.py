"""Where a service number lives: its country (for public holidays) and time zone.

+31 is the Netherlands on Europe/Amsterdam and +359 Bulgaria on Europe/Sofia by rule;
any other number takes libphonenumber's region and the first time zone libphonenumber
gives for it (UTC when it knows none), so a number of another country is rated on that
country's clock and holidays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import timezone as number_zones

FIXED_ZONES = {"NL": "Europe/Amsterdam", "BG": "Europe/Sofia"}


@dataclass(frozen=True)
class Place:
    region: str
    zone: ZoneInfo


@lru_cache(maxsize=65_536)
def place_of(e164: str) -> Place | None:
    """The country and zone of a number in E.164, None when it is not a valid number."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    region = phonenumbers.region_code_for_number(parsed) or "001"
    zone_name = FIXED_ZONES.get(region)
    if zone_name is None:
        zones = [z for z in number_zones.time_zones_for_number(parsed) if z != "Etc/Unknown"]
        zone_name = zones[0] if zones else "UTC"
    return Place(region, ZoneInfo(zone_name))
