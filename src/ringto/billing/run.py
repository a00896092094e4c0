"""A month's billing run (F12-F15): rate, apply fair use, draft and issue invoices.

`run_month` is safe to repeat: customers already invoiced for the month are skipped,
stored fair-use outcomes are reused, and issuing checks each invoice's billing key
under the numbering lock (see `invoices`), so a rerun or a concurrent run issues
nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from ringto.numbers.models import Customer

from . import fair_use
from .holds import is_held
from .invoices import Draft, issue
from .models import FairUseMonth, Fee, Invoice, Payout, PayoutHold, StaffTask
from .money import round_cents, round_decimal_cents
from .month import FAIR_USE, PREMIUM, MonthTraffic, NumberTotals, month_bounds, rate_month
from .rating import format_seconds
from .vat import vat_for

BATCH = 200
CHARGES = ("fees", "traffic", "forwarding")


@dataclass(frozen=True)
class RunResult:
    issued: list[str]
    skipped: int  # customers already invoiced for the month
    unknown_numbers: int


def _line(section: str, description: str, amount: Decimal, **extra: Any) -> dict[str, Any]:
    return {"section": section, "description": description, "amount": f"{amount:.2f}", **extra}


def fee_amount(fee: Fee, month: str) -> Decimal | None:
    """A fee's share of `month`: monthly fees pro rata by days held, one-off fees once."""
    first, after = (d.date() for d in month_bounds(month))
    if fee.kind == "one-off":
        return round_decimal_cents(fee.amount) if first <= fee.start_date < after else None
    start = max(fee.start_date, first)
    stop = min(fee.end_date, after) if fee.end_date else after
    if start >= stop:
        return None
    days = (stop - start).days
    return round_decimal_cents(fee.amount * days / fair_use.days_in(month))


def traffic_lines(totals: NumberTotals) -> list[dict[str, Any]]:
    """Start fees, day and off-peak traffic of one number, each rounded once."""
    if totals.kind == FAIR_USE and totals.calls and not totals.charged_calls:
        return [
            _line(
                "traffic",
                "calls included (fair use)",
                Decimal("0.00"),
                number=totals.e164,
                calls=totals.calls,
            )
        ]
    if not totals.charged_calls or totals.kind == PREMIUM:
        return []
    return [
        _line(
            "traffic",
            "start fees",
            round_cents(totals.start_units),
            number=totals.e164,
            calls=totals.charged_calls,
        ),
        _line(
            "traffic",
            "day traffic",
            round_cents(totals.day_units),
            number=totals.e164,
            period="day",
            seconds=format_seconds(totals.day_ms),
        ),
        _line(
            "traffic",
            "off-peak traffic",
            round_cents(totals.offpeak_units),
            number=totals.e164,
            period="off-peak",
            seconds=format_seconds(totals.offpeak_ms),
        ),
    ]


@dataclass
class _Context:
    month: str
    traffic: MonthTraffic
    fair: dict[int, fair_use.FairUse]
    history: dict[int, list[bool]]
    fees: dict[int, list[Fee]]
    unpaid: dict[int, list[Payout]]
    holds: dict[int, list[PayoutHold]]


