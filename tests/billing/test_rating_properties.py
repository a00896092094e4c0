"""Properties of rating that hold for any call, any time, any number of calls."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from ringto.billing.rating import Rater
from ringto.billing.tariffs import STANDARD

START_FEE = STANDARD.versions[0].units()[0]
# 2020-01-01 .. 2030-01-01 in ms, so DST changes, holidays and weekends all come up.
moments = st.integers(min_value=1_577_836_800_000, max_value=1_893_456_000_000)
seconds = st.integers(min_value=0, max_value=4 * 3600)
numbers = st.sampled_from(["+31201234567", "+35921234567", "+442079460000", "+18005550100"])


@settings(max_examples=300, deadline=None)
@given(moments, seconds, seconds, numbers)
def test_splitting_a_call_costs_exactly_one_more_start_fee(
    start: int, first: int, second: int, number: str
) -> None:
    rater = Rater(STANDARD)
    middle, end = start + first * 1000, start + (first + second) * 1000
    whole = rater.rate(number, start, end)
    parts = [rater.rate(number, start, middle), rater.rate(number, middle, end)]
    assert sum(p.units for p in parts) - whole.units == START_FEE
    assert sum(p.day_ms for p in parts) == whole.day_ms


calls = st.lists(st.tuples(numbers, moments, st.integers(min_value=0, max_value=7_200_000)), max_size=40)


@settings(max_examples=100, deadline=None)
@given(calls, st.randoms(use_true_random=False))
def test_rating_does_not_depend_on_the_order_of_records(records: list, rnd: random.Random) -> None:
    def rated(batch: list) -> dict:
        rater = Rater(STANDARD)  # one rater per run: its caches must not leak between calls
        return {i: rater.rate(n, a, a + d) for i, (n, a, d) in batch}

    indexed = list(enumerate(records))
    shuffled = indexed[:]
    rnd.shuffle(shuffled)
    forward, backward = rated(indexed), rated(shuffled)
    assert forward == backward
    assert sum(r.units for r in forward.values()) == sum(r.units for r in backward.values())
