"""The boundary tables against a slow, obviously right oracle: classify every second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ringto.billing.rating import Rater
from ringto.billing.tariffs import STANDARD

CASES = {"+31201234567": ("NL", "Europe/Amsterdam"), "+35921234567": ("BG", "Europe/Sofia")}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def day_seconds_oracle(number: str, start_s: int, seconds: int) -> int:
    region, zone_name = CASES[number]
    zone = ZoneInfo(zone_name)
    days_off = holidays.country_holidays(region, years=range(2024, 2029), observed=False)
    total = 0
    for s in range(start_s, start_s + seconds):
        local = (EPOCH + timedelta(seconds=s)).astimezone(zone)
        if local.weekday() < 5 and local.date() not in days_off and 8 <= local.hour < 19:
            total += 1
    return total


# Whole seconds from 2025 to 2027, calls up to 3 h, so 08:00/19:00, DST nights, weekends
# and holidays all come up; the oracle walks local wall-clock time second by second.
@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(CASES)), st.integers(1_735_689_600, 1_798_761_600), st.integers(0, 3 * 3600))
@example("+31201234567", 1_774_846_800, 7200)  # Monday 30 March 2026, 07:00-09:00 CEST
@example("+31201234567", 1_774_742_400, 10800)  # Sunday 29 March, over the DST change
@example("+35921234567", 1_776_056_400, 10800)  # Bulgarian (Orthodox) Easter Monday 2026
@example("+31201234567", 1_792_994_400, 5400)  # Monday 26 October 2026, 07:00-08:30 CET
def test_day_time_matches_a_second_by_second_count(number: str, start_s: int, seconds: int) -> None:
    rated = Rater(STANDARD).rate(number, start_s * 1000, (start_s + seconds) * 1000)
    assert rated.day_ms == day_seconds_oracle(number, start_s, seconds) * 1000
