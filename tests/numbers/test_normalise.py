"""normalise(): what callers and operators type, to E.164 or None."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringto.numbers.service import normalise


@pytest.mark.parametrize("user", [
    "0800 020 0000", "08000200000", "+318000200000", "0031 800 020 0000", "318000200000",
    "+31-800-020-0000", "(0800) 020.0000", "+318000200000;user=phone", "%2B318000200000",
])
def test_national_and_international_forms(user: str) -> None:
    assert normalise(user) == "+318000200000"


def test_region_decides_national_numbers() -> None:
    assert normalise("02 123 4567", "BG") == "+35921234567"
    assert normalise("020 123 4567") == "+31201234567"


@pytest.mark.parametrize("user", [
    "", "0800", "alice", "+", "+31", "0800 020 000O", "00000000000", "+999123456789",
    "31800020000099999999", "٠٨٠٠٠٢٠٠٠٠٠", "*31#",
])
def test_garbage_is_none(user: str) -> None:
    assert normalise(user) is None


@given(st.text(max_size=40))
def test_never_raises_and_returns_e164(user: str) -> None:
    result = normalise(user)
    assert result is None or (result.startswith("+") and result[1:].isdigit())
