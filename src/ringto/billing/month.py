"""What one month of traffic costs, per service number: the rating pass of a billing run.

Streams the month's answered calls once (only the columns it needs) and adds each
call's exact money units into per-number totals: chargeable start fees, day and
off-peak traffic; fair-use traffic that stays free; premium caller revenue and the
platform's fee; foreign forwarding. A call belongs to the month its answer falls in
(UTC month boundaries, see docs/billing.md).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Engine, String, select, type_coerce

from ringto.calls.cdr_csv import EPOCH, ONE_MS
from ringto.calls.models import CallRecordRow
from ringto.numbers.models import Customer, ServiceNumber

from .models import DestinationRate, PremiumTariff, TariffVersionRow
from .money import rate_units_per_ms, to_units
from .places import place_of
from .rating import Rater
from .tariffs import BUILT_IN, Tariff, TariffVersion, date_to_ms

FAIR_USE, TOLL_FREE, PREMIUM = "fair-use", "toll-free", "premium"
_RAW = String()
KINDS = {"toll_free": TOLL_FREE, "premium_rate": PREMIUM}


def month_bounds(month: str) -> tuple[datetime, datetime]:
    year, mon = (int(part) for part in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=UTC)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=UTC)
    return start, end


def to_ms(moment: datetime | str) -> int:
    """A stored time as ms since the epoch: the driver's raw value (ISO text on SQLite,
    an aware datetime on PostgreSQL), read without SQLAlchemy's per-value conversion,
    which costs more than the rating of a call."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // ONE_MS


@dataclass
class NumberTotals:
    """Exact units and counts of one service number in the month."""

    e164: str
    customer_id: int
    kind: str
    calls: int = 0
    charged_calls: int = 0
    start_units: int = 0
    day_ms: int = 0
    day_units: int = 0
    offpeak_ms: int = 0
    offpeak_units: int = 0
    revenue_units: int = 0  # premium: what callers paid
    forwarding_ms: int = 0
    forwarding_units: int = 0


@dataclass
class MonthTraffic:
    numbers: dict[str, NumberTotals] = field(default_factory=dict)
    fair_use_calls: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    fair_use_holders: set[int] = field(default_factory=set)
    unknown_numbers: int = 0


def load_tariff(engine: Engine, name: str = "standard") -> Tariff:
    """The named tariff: built-in versions (standard rates since 2019) plus the stored ones.

    A stored version on the same date as a built-in one replaces it.
    """
    with engine.connect() as connection:
        rows = connection.execute(select(TariffVersionRow).where(TariffVersionRow.name == name)).all()
    versions = {v.effective_from: v for v in BUILT_IN[name].versions} if name in BUILT_IN else {}
    for r in rows:
        versions[r.effective_from] = TariffVersion(
            r.effective_from,
            r.start_fee,
            r.day_per_minute,
            r.offpeak_per_minute,
            _minute_time(r.day_start_minute),
            _minute_time(r.day_end_minute),
        )
    return Tariff(name, tuple(versions[d] for d in sorted(versions)))