def draft_for(customer: Customer, numbers: list[NumberTotals], ctx: _Context) -> Draft | None:
    """The customer's invoice for the month, or None when there is nothing to show."""
    lines: list[dict[str, Any]] = []
    for fee in ctx.fees.get(customer.id, []):
        amount = fee_amount(fee, ctx.month)
        if amount is not None:
            lines.append(_line("fees", fee.description, amount, number=fee.number_e164))
    for totals in numbers:
        lines += traffic_lines(totals)
        if totals.forwarding_units:
            lines.append(
                _line(
                    "forwarding",
                    "forwarding abroad",
                    round_cents(totals.forwarding_units),
                    number=totals.e164,
                    seconds=format_seconds(totals.forwarding_ms),
                )
            )
    writes: list[Callable[[Session, str], None]] = []
    lines += _fair_use_notices(customer.id, ctx, writes)
    payout_lines, paid = _payouts(customer.id, numbers, ctx, writes)
    lines += payout_lines
    if not lines:
        return None
    net = sum((Decimal(line["amount"]) for line in lines if line["section"] in CHARGES), Decimal("0.00"))
    vat = vat_for(customer.country, customer.is_business, customer.vat_number)
    vat_amount = round_decimal_cents(net * vat.rate / 100)
    return Draft(
        customer.id,
        ctx.month,
        customer.language,
        lines,
        net,
        vat.rate,
        vat_amount,
        paid,
        net + vat_amount - paid,
        vat.note,
        f"{customer.id}:{ctx.month}",
        extra=writes,
    )


def _fair_use_notices(customer_id: int, ctx: _Context, writes: list) -> list[dict[str, Any]]:
    outcome = ctx.fair.get(customer_id)
    if outcome is None:
        return []
    before = ctx.history.get(customer_id, [])
    heavy = fair_use.is_heavy(outcome.above, before)
    writes.append(lambda s, _n: _store_fair_use(s, customer_id, ctx.month, outcome, heavy))
    if not outcome.above:
        return []
    months = sum(before) + 1
    text = f"above fair use ({outcome.calls} calls; {months} of the last {fair_use.LOOK_BACK_MONTHS} months)"
    notices = [_line("notice", text, Decimal("0.00"))]
    if heavy:
        notices.append(
            _line("notice", "heavy user: we will contact you about standard rates", Decimal("0.00"))
        )
    return notices


def _store_fair_use(
    session: Session, customer_id: int, month: str, outcome: fair_use.FairUse, heavy: bool
) -> None:
    """Keep the outcome (and a heavy user's staff task) with the invoice it was billed on."""
    fair_insert, task_insert = _inserts(session)
    session.connection().execute(
        fair_insert,
        {
            "customer_id": customer_id,
            "month": month,
            "calls": outcome.calls,
            "above": outcome.above,
            "heavy": heavy,
            "threshold": Decimal(outcome.threshold.numerator) / outcome.threshold.denominator,
        },
    )
    if heavy:
        note = (
            f"{outcome.calls} calls in {month}, above fair use in 3 or more of the last 6 months: "
            "call the customer about standard rates"
        )
        session.connection().execute(
            task_insert,
            {
                "customer_id": customer_id,
                "kind": "heavy-user",
                "month": month,
                "created_utc": datetime.now(UTC),
                "note": note,
            },
        )


def _inserts(session: Session) -> tuple[Any, Any]:
    """INSERT ... ON CONFLICT DO NOTHING statements, built once per dialect (compiled once)."""
    name = session.get_bind().dialect.name
    if name not in _INSERTS:
        dialect = sqlite if name == "sqlite" else postgresql
        _INSERTS[name] = tuple(
            dialect.insert(t).on_conflict_do_nothing() for t in (FairUseMonth.__table__, StaffTask.__table__)
        )
    return _INSERTS[name]


_INSERTS: dict[str, tuple[Any, Any]] = {}


def _payouts(customer_id: int, numbers: list[NumberTotals], ctx: _Context, writes: list):
    """Payout credit lines (held ones shown, not paid) and the total paid."""
    holds = ctx.holds.get(customer_id, [])
    lines, paid = [], Decimal("0.00")
    due = [
        (
            t.e164,
            ctx.month,
            round_cents(t.revenue_units - t.start_units - t.day_units - t.offpeak_units),
            None,
        )
        for t in numbers
        if t.kind == PREMIUM and t.calls
    ]
    due += [(p.number_e164, p.month, p.amount, p) for p in ctx.unpaid.get(customer_id, [])]
    for number, month, amount, stored in due:
        held = is_held(holds, number)
        text = f"payout {month}" + (" (on hold, not paid)" if held else "")
        lines.append(
            _line(
                "payouts",
                text,
                Decimal("0.00") if held else -amount,
                number=number,
                payout=f"{amount:.2f}",
                held=held,
            )
        )
        if not held:
            paid += amount
        writes.append(_payout_write(customer_id, number, month, amount, stored, held))
    return lines, paid


