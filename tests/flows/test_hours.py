"""Opening hours as callers meet them: local weekday and clock, holidays, DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringto.flows import Hours, OpeningInterval, Voicemail, hours_open, parse_flow
from ringto.flows.hours import is_holiday

AMS = "Europe/Amsterdam"
OFFICE = parse_flow({"hours": {
    "week": {day: ["08:00-12:00", "13:00-17:30"] for day in ("mon", "tue", "wed", "thu", "fri")},
    "open": {"voicemail": {}}, "closed": {"voicemail": {}}}})
assert isinstance(OFFICE, Hours)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_weekday_hours_in_local_time() -> None:
    # Tuesday 2026-11-24, CET = UTC+1
    assert not hours_open(OFFICE, utc(2026, 11, 24, 6, 59), "NL", AMS)   # 07:59 local
    assert hours_open(OFFICE, utc(2026, 11, 24, 7, 0), "NL", AMS)        # 08:00
    assert not hours_open(OFFICE, utc(2026, 11, 24, 11, 30), "NL", AMS)  # 12:30 lunch
    assert hours_open(OFFICE, utc(2026, 11, 24, 16, 29), "NL", AMS)      # 17:29
    assert not hours_open(OFFICE, utc(2026, 11, 24, 16, 30), "NL", AMS)  # 17:30 closes


def test_a_day_without_hours_is_closed() -> None:
    assert not hours_open(OFFICE, utc(2026, 11, 28, 10, 0), "NL", AMS)  # Saturday 11:00


def test_local_weekday_not_utc_weekday() -> None:
    late = parse_flow({"hours": {"week": {"sat": ["00:00-02:00"]},
                                 "open": {"voicemail": {}}, "closed": {"voicemail": {}}}})
    # Friday 23:30 UTC is Saturday 00:30 in Amsterdam
    assert hours_open(late, utc(2026, 11, 27, 23, 30), "NL", AMS)
    assert not hours_open(late, utc(2026, 11, 27, 23, 30), "NL", "Europe/London")


def test_public_holidays_are_closed_unless_ignored() -> None:
    christmas = utc(2026, 12, 25, 10, 0)  # a Friday
    assert not hours_open(OFFICE, christmas, "NL", AMS)
    assert hours_open(OFFICE, utc(2026, 12, 24, 10, 0), "NL", AMS)
    kings_day = utc(2026, 4, 27, 10, 0)  # Monday, Dutch only
    assert not hours_open(OFFICE, kings_day, "NL", AMS)
    assert hours_open(OFFICE, kings_day, "BG", "Europe/Sofia")
    liberation_bg = utc(2026, 3, 3, 10, 0)  # Tuesday, Bulgarian Liberation Day
    assert not hours_open(OFFICE, liberation_bg, "BG", "Europe/Sofia")
    ignoring = Hours(week=OFFICE.week, open=Voicemail(), closed=Voicemail(), holidays=False)
    assert hours_open(ignoring, christmas, "NL", AMS)
    assert hours_open(OFFICE, christmas, "ZZ", AMS)  # no calendar known: no holidays


def test_dst_start_and_end_follow_the_wall_clock() -> None:
    # 2026-03-29: clocks go 02:00 -> 03:00 in Amsterdam. Sunday, so use an every-day schedule.
    daily = parse_flow({"hours": {"week": {d: ["08:00-17:00"] for d in ("sat", "sun", "mon")},
                                  "open": {"voicemail": {}}, "closed": {"voicemail": {}}}})
    assert not hours_open(daily, utc(2026, 3, 28, 6, 30), "ZZ", AMS)  # 07:30 CET
    assert hours_open(daily, utc(2026, 3, 29, 6, 30), "ZZ", AMS)      # 08:30 CEST
    assert not hours_open(daily, utc(2026, 3, 29, 15, 0), "ZZ", AMS)  # 17:00 CEST
    # 2026-10-25: clocks go 03:00 -> 02:00
    assert hours_open(daily, utc(2026, 10, 25, 7, 0), "ZZ", AMS)      # 08:00 CET
    assert not hours_open(daily, utc(2026, 10, 24, 5, 30), "ZZ", AMS)  # 07:30 CEST


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        hours_open(OFFICE, datetime(2026, 11, 24, 10, 0), "NL", AMS)


@given(st.integers(0, 60 * 24 * 365 * 3))
def test_all_day_every_day_is_open_except_holidays(minutes: int) -> None:
    always = Hours(week={d: (OpeningInterval(0, 1440),) for d in range(7)},
                   open=Voicemail(), closed=Voicemail())
    now = utc(2026, 1, 1) + timedelta(minutes=minutes)
    assert hours_open(always, now, "ZZ", AMS)
    assert hours_open(always, now, "NL", AMS) != is_holiday(now.astimezone(ZoneInfo(AMS)).date(), "NL")