def _minute_time(minutes: int):  # noqa: ANN202 - datetime.time
    return datetime.min.replace(hour=minutes // 60, minute=minutes % 60).time()


class _Versions:
    """Per-key price versions by effective date (premium tariffs, rate deck prefixes)."""

    def __init__(self) -> None:
        self._starts: dict[str, list[int]] = defaultdict(list)
        self._values: dict[str, list[tuple[int, int]]] = defaultdict(list)

    def add(self, key: str, effective: date, value: tuple[int, int]) -> None:
        self._starts[key].append(date_to_ms(effective))
        self._values[key].append(value)

    def __contains__(self, key: str) -> bool:
        return key in self._starts

    def at(self, key: str, moment_ms: int) -> tuple[int, int] | None:
        starts = self._starts.get(key)
        if not starts:
            return None
        index = bisect.bisect_right(starts, moment_ms) - 1
        return self._values[key][index] if index >= 0 else None


def _load_prices(engine: Engine) -> tuple[_Versions, _Versions]:
    premium, deck = _Versions(), _Versions()
    with engine.connect() as connection:
        for r in connection.execute(select(PremiumTariff).order_by(PremiumTariff.effective_from)):
            premium.add(
                r.number_e164, r.effective_from, (to_units(r.per_call), rate_units_per_ms(r.per_minute))
            )
        for r in connection.execute(select(DestinationRate).order_by(DestinationRate.effective_from)):
            deck.add(r.prefix, r.effective_from, (0, rate_units_per_ms(r.per_minute)))
    return premium, deck


def _forwarding_rate(deck: _Versions, ring_to: str, moment_ms: int) -> tuple[int, int] | None:
    """Longest prefix match in the destination rate deck."""
    for length in range(len(ring_to), 1, -1):
        if ring_to[:length] in deck:
            return deck.at(ring_to[:length], moment_ms)
    return None


class MissingRate(LookupError):
    """A call forwarded abroad to a destination the rate deck does not price."""


def rate_month(engine: Engine, month: str, tariff: Tariff | None = None) -> MonthTraffic:
    """Rate every answered call of `month` into per-number totals."""
    start, end = month_bounds(month)
    rater = Rater(tariff or load_tariff(engine))
    premium, deck = _load_prices(engine)
    traffic = MonthTraffic()
    standard_from: dict[int, int] = {}
    with engine.connect() as connection:
        held = connection.execute(
            select(
                ServiceNumber.e164,
                ServiceNumber.customer_id,
                ServiceNumber.number_type,
                Customer.standard_rates_from,
            )
            .join(Customer, Customer.id == ServiceNumber.customer_id)
            .where(ServiceNumber.created < end)
        )
        for e164, customer_id, number_type, std_from in held:
            kind = KINDS.get(number_type, FAIR_USE)
            traffic.numbers[e164] = NumberTotals(e164, customer_id, kind)
            if kind == FAIR_USE:
                traffic.fair_use_holders.add(customer_id)
            if std_from is not None:
                standard_from[customer_id] = date_to_ms(std_from)
        calls = connection.execution_options(yield_per=20_000).execute(
            select(
                CallRecordRow.service_number,
                type_coerce(CallRecordRow.answer_utc, _RAW),
                type_coerce(CallRecordRow.end_utc, _RAW),
                CallRecordRow.ring_to,
            ).where(
                CallRecordRow.answer_utc >= start,
                CallRecordRow.answer_utc < end,
                CallRecordRow.end_utc.is_not(None),
            )
        )
        for number, answer, ended, ring_to in calls:
            totals = traffic.numbers.get(number)
            if totals is None:
                traffic.unknown_numbers += 1
                continue
            _add_call(
                traffic, totals, rater, premium, deck, standard_from, to_ms(answer), to_ms(ended), ring_to
            )
    return traffic


def _add_call(
    traffic: MonthTraffic,
    totals: NumberTotals,
    rater: Rater,
    premium: _Versions,
    deck: _Versions,
    standard_from: dict[int, int],
    answer: int,
    ended: int,
    ring_to: str | None,
) -> None:
    rated = rater.rate(totals.e164, answer, ended)
    totals.calls += 1
    if ring_to and _abroad(totals.e164, ring_to):
        price = _forwarding_rate(deck, ring_to, answer)
        if price is None:
            raise MissingRate(f"no destination rate for forwarding to {ring_to} (from {totals.e164})")
        totals.forwarding_ms += rated.billed_ms
        totals.forwarding_units += rated.billed_ms * price[1]
    if totals.kind == FAIR_USE:
        traffic.fair_use_calls[totals.customer_id] += 1
        std = standard_from.get(totals.customer_id)
        if std is None or answer < std:
            return
    elif totals.kind == PREMIUM:
        price = premium.at(totals.e164, answer)
        if price is not None:
            totals.revenue_units += price[0] + rated.billed_ms * price[1]
    start_fee, day_rate, offpeak_rate = rater.units_at(answer)
    offpeak = rated.billed_ms - rated.day_ms
    totals.charged_calls += 1
    totals.start_units += start_fee
    totals.day_ms += rated.day_ms
    totals.day_units += rated.day_ms * day_rate
    totals.offpeak_ms += offpeak
    totals.offpeak_units += offpeak * offpeak_rate


def _abroad(service_number: str, ring_to: str) -> bool:
    here, there = place_of(service_number), place_of(ring_to)
    return there is not None and here is not None and there.region != here.region
