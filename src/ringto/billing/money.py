"""Exact money as integers: one unit is 1/60,000,000,000 euro.

Why not `Decimal` in the rating loop: every rated amount is `ms x (euro per minute)`,
i.e. a multiple of 1/60,000 of a rate; with rates of at most 6 decimals (a millionth of
a euro per minute) every such amount is a whole number of these units, so integer
sums are exact and several times faster than Decimal. Conversion to `Decimal` happens
once per printed amount or invoice line, with ROUND_HALF_UP as the rules ask.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

UNITS_PER_EURO = 60_000_000_000
UNITS_PER_MICRO_EURO = UNITS_PER_EURO // 1_000_000
UNITS_PER_CENT = UNITS_PER_EURO // 100
MS_PER_MINUTE = 60_000
CENT = Decimal("0.01")


class MoneyError(ValueError):
    """An amount that cannot be held exactly in units (too many decimals)."""


def to_units(euro: Decimal | str | int) -> int:
    """A euro amount as whole units; refuses amounts finer than one unit."""
    value = Decimal(euro) * UNITS_PER_EURO
    if value != value.to_integral_value():
        raise MoneyError(f"amount {euro} has more decimals than billing can hold exactly")
    return int(value)


def rate_units_per_ms(euro_per_minute: Decimal | str) -> int:
    """A per-minute rate as units per millisecond (exact for up to 6 decimals)."""
    per_minute = to_units(euro_per_minute)
    if per_minute % MS_PER_MINUTE:
        raise MoneyError(f"rate {euro_per_minute} per minute has more than 6 decimals")
    return per_minute // MS_PER_MINUTE


def _round_half_up(units: int, step: int) -> int:
    """`units / step` rounded half away from zero (Decimal's ROUND_HALF_UP)."""
    quotient = (abs(units) * 2 + step) // (step * 2)
    return quotient if units >= 0 else -quotient


def to_decimal(units: int) -> Decimal:
    """The exact amount as a Decimal of at most 28 significant digits."""
    return Decimal(units) / UNITS_PER_EURO


def round_cents(units: int) -> Decimal:
    """The exact amount rounded once to whole cents, half up."""
    return Decimal(_round_half_up(units, UNITS_PER_CENT)).scaleb(-2)


def format_micro(units: int) -> str:
    """The exact amount shown half up to 6 decimals ("0.105500")."""
    micro = _round_half_up(units, UNITS_PER_MICRO_EURO)
    sign = "-" if micro < 0 else ""
    whole, frac = divmod(abs(micro), 1_000_000)
    return f"{sign}{whole}.{frac:06d}"


def format_cents(units: int) -> str:
    """The exact amount rounded to cents half up ("12.34")."""
    cents = _round_half_up(units, UNITS_PER_CENT)
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


def round_decimal_cents(amount: Decimal) -> Decimal:
    """A Decimal rounded to cents half up (VAT and other computed amounts)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