def _payout_write(
    customer_id: int, number: str, month: str, amount: Decimal, stored: Payout | None, held: bool
):  # noqa: ANN202
    def write(session: Session, invoice_number: str) -> None:
        paid_on = None if held else invoice_number
        if stored is None:
            session.add(
                Payout(
                    customer_id=customer_id,
                    number_e164=number,
                    month=month,
                    amount=amount,
                    invoice_number=paid_on,
                )
            )
        elif paid_on:
            session.execute(
                update(Payout)
                .where(
                    Payout.customer_id == customer_id,
                    Payout.number_e164 == number,
                    Payout.month == month,
                    Payout.invoice_number.is_(None),
                )
                .values(invoice_number=paid_on)
            )

    return write


def _load_context(session: Session, month: str, traffic: MonthTraffic) -> _Context:
    stored = {
        r.customer_id: r for r in session.scalars(select(FairUseMonth).where(FairUseMonth.month == month))
    }
    fair = fair_use.assess(traffic.fair_use_calls, traffic.fair_use_holders, month)
    for customer_id, row in stored.items():  # an outcome already billed stays as it was
        fair[customer_id] = fair_use.FairUse(row.calls, Fraction(row.threshold), row.above)
    history: dict[int, list[bool]] = defaultdict(list)
    earlier = fair_use.previous_months(month)
    for row in session.scalars(select(FairUseMonth).where(FairUseMonth.month.in_(earlier))):
        history[row.customer_id].append(row.above)
    fees: dict[int, list[Fee]] = defaultdict(list)
    for fee in session.scalars(select(Fee).order_by(Fee.id)):
        fees[fee.customer_id].append(fee)
    unpaid: dict[int, list[Payout]] = defaultdict(list)
    for payout in session.scalars(
        select(Payout).where(Payout.invoice_number.is_(None), Payout.month < month)
    ):
        unpaid[payout.customer_id].append(payout)
    holds: dict[int, list[PayoutHold]] = defaultdict(list)
    for hold in session.scalars(select(PayoutHold).where(PayoutHold.released_utc.is_(None))):
        holds[hold.customer_id].append(hold)
    return _Context(month, traffic, fair, history, fees, unpaid, holds)


def run_month(
    engine: Engine,
    sessions: sessionmaker[Session],
    month: str,
    *,
    progress: Callable[[int], None] | None = None,
    now: datetime | None = None,
) -> RunResult:
    """Bill `month` ("2026-10"); `progress(n)` is told about every n customers done."""
    traffic = rate_month(engine, month)
    by_customer: dict[int, list[NumberTotals]] = defaultdict(list)
    for totals in sorted(traffic.numbers.values(), key=lambda t: t.e164):
        by_customer[totals.customer_id].append(totals)
    with sessions() as session:
        ctx = _load_context(session, month, traffic)
        invoiced = {
            int(k.split(":")[0])
            for k in session.scalars(
                select(Invoice.billing_key).where(Invoice.billing_key.like(f"%:{month}"))
            )
        }
        customers = list(session.scalars(select(Customer).order_by(Customer.id)))
    issued: list[str] = []
    todo = [c for c in customers if c.id not in invoiced]
    for i in range(0, len(todo), BATCH):
        batch = todo[i : i + BATCH]
        drafts = [d for c in batch if (d := draft_for(c, by_customer.get(c.id, []), ctx)) is not None]
        issued += issue(sessions, drafts, now)
        if progress:
            progress(len(batch))
    return RunResult(issued, len(customers) - len(todo), traffic.unknown_numbers)
