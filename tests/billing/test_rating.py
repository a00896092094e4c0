"""Hand-computed amounts for the standard tariff (F13), one case per rating rule."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from ringto.billing.money import format_micro, round_cents, to_decimal
from ringto.billing.places import place_of
from ringto.billing.rating import Rater, RatingError
from ringto.billing.tariffs import STANDARD

NL = "+31201234567"
BG = "+35921234567"
EPOCH = datetime.fromisoformat("1970-01-01T00:00:00Z")


def ms(text: str) -> int:
    return (datetime.fromisoformat(text) - EPOCH) // timedelta(milliseconds=1)


def rate(answer: str, end: str, number: str = NL) -> tuple[int, int, Decimal]:
    """(billed s, day ms, exact charge) of one call."""
    rated = Rater(STANDARD).rate(number, ms(answer), ms(end))
    return rated.billed_ms // 1000, rated.day_ms, to_decimal(rated.units)


def test_call_crossing_19_00_is_split() -> None:
    # Tuesday 24 Nov 2026, CET: 18:59:30 -> 19:00:29.2 local; 59.2 s bills 60 s.
    assert rate("2026-11-24T17:59:30Z", "2026-11-24T18:00:29.200Z") == (60, 30_000, Decimal("0.10"))


def test_example_from_the_issue_62_s_with_41_5_s_day() -> None:
    # 61.2 s bills 62 s; 41.5 s before 19:00 local, 20.5 s after: 0.04 + 0.0484166.. + 0.0170833..
    billed, day, charge = rate("2026-11-24T17:59:18.500Z", "2026-11-24T18:00:19.700Z")
    assert (billed, day, charge) == (62, 41_500, Decimal("0.1055"))


def test_call_crossing_08_00_on_a_monday() -> None:
    # Monday 23 Nov 2026 07:59 -> 08:01 local: 60 s off-peak + 60 s day = 0.04 + 0.05 + 0.07.
    assert rate("2026-11-23T06:59:00Z", "2026-11-23T07:01:00Z") == (120, 60_000, Decimal("0.16"))


def test_saturday_midday_is_off_peak() -> None:
    # Saturday 28 Nov 2026 12:00 local, 90 s: 0.04 + 1.5 x 0.05.
    assert rate("2026-11-28T11:00:00Z", "2026-11-28T11:01:30Z") == (90, 0, Decimal("0.115"))


def test_kings_day_and_christmas_are_off_peak() -> None:
    # Monday 27 April 2026 12:00 CEST, 60 s: 0.04 + 0.05.
    assert rate("2026-04-27T10:00:00Z", "2026-04-27T10:01:00Z") == (60, 0, Decimal("0.09"))
    # Friday 25 Dec 2026 10:00 CET, 120 s: 0.04 + 0.10.
    assert rate("2026-12-25T09:00:00Z", "2026-12-25T09:02:00Z") == (120, 0, Decimal("0.14"))
    # The day before King's Day is an ordinary day rate at 12:00 (control).
    assert rate("2026-04-24T10:00:00Z", "2026-04-24T10:01:00Z") == (60, 60_000, Decimal("0.11"))


def test_holidays_follow_the_numbers_country() -> None:
    # 3 March is Liberation Day in Bulgaria, a Tuesday and a working day in the Netherlands.
    assert rate("2026-03-03T08:00:00Z", "2026-03-03T08:01:00Z", BG)[1] == 0
    assert rate("2026-03-03T08:00:00Z", "2026-03-03T08:01:00Z", NL)[1] == 60_000


def test_bulgarian_numbers_use_sofia_time() -> None:
    # Wednesday 25 Nov 2026: 08:00 in Sofia (EET) is 06:00 UTC, still 07:00 in Amsterdam.
    assert rate("2026-11-25T05:59:00Z", "2026-11-25T06:01:00Z", BG)[1] == 60_000
    assert rate("2026-11-25T05:59:00Z", "2026-11-25T06:01:00Z", NL)[1] == 0


def test_march_dst_change_bills_elapsed_time() -> None:
    # Sunday 29 March 2026: local 01:59 CET -> 03:01 CEST is 2 real minutes, all off-peak.
    assert rate("2026-03-29T00:59:00Z", "2026-03-29T01:01:00Z") == (120, 0, Decimal("0.14"))
    # Monday 30 March: 08:00 CEST is 06:00 UTC (it was 07:00 UTC the week before).
    assert rate("2026-03-30T05:59:00Z", "2026-03-30T06:01:00Z") == (120, 60_000, Decimal("0.16"))


def test_october_dst_change_bills_elapsed_time() -> None:
    # Sunday 25 Oct 2026: local 02:59 CEST -> 02:01 CET is 2 real minutes.
    assert rate("2026-10-25T00:59:00Z", "2026-10-25T01:01:00Z") == (120, 0, Decimal("0.14"))
    # Monday 26 Oct: 08:00 CET is 07:00 UTC; 06:30-07:30 UTC = 30 min off + 30 min day.
    assert rate("2026-10-26T06:30:00Z", "2026-10-26T07:30:00Z") == (3600, 1_800_000, Decimal("3.64"))


def test_night_call_over_a_whole_day_is_split_every_boundary() -> None:
    # Tuesday 18:00 local to Wednesday 09:00 local: day 18-19 and 08-09 = 2 h of 15 h.
    billed, day, charge = rate("2026-11-24T17:00:00Z", "2026-11-25T08:00:00Z")
    assert (billed, day) == (15 * 3600, 2 * 3_600_000)
    assert charge == Decimal("0.04") + 120 * Decimal("0.07") + 780 * Decimal("0.05")


def test_zero_second_answered_call_pays_the_start_fee() -> None:
    assert rate("2026-11-24T12:00:00Z", "2026-11-24T12:00:00Z") == (0, 0, Decimal("0.04"))


def test_one_millisecond_rounds_up_to_a_second() -> None:
    assert rate("2026-11-24T12:00:00Z", "2026-11-24T12:00:00.001Z")[:2] == (1, 1000)


def test_exact_amounts_are_rounded_only_when_shown() -> None:
    # 1 s of day time is 0.07/60 = 0.0011666.. euro: shown 0.001167, three calls sum to 0.0035.
    rated = Rater(STANDARD).rate(NL, ms("2026-11-24T12:00:00Z"), ms("2026-11-24T12:00:01Z"))
    traffic = rated.units - STANDARD.versions[0].units()[0]
    assert format_micro(traffic) == "0.001167"
    assert to_decimal(3 * traffic) == Decimal("0.0035")
    assert round_cents(3 * traffic) == Decimal("0.00")
    assert format_micro(-traffic) == "-0.001167"


def test_end_before_answer_and_bad_numbers_are_refused() -> None:
    with pytest.raises(RatingError, match="ends before"):
        rate("2026-11-24T12:00:01Z", "2026-11-24T12:00:00Z")
    with pytest.raises(RatingError, match="not a valid phone number"):
        rate("2026-11-24T12:00:00Z", "2026-11-24T12:00:01Z", "+3100")


def test_other_countries_use_their_own_zone_and_holidays() -> None:
    uk = place_of("+447400123456")
    assert (uk.region, uk.zone.key) == ("GB", "Europe/London")
    # Thursday 4 July 2024 is Independence Day in the US: 12:00 in New York is off-peak.
    assert rate("2024-07-04T16:00:00Z", "2024-07-04T16:01:00Z", "+12125551234")[1] == 0
    assert rate("2024-07-05T16:00:00Z", "2024-07-05T16:01:00Z", "+12125551234")[1] == 60_000
