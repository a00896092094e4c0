"""Invoices as PDF in the customer's language (EN, NL, BG), with fpdf2 and Babel.

Babel formats money and dates the way each locale expects ("€ 1.234,56" in Dutch,
"1234,56 €" in Bulgarian); the few fixed labels are translated here because an invoice
has a dozen of them and a gettext catalogue would add more machinery than text.
Bulgarian needs Cyrillic, so the text is set in DejaVu Sans (Debian fonts-dejavu-core).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency
from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
LOCALES = {"en": "en_IE", "nl": "nl_NL", "bg": "bg_BG"}
LABELS = {
    "en": {
        "invoice": "Invoice",
        "credit-note": "Credit note",
        "customer": "Customer",
        "month": "Period",
        "issued": "Date",
        "net": "Subtotal",
        "vat": "VAT",
        "payouts": "Payouts credited",
        "total": "Total",
        "credits": "Credits invoice",
    },
    "nl": {
        "invoice": "Factuur",
        "credit-note": "Creditnota",
        "customer": "Klant",
        "month": "Periode",
        "issued": "Datum",
        "net": "Subtotaal",
        "vat": "Btw",
        "payouts": "Uitbetalingen verrekend",
        "total": "Totaal",
        "credits": "Crediteert factuur",
    },
    "bg": {
        "invoice": "Фактура",
        "credit-note": "Кредитно известие",
        "customer": "Клиент",
        "month": "Период",
        "issued": "Дата",
        "net": "Междинна сума",
        "vat": "ДДС",
        "payouts": "Изплащания",
        "total": "Общо",
        "credits": "Кредитира фактура",
    },
}


class PdfError(RuntimeError):
    """The PDF cannot be made here (its font is missing); the message says what to install."""


def money(amount: str, language: str) -> str:
    return format_currency(Decimal(amount), "EUR", locale=LOCALES.get(language, "en_IE"))


def render(data: dict[str, Any], customer_name: str) -> bytes:
    """The invoice of `invoice_json` as PDF bytes."""
    language = data["language"] if data["language"] in LABELS else "en"
    label, locale = LABELS[language], LOCALES[language]
    font = FONT_DIR / "DejaVuSans.ttf"
    if not font.exists():
        raise PdfError(f"font {font} is missing: install the Debian package fonts-dejavu-core")
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(font))
    pdf.add_page()
    pdf.set_font("DejaVu", size=16)
    pdf.cell(0, 10, f"{label[data['kind']]} {data['number']}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    issued = format_date(_date(data["issued_utc"]), format="long", locale=locale)
    for key, value in (
        ("customer", customer_name),
        ("month", data["month"]),
        ("issued", issued),
        ("credits", data.get("credits")),
    ):
        if value:
            pdf.cell(0, 6, f"{label[key]}: {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for line in data["lines"]:
        text = " ".join(p for p in (line.get("number"), line["description"], line.get("seconds")) if p)
        pdf.cell(140, 6, text)
        pdf.cell(0, 6, money(line["amount"], language), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for key, amount in (
        ("net", data["net"]),
        ("vat", data["vat"]),
        ("payouts", data["payouts"]),
        ("total", data["total"]),
    ):
        name = f"{label['vat']} {data['vat_rate']} %" if key == "vat" else label[key]
        pdf.cell(140, 6, name)
        pdf.cell(0, 6, money(amount, language), align="R", new_x="LMARGIN", new_y="NEXT")
    if data.get("vat_note"):
        pdf.ln(4)
        pdf.multi_cell(0, 5, data["vat_note"])
    return bytes(pdf.output())


def _date(text: str) -> date:
    return datetime.fromisoformat(text).date()


def write_pdf(data: dict[str, Any], customer_name: str, path: str) -> None:
    Path(path).write_bytes(render(data, customer_name))
