"""Tariffs as data with effective dates (F13).

A tariff is a name plus versions; a version applies to calls answered at or after its
`effective_from` (midnight UTC of that date) until the next version starts, so adding a
version never changes a month already billed. The day window (Mon-Fri 08:00-19:00 local
by default) belongs to the version, because it is part of what the customer agreed to.
"""

from __future__ import annotations

import bisect
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal

from ringto.calls.cdr_csv import EPOCH, ONE_MS

from .money import rate_units_per_ms, to_units

DAY_MS = 86_400_000


def date_to_ms(day: date) -> int:
    """Midnight UTC of `day` as milliseconds since the epoch."""
    return (datetime(day.year, day.month, day.day, tzinfo=UTC) - EPOCH) // ONE_MS


@dataclass(frozen=True)
class TariffVersion:
    """Start fee per answered call plus per-minute rates for day and off-peak time."""

    effective_from: date
    start_fee: Decimal
    day_per_minute: Decimal
    offpeak_per_minute: Decimal
    day_start: time = time(8)
    day_end: time = time(19)
    day_weekdays: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))

    def __post_init__(self) -> None:
        if not self.day_start < self.day_end:
            raise ValueError(f"day window {self.day_start}-{self.day_end} is empty")
        # Validates that every amount is exact in units before any call is rated.
        self.units()

    def units(self) -> tuple[int, int, int]:
        """(start fee, day rate per ms, off-peak rate per ms) in money units."""
        return (
            to_units(self.start_fee),
            rate_units_per_ms(self.day_per_minute),
            rate_units_per_ms(self.offpeak_per_minute),
        )


@dataclass(frozen=True)
class Tariff:
    """A named tariff: its versions, oldest first."""

    name: str
    versions: tuple[TariffVersion, ...]

    def __post_init__(self) -> None:
        starts = [v.effective_from for v in self.versions]
        if not starts or starts != sorted(set(starts)):
            raise ValueError(f"tariff {self.name!r} needs versions with distinct, ascending dates")

    def starts_ms(self) -> list[int]:
        return [date_to_ms(v.effective_from) for v in self.versions]

    def version_at(self, moment_ms: int) -> TariffVersion | None:
        """The version in force at `moment_ms`, None before the first one."""
        index = bisect.bisect_right(self.starts_ms(), moment_ms) - 1
        return self.versions[index] if index >= 0 else None


STANDARD = Tariff(
    "standard",
    (TariffVersion(date(2019, 3, 1), Decimal("0.04"), Decimal("0.07"), Decimal("0.05")),),
)

BUILT_IN = {STANDARD.name: STANDARD}


class TariffFileError(ValueError):
    """A tariff file that cannot be used; the message names the field."""


def load_tariff_file(path: str) -> Tariff:
    """A tariff from a TOML file, to try it on records before it goes live.

    ```toml
    name = "night-saver"
    [[versions]]
    effective_from = 2026-12-01
    start_fee = "0.03"
    day_per_minute = "0.08"
    offpeak_per_minute = "0.02"
    day_start = "08:00"   # optional, as are day_end ("19:00") and weekdays ([0, 1, 2, 3, 4])
    ```
    Amounts are strings so they stay exact decimals.
    """
    try:
        with open(path, "rb") as stream:
            data = tomllib.load(stream)
        versions = tuple(_version(v) for v in data["versions"])
        return Tariff(str(data.get("name", path)), tuple(sorted(versions, key=lambda v: v.effective_from)))
    except tomllib.TOMLDecodeError as exc:
        raise TariffFileError(f"not valid TOML ({exc})") from None
    except KeyError as exc:
        raise TariffFileError(f"missing field {exc.args[0]}") from None
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise TariffFileError(str(exc) or type(exc).__name__) from None


def _version(data: dict) -> TariffVersion:
    effective = data["effective_from"]
    if not isinstance(effective, date):
        raise TariffFileError(f"effective_from {effective!r} is not a TOML date like 2026-12-01")
    return TariffVersion(
        effective,
        Decimal(str(data["start_fee"])),
        Decimal(str(data["day_per_minute"])),
        Decimal(str(data["offpeak_per_minute"])),
        time.fromisoformat(data.get("day_start", "08:00")),
        time.fromisoformat(data.get("day_end", "19:00")),
        frozenset(data.get("weekdays", range(5))),
    )
