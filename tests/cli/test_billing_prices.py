"""Rate deck import, premium tariffs within maxima, fees and staff decisions through the CLI."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from ringto.billing.models import FairUseMonth
from ringto.store.db import make_engine, make_session_factory
from tests.billing.helpers import calls, customer, number, weekday_noons

from .conftest import Invoke


def test_forwarding_abroad_is_charged_from_the_deck_by_longest_prefix(
    ringto: Invoke, db_url: str, tmp_path: Path
) -> None:
    ringto("db", "upgrade")
    deck = tmp_path / "deck.csv"
    deck.write_text(
        "prefix,per_minute,effective_from\n+44,0.10,2026-01-01\n+447,0.20,2026-01-01\n+447,0.30,2026-11-01\n",
        encoding="utf-8",
    )
    added = ringto("billing", "deck", "import", "--csv", str(deck))
    assert "3 rate(s) added, 0 already known" in added.output
    assert (
        "0 rate(s) added, 3 already known" in ringto("billing", "deck", "import", "--csv", str(deck)).output
    )
    engine = make_engine(db_url)
    with make_session_factory(engine).begin() as s:
        number(s, customer(s, "Expat desk"), "+31201234567")
    calls(engine, "+31201234567", weekday_noons(2), ring_to="+447400123456")  # 2 min x 0.20 (October)
    calls(engine, "+31201234567", weekday_noons(1), ring_to="+31612345678", tag="home")  # in fair use
    engine.dispose()
    assert ringto("billing", "run", "--month", "2026-10").exit_code == 0
    data = json.loads(ringto("billing", "invoice", "show", "2026-000001", "--json").stdout)
    forwarding = [ln for ln in data["lines"] if ln["section"] == "forwarding"]
    assert [(ln["amount"], ln["seconds"]) for ln in forwarding] == [("0.40", "120.000")]
    assert data["net"] == "0.40"


def test_deck_errors_name_the_line_and_store_nothing(ringto: Invoke, tmp_path: Path) -> None:
    ringto("db", "upgrade")
    deck = tmp_path / "bad.csv"
    deck.write_text(
        "prefix,per_minute,effective_from\n+44,0.10,2026-01-01\n+49,cheap,2026-01-01\n", encoding="utf-8"
    )
    result = ringto("billing", "deck", "import", "--csv", str(deck))
    assert result.exit_code == 2 and "line 3: per_minute 'cheap' is not an amount" in result.output
    deck.write_text("prefix,per_minute,effective_from\n+44,0.10,2026-01-01\n", encoding="utf-8")
    assert "1 rate(s) added" in ringto("billing", "deck", "import", "--csv", str(deck)).output
    deck.write_text("prefix,per_minute,effective_from\n+44,0.12,2026-01-01\n", encoding="utf-8")
    changed = ringto("billing", "deck", "import", "--csv", str(deck))
    assert changed.exit_code == 2 and "already priced at 0.100000" in changed.output


def test_premium_tariff_within_the_maximum_of_its_type(ringto: Invoke, db_url: str) -> None:
    ringto("db", "upgrade")
    engine = make_engine(db_url)
    with make_session_factory(engine).begin() as s:
        number(s, customer(s, "Astro"), "+319061234567")
    engine.dispose()
    no_max = ringto(
        "billing", "premium", "set", "0906 123 4567", "--per-minute", "0.80", "--from", "2026-10-01"
    )
    assert no_max.exit_code == 2 and "no maximum tariff" in no_max.output
    ringto(
        "billing", "premium", "maximum", "--prefix", "+31906", "--per-call", "1.00", "--per-minute", "1.00"
    )
    over = ringto(
        "billing", "premium", "set", "0906 123 4567", "--per-minute", "1.50", "--from", "2026-10-01"
    )
    assert over.exit_code == 2 and "at most 1.000000 per call and 1.000000 per minute" in over.output
    ok = ringto("billing", "premium", "set", "0906 123 4567", "--per-minute", "0.80", "--from", "2026-10-01")
    assert ok.exit_code == 0, ok.output


def test_heavy_user_task_and_standard_rates_decision(ringto: Invoke, db_url: str) -> None:
    ringto("db", "upgrade")
    engine = make_engine(db_url)
    with make_session_factory(engine).begin() as s:
        number(s, customer(s, "Busy"), "+31201234567")
    engine.dispose()
    assert "Busy" not in ringto("billing", "tasks").output
    result = ringto("billing", "standard-rates", "--customer", "Busy", "--from", "2026-10-01")
    assert "Busy pays standard rates" in result.output
    fee = ringto(
        "billing",
        "fee",
        "--customer",
        "Busy",
        "--kind",
        "one-off",
        "--amount",
        "25",
        "--description",
        "porting",
        "--from",
        "2026-10-05",
    )
    assert fee.exit_code == 0, fee.output
    engine = make_engine(db_url)
    calls(engine, "+31201234567", weekday_noons(1))
    engine.dispose()
    ringto("billing", "run", "--month", "2026-10")
    data = json.loads(ringto("billing", "invoice", "show", "2026-000001", "--json").stdout)
    assert [ln["amount"] for ln in data["lines"]] == ["25.00", "0.04", "0.07", "0.00"]


def test_a_new_tariff_version_changes_only_the_months_it_covers(ringto: Invoke, db_url: str) -> None:
    ringto("db", "upgrade")
    engine = make_engine(db_url)
    with make_session_factory(engine).begin() as s:
        number(s, customer(s, "Free call desk"), "+318001234567")
    calls(engine, "+318001234567", weekday_noons(1, month=9), tag="sep")
    calls(engine, "+318001234567", weekday_noons(1))
    engine.dispose()
    added = ringto(
        "billing", "tariff", "--from", "2026-10-01", "--start", "0.05", "--day", "0.08", "--offpeak", "0.06"
    )
    assert added.exit_code == 0, added.output
    earlier = ringto(
        "billing", "tariff", "--from", "2026-09-01", "--start", "0", "--day", "0", "--offpeak", "0"
    )
    assert earlier.exit_code == 2 and "must start later" in earlier.output
    ringto("billing", "run", "--month", "2026-09")
    ringto("billing", "run", "--month", "2026-10")
    september = json.loads(ringto("billing", "invoice", "show", "2026-000001", "--json").stdout)
    october = json.loads(ringto("billing", "invoice", "show", "2026-000002", "--json").stdout)
    assert (september["month"], september["net"]) == ("2026-09", "0.11")
    assert (october["month"], october["net"]) == ("2026-10", "0.13")


def test_customer_billing_details_decide_vat(ringto: Invoke, db_url: str) -> None:
    ringto("db", "upgrade")
    engine = make_engine(db_url)
    with make_session_factory(engine).begin() as s:
        number(s, customer(s, "Plovdiv Ltd"), "+318001234567")
    calls(engine, "+318001234567", weekday_noons(10))
    engine.dispose()
    set_ = ringto(
        "billing",
        "customer",
        "Plovdiv Ltd",
        "--country",
        "bg",
        "--vat-number",
        "BG175074752",
        "--business",
        "--language",
        "bg",
    )
    assert "country BG, VAT number BG175074752, business, invoices in bg" in set_.output
    ringto("billing", "run", "--month", "2026-10")
    data = json.loads(ringto("billing", "invoice", "show", "2026-000001", "--json").stdout)
    assert (data["vat_rate"], data["vat"], data["total"], data["language"]) == ("0", "0.00", "1.10", "bg")
    assert "reverse charge" in data["vat_note"]


def test_staff_see_who_is_above_fair_use_and_the_heavy_user_task(ringto: Invoke, db_url: str) -> None:
    ringto("db", "upgrade")
    engine = make_engine(db_url)
    with make_session_factory(engine).begin() as s:
        number(s, customer(s, "Quiet"), "+31201234567")
        loud = customer(s, "Loud")
        number(s, loud, "+31201234568")
        for month in ("2026-07", "2026-09"):
            s.add(
                FairUseMonth(
                    customer_id=loud.id,
                    month=month,
                    calls=300,
                    threshold=Decimal(90),
                    above=True,
                    heavy=False,
                )
            )
    calls(engine, "+31201234568", weekday_noons(100))
    engine.dispose()
    ringto("billing", "run", "--month", "2026-10")
    listed = ringto("billing", "fair-use", "--month", "2026-10").output.splitlines()
    assert len(listed) == 2 and listed[1].split() == ["Loud", "100", "88.6", "yes"]
    assert "Loud" in ringto("billing", "tasks").output


def test_forwarding_to_an_unpriced_destination_stops_the_run(ringto: Invoke, db_url: str) -> None:
    ringto("db", "upgrade")
    engine = make_engine(db_url)
    with make_session_factory(engine).begin() as s:
        number(s, customer(s, "Expat desk"), "+31201234567")
    calls(engine, "+31201234567", weekday_noons(1), ring_to="+4930123456")
    engine.dispose()
    result = ringto("billing", "run", "--month", "2026-10")
    assert result.exit_code == 2
    assert "before issuing anything: no destination rate for forwarding to +4930123456" in result.output
    assert ringto("billing", "invoice", "show", "2026-000001").exit_code == 2
