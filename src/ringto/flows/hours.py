"""Is a number open now? Opening hours in the number's zone, public holidays by country (F8).

`zoneinfo` turns the UTC instant into the local wall clock (so DST changes need no
special case) and the `holidays` package knows each country's public holidays.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from .steps import Hours


def hours_open(hours_step: Hours, now_utc: datetime, country: str, tz: str) -> bool:
    """True when `now_utc` falls in an opening interval of its local weekday in `tz`,
    and (with `hours_step.holidays`) the local date is no public holiday in `country`."""
    if now_utc.tzinfo is None:
        raise ValueError(f"naive datetime {now_utc!r}: pass an aware UTC time")
    local = now_utc.astimezone(ZoneInfo(tz))
    if hours_step.holidays and is_holiday(local.date(), country):
        return False
    minute = local.hour * 60 + local.minute
    intervals = hours_step.week.get(local.weekday(), ())
    return any(i.start_minute <= minute < i.end_minute for i in intervals)


def is_holiday(day: date, country: str) -> bool:
    """A public holiday in `country` (ISO code); countries the package does not know have none."""
    calendar = _calendar(country.upper())
    return calendar is not None and day in calendar


@lru_cache(maxsize=64)
def _calendar(country: str) -> holidays.HolidayBase | None:
    try:
        return holidays.country_holidays(country)
    except NotImplementedError:
        return None
