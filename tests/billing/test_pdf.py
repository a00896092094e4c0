"""Invoice PDFs in the customer's language, money and dates formatted by Babel."""

from __future__ import annotations

import pytest

from ringto.billing.pdf import money, render

INVOICE = {
    "number": "2026-000007",
    "kind": "invoice",
    "credits": None,
    "customer_id": 1,
    "month": "2026-10",
    "issued_utc": "2026-11-03T09:00:00Z",
    "language": "en",
    "net": "1234.50",
    "vat_rate": "0",
    "vat": "0.00",
    "vat_note": "VAT reverse charged: Article 196 of Council Directive 2006/112/EC",
    "payouts": "13.90",
    "total": "1220.60",
    "lines": [
        {
            "section": "traffic",
            "description": "day traffic",
            "amount": "1234.50",
            "number": "+318001234567",
            "seconds": "600.000",
        }
    ],
}


def test_money_is_written_the_way_each_language_writes_it() -> None:
    assert money("1234.50", "en") == "€1,234.50"
    assert money("1234.50", "nl") == "€\xa01.234,50"
    assert money("1234.50", "bg") == "1\xa0234,50\xa0€"


@pytest.mark.parametrize("language", ["en", "nl", "bg", "fr"])
def test_every_language_renders_a_pdf(language: str) -> None:
    pdf = render({**INVOICE, "language": language}, "Пловдив ООД")  # Cyrillic needs the DejaVu font
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert b"DejaVu" in pdf
