"""The fair-use rules for local and national numbers (F12), as plain functions.

Per calendar month: the average is all answered calls to local and national numbers
divided by the customers that held at least one such number that month; a customer
whose calls are at or below the larger of that average and 20 calls a week (20 x days
in the month / 7) pays no traffic. Above it in 1-2 of the last 6 months (this one
included) is still free but shown as "above fair use"; above it in 3 or more makes a
heavy user, whom staff contact. Staff may then put the customer on standard rates from
a date. Thresholds are exact fractions, so "at or below" has no rounding edge.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from fractions import Fraction

WEEKLY_FLOOR = 20
LOOK_BACK_MONTHS = 6
HEAVY_MONTHS = 3


@dataclass(frozen=True)
class FairUse:
    calls: int
    threshold: Fraction
    above: bool


def days_in(month: str) -> int:
    year, mon = (int(part) for part in month.split("-"))
    return calendar.monthrange(year, mon)[1]


def threshold(total_calls: int, holders: int, days: int) -> Fraction:
    """max(average calls per holder, 20 calls per week of this month)."""
    floor = Fraction(WEEKLY_FLOOR * days, 7)
    if holders == 0:
        return floor
    return max(Fraction(total_calls, holders), floor)


def assess(calls: dict[int, int], holders: set[int], month: str) -> dict[int, FairUse]:
    """Every holder's outcome; `calls` counts answered fair-use calls per customer id."""
    limit = threshold(sum(calls.get(c, 0) for c in holders), len(holders), days_in(month))
    return {c: FairUse(calls.get(c, 0), limit, calls.get(c, 0) > limit) for c in holders}


def previous_months(month: str, count: int = LOOK_BACK_MONTHS - 1) -> list[str]:
    """The `count` months before `month`, newest first ("2026-10" -> "2026-09", ...)."""
    year, mon = (int(part) for part in month.split("-"))
    months = []
    for _ in range(count):
        year, mon = (year, mon - 1) if mon > 1 else (year - 1, 12)
        months.append(f"{year:04d}-{mon:02d}")
    return months


def is_heavy(above_this_month: bool, above_before: list[bool]) -> bool:
    """3 or more of the last 6 months (this one and the 5 before) above fair use."""
    return above_this_month and sum(above_before) + 1 >= HEAVY_MONTHS
