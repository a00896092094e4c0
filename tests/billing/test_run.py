"""`run_month` on SQLite and PostgreSQL: charges, fair use, payouts on hold, VAT, numbering."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Engine, select

from ringto.billing.holds import active_holds, hold_payouts, release_payouts
from ringto.billing.invoices import credit_note, invoice_json
from ringto.billing.models import FairUseMonth, Fee, Invoice, PremiumTariff, StaffTask
from ringto.billing.run import run_month
from ringto.billing.vat import REVERSE_CHARGE_NOTE
from ringto.numbers.models import Customer

from .helpers import calls, customer, number, weekday_noons

NOW = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
OCT = "2026-10"


def _invoices(sessions) -> dict[str, dict]:  # noqa: ANN001
    with sessions() as session:
        return {i.number: invoice_json(i) for i in session.scalars(select(Invoice).order_by(Invoice.number))}


def _by_customer(sessions, customer_id: int) -> dict:  # noqa: ANN001
    return next(i for i in _invoices(sessions).values() if i["customer_id"] == customer_id)


def test_toll_free_pays_standard_rates_and_vat_by_country(engine: Engine, sessions) -> None:  # noqa: ANN001
    with sessions.begin() as s:
        nl = customer(s, "nl-shop", country="NL")
        bg_business = customer(
            s, "bg-firm", country="BG", is_business=True, vat_number="BG123456789", language="bg"
        )
        bg_consumer = customer(s, "bg-person", country="BG")
        ids = nl.id, bg_business.id, bg_consumer.id
        for owner, e164 in zip(
            (nl, bg_business, bg_consumer), ("+318001234567", "+318001234568", "+318001234569"), strict=True
        ):
            number(s, owner, e164)
    for e164 in ("+318001234567", "+318001234568", "+318001234569"):
        calls(engine, e164, weekday_noons(10))  # 10 x (0.04 + 0.07) = 1.10
    run_month(engine, sessions, OCT, now=NOW)
    nl_inv, bgb, bgc = (_by_customer(sessions, i) for i in ids)
    assert (nl_inv["net"], nl_inv["vat_rate"], nl_inv["vat"], nl_inv["total"]) == (
        "1.10",
        "21",
        "0.23",
        "1.33",
    )
    assert (bgb["vat"], bgb["vat_rate"], bgb["vat_note"]) == ("0.00", "0", REVERSE_CHARGE_NOTE)
    assert (bgc["vat_rate"], bgc["vat"], bgc["total"]) == ("20", "0.22", "1.32")
    start, day, offpeak = nl_inv["lines"]
    assert (start["amount"], start["calls"], day["amount"], day["seconds"], offpeak["amount"]) == (
        "0.40",
        10,
        "0.70",
        "600.000",
        "0.00",
    )


def test_fair_use_free_above_marked_heavy_flagged_and_standard_rates_from_a_date(
    engine: Engine,
    sessions,  # noqa: ANN001
) -> None:
    with sessions.begin() as s:
        light, busy = customer(s, "light"), customer(s, "busy", standard_rates_from=None)
        heavy = customer(s, "heavy")
        ids = light.id, busy.id, heavy.id
        for owner, e164 in ((light, "+31201234567"), (busy, "+31201234568"), (heavy, "+31201234569")):
            number(s, owner, e164)
        for month in ("2026-08", "2026-09"):  # heavy was above fair use twice before
            s.add(
                FairUseMonth(
                    customer_id=heavy.id,
                    month=month,
                    calls=500,
                    threshold=Decimal(90),
                    above=True,
                    heavy=False,
                )
            )
    calls(engine, "+31201234567", weekday_noons(5))
    calls(engine, "+31201234568", weekday_noons(100))  # threshold = max(205/3, 88 4/7): above
    calls(engine, "+31201234569", weekday_noons(100))
    run_month(engine, sessions, OCT, now=NOW)
    light_inv, busy_inv, heavy_inv = (_by_customer(sessions, i) for i in ids)
    assert (
        light_inv["total"] == "0.00" and light_inv["lines"][0]["description"] == "calls included (fair use)"
    )
    assert busy_inv["total"] == "0.00"
    assert any("above fair use (100 calls; 1 of the last 6" in ln["description"] for ln in busy_inv["lines"])
    assert any("heavy user" in ln["description"] for ln in heavy_inv["lines"])
    with sessions() as s:
        tasks = s.scalars(select(StaffTask)).all()
        assert [(t.customer_id, t.kind, t.month) for t in tasks] == [(ids[2], "heavy-user", OCT)]
        stored = s.get(FairUseMonth, (ids[1], OCT))
        assert (stored.calls, stored.above, stored.heavy) == (100, True, False)
    # Staff put "busy" on standard rates from 2 November: only calls from then on are charged.
    with sessions.begin() as s:
        s.get(Customer, ids[1]).standard_rates_from = date(2026, 11, 2)
    calls(engine, "+31201234568", weekday_noons(3, month=11), tag="nov")
    run_month(engine, sessions, "2026-11", now=NOW)
    november = [i for i in _invoices(sessions).values() if i["month"] == "2026-11"]
    busy_nov = next(i for i in november if i["customer_id"] == ids[1])
    assert busy_nov["net"] == "0.33"  # 3 x (0.04 + 0.07)


def test_premium_payout_on_hold_is_not_paid_until_released(engine: Engine, sessions) -> None:  # noqa: ANN001
    with sessions.begin() as s:
        holder = customer(s, "astro-line")
        number(s, holder, "+319001234567")
        s.add(
            PremiumTariff(
                number_e164="+319001234567",
                per_call=Decimal("0.50"),
                per_minute=Decimal("1.00"),
                effective_from=date(2026, 1, 1),
            )
        )
        holder_id = holder.id
        hold = hold_payouts(s, customer_id=holder_id, number_e164=None, held_by="fraud:F3", reason="spike")
        hold_id = hold.id
    calls(engine, "+319001234567", weekday_noons(10))  # payout 10 x (1.50 - 0.11) = 13.90
    run_month(engine, sessions, OCT, now=NOW)
    october = _by_customer(sessions, holder_id)
    (line,) = october["lines"]
    assert (line["payout"], line["held"], line["amount"]) == ("13.90", True, "0.00")
    assert october["payouts"] == "0.00"
    with sessions.begin() as s:
        assert [h.id for h in active_holds(s, holder_id)] == [hold_id]
        release_payouts(s, hold_id, released_by="staff:anna")
        assert active_holds(s, holder_id) == []
    run_month(engine, sessions, "2026-11", now=NOW)
    november = [i for i in _invoices(sessions).values() if i["month"] == "2026-11"]
    assert [(i["payouts"], i["total"]) for i in november] == [("13.90", "-13.90")]


def test_rerun_issues_nothing_and_corrections_are_credit_notes(engine: Engine, sessions) -> None:  # noqa: ANN001
    with sessions.begin() as s:
        owner = customer(s, "shop")
        number(s, owner, "+318001234567", created=datetime(2026, 10, 17, tzinfo=UTC))
        s.add(
            Fee(
                customer_id=owner.id,
                number_e164="+318001234567",
                kind="monthly",
                description="number fee",
                amount=Decimal("31.00"),
                start_date=date(2026, 10, 17),
            )
        )
        s.add(
            Fee(
                customer_id=owner.id,
                number_e164=None,
                kind="one-off",
                description="set-up",
                amount=Decimal("10.00"),
                start_date=date(2026, 10, 17),
            )
        )
    first = run_month(engine, sessions, OCT, now=NOW)
    assert first.issued == ["2026-000001"]
    invoice = _invoices(sessions)["2026-000001"]
    assert [ln["amount"] for ln in invoice["lines"]] == ["15.00", "10.00"]  # 15 of 31 days
    again = run_month(engine, sessions, OCT, now=NOW)
    assert again.issued == [] and again.skipped == 1
    note = credit_note(sessions, "2026-000001", "set-up fee waived", now=NOW)
    assert note == "2026-000002"
    both = _invoices(sessions)
    assert both["2026-000001"] == invoice  # the issued invoice did not change
    assert both[note]["total"] == "-" + invoice["total"] and both[note]["credits"] == "2026-000001"


def test_two_concurrent_runs_number_without_gaps_or_duplicates(engine: Engine, sessions) -> None:  # noqa: ANN001
    with sessions.begin() as s:
        for i in range(30):
            owner = customer(s, f"c{i}")
            number(s, owner, f"+3180012345{i:02d}")
    for i in range(30):
        calls(engine, f"+3180012345{i:02d}", weekday_noons(1))
    results, errors = [], []

    def run() -> None:
        try:
            results.append(run_month(engine, sessions, OCT, now=NOW))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(n for r in results for n in r.issued)
    assert numbers == [f"2026-{i:06d}" for i in range(1, 31)]
    with sessions() as s:
        customers = s.scalars(select(Invoice.customer_id)).all()
    assert len(customers) == len(set(customers)) == 30
