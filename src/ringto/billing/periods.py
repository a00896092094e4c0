"""When a tariff's day rate applies: per-UTC-day tables of rate boundaries.

Rating must split a call where 08:00, 19:00, a midnight into or out of a public
holiday, or a DST change falls inside it. Working in local wall-clock time per call is
slow and error-prone around DST, so each (tariff version, place) gets, per UTC day, the
instants (ms since the epoch) where the rate changes, built once from the zone's rules
and the country's holidays and then reused by every call that day. A DST change needs
no boundary of its own: local 08:00 and 19:00 are converted to UTC instants, so a
night with a 23- or 25-hour span is simply that many milliseconds of off-peak.
"""

from __future__ import annotations

import bisect
from datetime import date, datetime, time, timedelta

import holidays

from ringto.calls.cdr_csv import EPOCH, ONE_MS

from .places import Place
from .tariffs import DAY_MS, TariffVersion

# (boundaries, day_flags): segment i is [boundaries[i], boundaries[i + 1]) and is
# rated at the day rate when day_flags[i] is true; boundaries[0] is the UTC midnight.
DayTable = tuple[list[int], list[bool]]


class _Holidays:
    """The country's public holidays (no observed or optional days), a year at a time."""

    def __init__(self, region: str) -> None:
        self._region = region
        self._years: dict[int, set[date]] = {}

    def __contains__(self, day: date) -> bool:
        year = self._years.get(day.year)
        if year is None:
            year = self._years[day.year] = self._load(day.year)
        return day in year

    def _load(self, year: int) -> set[date]:
        try:
            return set(holidays.country_holidays(self._region, years=year, observed=False))
        except NotImplementedError:
            return set()  # a country the package does not know: weekends only


class PeriodCalendar:
    """Day/off-peak boundaries of one tariff version at one place, cached per UTC day."""

    def __init__(self, version: TariffVersion, place: Place) -> None:
        self._version = version
        self._zone = place.zone
        self._holidays = _Holidays(place.region)
        self._tables: dict[int, DayTable] = {}

    def table(self, day_index: int) -> DayTable:
        """The table of UTC day `day_index` (ms since the epoch // DAY_MS)."""
        table = self._tables.get(day_index)
        if table is None:
            table = self._tables[day_index] = self._build(day_index)
        return table

    def day_ms(self, start: int, end: int) -> int:
        """How many of the milliseconds in [start, end) fall in the day rate."""
        bounds, flags = self.table(start // DAY_MS)
        i = bisect.bisect_right(bounds, start) - 1
        if end <= bounds[i + 1]:  # the common case: no boundary inside the call
            return end - start if flags[i] else 0
        day = 0
        while start < end:
            bounds, flags = self.table(start // DAY_MS)
            first = bisect.bisect_right(bounds, start) - 1
            for i in range(first, len(flags)):
                stop = min(bounds[i + 1], end)
                if flags[i]:
                    day += stop - start
                start = stop
                if start >= end:
                    break
        return day

    def is_day_rate_date(self, local: date) -> bool:
        return local.weekday() in self._version.day_weekdays and local not in self._holidays

    def _local_ms(self, local: date, at: time) -> int:
        moment = datetime.combine(local, at, tzinfo=self._zone)
        return (moment - EPOCH) // ONE_MS

    def _build(self, day_index: int) -> DayTable:
        start, end = day_index * DAY_MS, (day_index + 1) * DAY_MS
        utc_day = date(1970, 1, 1) + timedelta(days=day_index)
        # Day windows of the local dates that can overlap this UTC day (zones are < 1 day off).
        windows = [
            (self._local_ms(local, self._version.day_start), self._local_ms(local, self._version.day_end))
            for local in (utc_day - timedelta(days=1), utc_day, utc_day + timedelta(days=1))
            if self.is_day_rate_date(local)
        ]
        bounds, flags = [start], [False]
        for w_start, w_end in windows:
            w_start, w_end = max(w_start, start), min(w_end, end)
            if w_start >= w_end:
                continue
            if w_start == bounds[-1]:
                flags[-1] = True
            else:
                bounds.append(w_start)
                flags.append(True)
            if w_end < end:
                bounds.append(w_end)
                flags.append(False)
        bounds.append(end)
        return bounds, flags
