"""Fair use (F12): the average, the 20-calls-a-week floor and the 3-of-6 heavy-user rule."""

from __future__ import annotations

from fractions import Fraction

from ringto.billing.fair_use import assess, is_heavy, previous_months, threshold

OCTOBER = "2026-10"  # 31 days: the floor is 20 x 31 / 7 = 88 4/7 calls


def test_the_floor_is_20_calls_a_week_of_this_month() -> None:
    assert threshold(0, 0, 31) == Fraction(620, 7)
    assert threshold(0, 0, 28) == 80


def test_under_the_average_but_over_20_a_week_pays_nothing() -> None:
    # Average (300 + 100 + 2) / 3 = 134: B's 100 calls are over the floor but under the average.
    outcome = assess({1: 300, 2: 100, 3: 2}, {1, 2, 3}, OCTOBER)
    assert outcome[1].threshold == 134
    assert not outcome[2].above and outcome[1].above


def test_over_the_average_but_under_20_a_week_pays_nothing() -> None:
    # Average (50 + 10) / 3 = 20 < 88 4/7: A's 50 calls are over the average, under the floor.
    outcome = assess({1: 50, 2: 10}, {1, 2, 3}, OCTOBER)
    assert outcome[1].threshold == Fraction(620, 7)
    assert not outcome[1].above and outcome[3].calls == 0


def test_exactly_at_the_threshold_is_not_above() -> None:
    outcome = assess({1: 134, 2: 134, 3: 134}, {1, 2, 3}, OCTOBER)
    assert not any(o.above for o in outcome.values())


def test_heavy_user_is_above_in_3_of_the_last_6_months() -> None:
    assert not is_heavy(True, [True])  # 2 of 6: still just "above fair use"
    assert is_heavy(True, [True, False, False, True, False])  # 3 of 6
    assert not is_heavy(False, [True, True, True, True, True])  # not above this month: no new flag
    assert previous_months("2026-02", 5) == ["2026-01", "2025-12", "2025-11", "2025-10", "2025-09"]
