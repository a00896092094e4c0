"""`ringto billing run | invoice show | payout ...` against SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from ringto.store.db import make_engine, make_session_factory
from tests.billing.helpers import calls, customer, number, weekday_noons

from .conftest import Invoke


def _scenario(db_url: str) -> None:
    engine = make_engine(db_url)
    with make_session_factory(engine).begin() as s:
        owner = customer(s, "Sofia Tours", country="BG", language="bg")
        number(s, owner, "+318001234567")
        premium = customer(s, "Astro")
        number(s, premium, "+319001234567")
    calls(engine, "+318001234567", weekday_noons(10))
    engine.dispose()


def test_run_show_and_rerun(ringto: Invoke, db_url: str, tmp_path: Path) -> None:
    ringto("db", "upgrade")
    _scenario(db_url)
    first = ringto("billing", "run", "--month", "2026-10")
    assert first.exit_code == 0, first.output
    assert "Billing 2026-10" in first.output
    assert "1 invoice(s) issued (2026-000001 .. 2026-000001)" in first.stdout
    again = ringto("billing", "run", "--month", "2026-10")
    assert "0 invoice(s) issued, 1 customer(s) already invoiced for 2026-10" in again.stdout
    shown = ringto("billing", "invoice", "show", "2026-000001", "--json", "--pdf", str(tmp_path / "f.pdf"))
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert (data["number"], data["month"], data["language"]) == ("2026-000001", "2026-10", "bg")
    assert (data["net"], data["vat_rate"], data["vat"], data["total"]) == ("1.10", "20", "0.22", "1.32")
    assert (tmp_path / "f.pdf").read_bytes().startswith(b"%PDF")
    missing = ringto("billing", "invoice", "show", "2026-000099")
    assert missing.exit_code == 2 and "no invoice numbered 2026-000099" in missing.output
    assert ringto("billing", "run", "--month", "October").exit_code == 2


def test_payout_hold_list_release(ringto: Invoke, db_url: str) -> None:
    ringto("db", "upgrade")
    _scenario(db_url)
    held = ringto(
        "billing",
        "payout",
        "hold",
        "--customer",
        "Astro",
        "--number",
        "0900 123 4567",
        "--by",
        "staff:anna",
        "--reason",
        "chargebacks",
    )
    assert held.exit_code == 0, held.output
    assert "payout hold 1 placed on +319001234567 of Astro" in held.output
    listed = ringto("billing", "payout", "list", "--customer", "Astro")
    assert "+319001234567" in listed.output and "chargebacks" in listed.output
    assert ringto("billing", "payout", "release", "1", "--by", "staff:bob").exit_code == 0
    twice = ringto("billing", "payout", "release", "1", "--by", "staff:bob")
    assert twice.exit_code == 2 and "already released by staff:bob" in twice.output
    assert "chargebacks" not in ringto("billing", "payout", "list", "--customer", "Astro").output
    nobody = ringto("billing", "payout", "hold", "--customer", "Nobody", "--by", "x", "--reason", "y")
    assert nobody.exit_code == 2 and "no customer named 'Nobody'" in nobody.output


def test_a_correction_is_a_credit_note_with_the_next_number(ringto: Invoke, db_url: str) -> None:
    ringto("db", "upgrade")
    _scenario(db_url)
    ringto("billing", "run", "--month", "2026-10")
    before = ringto("billing", "invoice", "show", "2026-000001", "--json").stdout
    credited = ringto("billing", "invoice", "credit", "2026-000001", "--reason", "test calls")
    assert credited.exit_code == 0 and "credit note 2026-000002 issued for 2026-000001" in credited.output
    note = json.loads(ringto("billing", "invoice", "show", "2026-000002", "--json").stdout)
    assert (note["kind"], note["credits"], note["total"]) == ("credit-note", "2026-000001", "-1.32")
    assert ringto("billing", "invoice", "show", "2026-000001", "--json").stdout == before
    again = ringto("billing", "invoice", "credit", "2026-000002", "--reason", "x")
    assert again.exit_code == 2 and "no invoice numbered 2026-000002" in again.output
    twice = ringto("billing", "invoice", "credit", "2026-000001", "--reason", "x")
    assert twice.exit_code == 2 and "already credited in full by 2026-000002" in twice.output
