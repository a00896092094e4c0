"""Where a service number lives: its country (for public holidays) and time zone.

+31 is the Netherlands on Europe/Amsterdam and +359 Bulgaria on Europe/Sofia by rule;
any other number takes libphonenumber's region and, of the time zones libphonenumber
gives for it, the first one the tz database's `zone.tab` lists for that country (a UK
mobile number gets Europe/London rather than Europe/Guernsey); UTC when it knows none.
So a number of another country is rated on that country's clock and holidays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo

import phonenumbers
from phonenumbers import timezone as number_zones

FIXED_ZONES = {"NL": "Europe/Amsterdam", "BG": "Europe/Sofia"}


@dataclass(frozen=True)
class Place:
    region: str
    zone: ZoneInfo


@lru_cache(maxsize=1)
def _country_zones() -> dict[str, set[str]]:
    """Country code -> zones, from the system tz database's zone.tab (empty if absent)."""
    zones: dict[str, set[str]] = {}
    for folder in TZPATH:
        table = Path(folder) / "zone.tab"
        if table.exists():
            for line in table.read_text(encoding="utf-8").splitlines():
                fields = line.split("\t")
                if len(fields) >= 3 and not line.startswith("#"):
                    zones.setdefault(fields[0], set()).add(fields[2])
            break
    return zones


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
        own = [z for z in zones if z in _country_zones().get(region, ())]
        zone_name = (own or zones or ["UTC"])[0]
    return Place(region, ZoneInfo(zone_name))
