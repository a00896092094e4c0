"""Rating one answered call: billed duration, day and off-peak milliseconds, amount.

Sans-IO and exact: times are integer milliseconds since the epoch (UTC), amounts are
integer money units (see `money`). The billed interval is [answer, answer + billed)
where billed is answer -> end rounded up to whole seconds; each part of it is rated at
the rate in force at that instant, and the whole call by the tariff version in force
when it was answered (a version change mid-call does not split it).
"""

from __future__ import annotations

import bisect
from typing import NamedTuple

from .periods import PeriodCalendar
from .places import Place, place_of
from .tariffs import Tariff

_Entry = tuple[PeriodCalendar, int, int, int]


class RatingError(ValueError):
    """A call that cannot be rated; the message says which field is wrong."""


class RatedCall(NamedTuple):
    """A rated call: a tuple so the batch loop can use it directly as a cache key."""

    billed_ms: int
    day_ms: int
    units: int

    @property
    def offpeak_ms(self) -> int:
        return self.billed_ms - self.day_ms


def format_seconds(ms: int) -> str:
    """Milliseconds as seconds with 3 decimals ("41.500"), as rated durations are shown."""
    return f"{ms // 1000}.{ms % 1000:03d}"


def billed_ms(answer_ms: int, end_ms: int) -> int:
    """Answer -> end rounded up to whole seconds, in milliseconds."""
    if end_ms < answer_ms:
        raise RatingError("the call ends before it was answered")
    return -((answer_ms - end_ms) // 1000) * 1000


class Rater:
    """Rates calls under one tariff; caches places and boundary tables across calls.

    Calls answered under the newest version (nearly all of them) find their calendar
    and rates with one dict lookup by service number; older versions go through
    `bisect` on the version start times.
    """

    def __init__(self, tariff: Tariff) -> None:
        self._tariff = tariff
        self._starts = tariff.starts_ms()
        self._newest_start = self._starts[-1]
        self._calendars: dict[tuple[int, Place], PeriodCalendar] = {}
        self._newest: dict[str, _Entry] = {}
        self._units = [version.units() for version in tariff.versions]

    def place(self, service_number: str) -> Place:
        place = place_of(service_number)
        if place is None:
            raise RatingError(f"service number {service_number!r} is not a valid phone number")
        return place

    def _entry(self, service_number: str, answer_ms: int) -> _Entry:
        version = bisect.bisect_right(self._starts, answer_ms) - 1
        if version < 0:
            raise RatingError(f"tariff {self._tariff.name!r} is not in force at the answer time")
        place = self.place(service_number)
        calendar = self._calendars.get((version, place))
        if calendar is None:
            calendar = PeriodCalendar(self._tariff.versions[version], place)
            self._calendars[(version, place)] = calendar
        return (calendar, *self._units[version])

    def units_at(self, answer_ms: int) -> tuple[int, int, int]:
        """(start fee, day rate per ms, off-peak rate per ms) of the version in force."""
        version = bisect.bisect_right(self._starts, answer_ms) - 1
        if version < 0:
            raise RatingError(f"tariff {self._tariff.name!r} is not in force at the answer time")
        return self._units[version]

    def rate(self, service_number: str, answer_ms: int, end_ms: int) -> RatedCall:
        """One answered call, start fee included (a 0 s call pays just the start fee)."""
        if answer_ms >= self._newest_start:
            entry = self._newest.get(service_number)
            if entry is None:
                entry = self._newest[service_number] = self._entry(service_number, answer_ms)
        else:
            entry = self._entry(service_number, answer_ms)
        calendar, start_fee, day_rate, offpeak_rate = entry
        billed = billed_ms(answer_ms, end_ms)
        day = calendar.day_ms(answer_ms, answer_ms + billed)
        return RatedCall(billed, day, start_fee + day * day_rate + (billed - day) * offpeak_rate)
