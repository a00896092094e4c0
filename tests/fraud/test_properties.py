"""Properties of the scanner that hold for any input or any seed (hypothesis)."""

from __future__ import annotations

import random

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberType

from ringto.fraud.scan import scan
from ringto.fraud.traffic import Traffic, dense_indices, foreign_mobile, valid_caller
from ringto.simulate import inject

from .conftest import small_world
from .helpers import traffic_of


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1000, allow_nan=False), max_size=40), st.floats(0.1, 200), st.integers(1, 8))
def test_dense_indices_are_exactly_the_times_in_a_full_window(times, window, least):
    times = sorted(times)
    expected = [i for i, t in enumerate(times)
                if any(sum(1 for u in times if s <= u <= s + window) >= least and s <= t <= s + window
                       for s in times)]
    assert dense_indices(times, window, least) == expected


_CODES = sorted(c for c in phonenumbers.COUNTRY_CODE_TO_REGION_CODE if c)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_CODES), st.integers(0, 10 ** 12))
def test_valid_caller_agrees_with_libphonenumber(code, subscriber):
    text = f"+{code}{subscriber}"
    try:
        parsed = phonenumbers.parse(text)
    except phonenumbers.NumberParseException:
        assert not valid_caller(text)
        return
    if phonenumbers.national_significant_number(parsed) != str(subscriber):
        return  # libphonenumber dropped a national prefix from a malformed E.164 string
    assert valid_caller(text) == phonenumbers.is_valid_number(parsed)
    mobile = phonenumbers.number_type(parsed) in (PhoneNumberType.MOBILE,
                                                  PhoneNumberType.FIXED_LINE_OR_MOBILE)
    assert foreign_mobile(text) == (mobile and code != 31)


_SHUFFLED = small_world(5, numbers=30, days=4)
for _category in ("call_flooding", "automated_traffic", "abnormal_usage", "spoofed_identity"):
    inject.INJECTORS[_category](_SHUFFLED)
_TRAFFIC = traffic_of(_SHUFFLED)
_EXPECTED = scan(_TRAFFIC)


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 2 ** 32 - 1))
def test_scan_does_not_depend_on_record_order(seed: int):
    rng = random.Random(seed)
    calls, failures, carrier = list(_TRAFFIC.calls), list(_TRAFFIC.auth_failures), list(_TRAFFIC.carrier)
    for items in (calls, failures, carrier):
        rng.shuffle(items)
    shuffled = Traffic.of(calls, failures, carrier, list(_TRAFFIC.numbers.values()))
    assert _EXPECTED and scan(shuffled) == _EXPECTED


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 2 ** 32 - 1))
def test_no_alert_on_purely_normal_traffic(seed: int):
    world = small_world(seed, numbers=30, days=5)
    assert scan(traffic_of(world)) == []
