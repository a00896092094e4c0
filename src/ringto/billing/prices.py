"""Price data staff maintain: the destination rate deck, premium tariffs and their maxima, fees.

Every price has an effective date and existing rows are never changed (a changed price
is a new row from a later date), so rerating a month already billed gives the same
amounts. The rate deck comes as CSV (`prefix,per_minute,effective_from`) and is
checked whole, with line numbers, before anything is stored.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ringto.calls.cdr_csv import CsvError
from ringto.numbers.models import ServiceNumber

from .models import DestinationRate, PremiumMaximum, PremiumTariff, TariffVersionRow
from .money import MoneyError, rate_units_per_ms, to_units

DECK_COLUMNS = ("prefix", "per_minute", "effective_from")


class PriceError(ValueError):
    """A price that cannot be stored; the message says why."""


def _amount(text: str, what: str, *, per_minute: bool) -> Decimal:
    try:
        value = Decimal(text)
        if not value.is_finite() or value < 0:
            raise InvalidOperation
        (rate_units_per_ms if per_minute else to_units)(value)
    except (InvalidOperation, MoneyError):
        raise PriceError(f"{what} {text!r} is not an amount in euro (at most 6 decimals)") from None
    return value


def read_deck(stream: TextIO) -> list[DestinationRate]:
    """Every row of a rate deck CSV, or CsvError naming the first bad line."""
    reader = csv.reader(stream, strict=True)
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != DECK_COLUMNS:
        raise CsvError(1, f"the header must be {','.join(DECK_COLUMNS)}")
    rows, seen = [], set()
    line = reader.line_num + 1
    for row in reader:
        if row:
            rows.append(_deck_row(row, line, seen))
        line = reader.line_num + 1
    return rows


def _deck_row(row: list[str], line: int, seen: set[tuple[str, date]]) -> DestinationRate:
    if len(row) != len(DECK_COLUMNS):
        raise CsvError(line, f"expected {len(DECK_COLUMNS)} fields, found {len(row)}")
    prefix = "+" + row[0].strip().lstrip("+")
    if not prefix[1:].isdigit() or len(prefix) > 16:
        raise CsvError(line, f"prefix {row[0]!r} is not a country code and digits")
    try:
        per_minute = _amount(row[1].strip(), "per_minute", per_minute=True)
        effective = date.fromisoformat(row[2].strip())
    except (PriceError, ValueError) as exc:
        raise CsvError(
            line,
            str(exc)
            if isinstance(exc, PriceError)
            else f"effective_from {row[2]!r} is not a date like 2026-10-01",
        ) from None
    if (prefix, effective) in seen:
        raise CsvError(line, f"{prefix} from {effective} appears twice")
    seen.add((prefix, effective))
    return DestinationRate(prefix=prefix, per_minute=per_minute, effective_from=effective)


def store_deck(session: Session, rows: list[DestinationRate]) -> int:
    """Add the deck's new rows; a row equal to a stored one is skipped, a changed one refused."""
    stored = {(r.prefix, r.effective_from): r.per_minute for r in session.scalars(select(DestinationRate))}
    added = 0
    for row in rows:
        known = stored.get((row.prefix, row.effective_from))
        if known is None:
            session.add(row)
            added += 1
        elif known != row.per_minute:
            raise PriceError(
                f"{row.prefix} from {row.effective_from} is already priced at {known}; "
                "give the new price a later effective date"
            )
    return added


def set_premium_maximum(session: Session, prefix: str, per_call: str, per_minute: str) -> None:
    """The most holders may charge on numbers starting with `prefix` (e.g. +31900)."""
    row = PremiumMaximum(
        prefix=prefix,
        max_per_call=_amount(per_call, "per call", per_minute=False),
        max_per_minute=_amount(per_minute, "per minute", per_minute=True),
    )
    session.merge(row)


def set_premium_tariff(session: Session, e164: str, per_call: str, per_minute: str, effective: date) -> None:
    """The caller tariff of a premium number from `effective`, within its type's maximum."""
    held = session.scalar(select(ServiceNumber).where(ServiceNumber.e164 == e164))
    if held is None or held.number_type != "premium_rate":
        raise PriceError(f"{e164} is not a premium-rate number held on this platform")
    maxima = {m.prefix: m for m in session.scalars(select(PremiumMaximum))}
    limit = next((maxima[e164[:n]] for n in range(len(e164), 1, -1) if e164[:n] in maxima), None)
    if limit is None:
        raise PriceError(f"no maximum tariff is set for numbers like {e164}; staff set one first")
    call, minute = (
        _amount(per_call, "per call", per_minute=False),
        _amount(per_minute, "per minute", per_minute=True),
    )
    if call > limit.max_per_call or minute > limit.max_per_minute:
        raise PriceError(
            f"{e164} may charge at most {limit.max_per_call} per call and {limit.max_per_minute} per minute"
        )
    if session.scalar(
        select(PremiumTariff.id).where(
            PremiumTariff.number_e164 == e164, PremiumTariff.effective_from == effective
        )
    ):
        raise PriceError(f"{e164} already has a tariff from {effective}; choose a later date")
    session.add(PremiumTariff(number_e164=e164, per_call=call, per_minute=minute, effective_from=effective))


def add_tariff_version(
    session: Session, name: str, effective: date, start_fee: str, day_rate: str, offpeak_rate: str
) -> None:
    """A new version of a tariff from `effective`; it must start after the newest one."""
    newest = session.scalar(
        select(TariffVersionRow.effective_from)
        .where(TariffVersionRow.name == name)
        .order_by(TariffVersionRow.effective_from.desc())
    )
    if newest is not None and effective <= newest:
        raise PriceError(f"tariff {name!r} already has a version from {newest}; a new one must start later")
    session.add(
        TariffVersionRow(
            name=name,
            effective_from=effective,
            start_fee=_amount(start_fee, "start fee", per_minute=False),
            day_per_minute=_amount(day_rate, "day rate", per_minute=True),
            offpeak_per_minute=_amount(offpeak_rate, "off-peak rate", per_minute=True),
            day_start_minute=8 * 60,
            day_end_minute=19 * 60,
        )
    )
