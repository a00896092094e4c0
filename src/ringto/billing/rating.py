"""Rating one answered call: billed duration, day and off-peak milliseconds, amount.

Sans-IO and exact: times are integer milliseconds since the epoch (UTC), amounts are
integer money units (see `money`). The billed interval is [answer, answer + billed)
where billed is answer -> end rounded up to whole seconds; each part of it is rated at
the rate in force at that instant, and the whole call by the tariff version in force
when it was answered (a version change mid-call does not split it).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .periods import PeriodCalendar
from .places import Place, place_of
from .tariffs import DAY_MS, Tariff


class RatingError(ValueError):
    """A call that cannot be rated; the message says which field is wrong."""


@dataclass(frozen=True, slots=True)
class RatedCall:
    billed_ms: int
    day_ms: int
    units: int

    @property
    def offpeak_ms(self) -> int:
        return self.billed_ms - self.day_ms


def billed_ms(answer_ms: int, end_ms: int) -> int:
    """Answer -> end rounded up to whole seconds, in milliseconds."""
    if end_ms < answer_ms:
        raise RatingError("the call ends before it was answered")
    return -((answer_ms - end_ms) // 1000) * 1000


def day_ms_between(calendar: PeriodCalendar, start: int, end: int) -> int:
    """How many of the milliseconds in [start, end) fall in the day rate."""
    day = 0
    while start < end:
        bounds, flags = calendar.table(start // DAY_MS)
        i = bisect.bisect_right(bounds, start) - 1
        last = len(flags)
        while i < last and start < end:
            stop = bounds[i + 1]
            if stop > end:
                stop = end
            if flags[i]:
                day += stop - start
            start = stop
            i += 1
    return day


class Rater:
    """Rates calls under one tariff; caches places and boundary tables across calls."""

    def __init__(self, tariff: Tariff) -> None:
        self._tariff = tariff
        self._starts = tariff.starts_ms()
        self._units = [v.units() for v in tariff.versions]
        self._calendars: dict[tuple[int, Place], PeriodCalendar] = {}

    def place(self, service_number: str) -> Place:
        place = place_of(service_number)
        if place is None:
            raise RatingError(f"service number {service_number!r} is not a valid phone number")
        return place

    def _version(self, answer_ms: int) -> int:
        index = bisect.bisect_right(self._starts, answer_ms) - 1
        if index < 0:
            raise RatingError(f"tariff {self._tariff.name!r} is not in force at the answer time")
        return index

    def calendar(self, place: Place, version: int) -> PeriodCalendar:
        key = (version, place)
        calendar = self._calendars.get(key)
        if calendar is None:
            calendar = PeriodCalendar(self._tariff.versions[version], place)
            self._calendars[key] = calendar
        return calendar

    def rate(self, service_number: str, answer_ms: int, end_ms: int) -> RatedCall:
        """One answered call, start fee included (a 0 s call pays just the start fee)."""
        place = self.place(service_number)
        billed = billed_ms(answer_ms, end_ms)
        version = self._version(answer_ms)
        day = day_ms_between(self.calendar(place, version), answer_ms, answer_ms + billed)
        start_fee, day_rate, offpeak_rate = self._units[version]
        return RatedCall(billed, day, start_fee + day * day_rate + (billed - day) * offpeak_rate)
