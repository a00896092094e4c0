"""VAT by the customer's country (F15).

NL customers pay 21 %, BG customers 20 %. An EU business customer outside the
Netherlands with a VAT number gets the reverse charge (0 %, with the legal note).
Anyone else is charged Dutch VAT, the supplier's country, as a safe default; see
docs/billing.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

RATES = {"NL": Decimal("21"), "BG": Decimal("20")}
HOME = "NL"
EU = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)
REVERSE_CHARGE_NOTE = "VAT reverse charged: Article 196 of Council Directive 2006/112/EC"


@dataclass(frozen=True)
class VatTreatment:
    rate: Decimal  # percent
    note: str | None


def vat_for(country: str, is_business: bool, vat_number: str | None) -> VatTreatment:
    if country != HOME and country in EU and is_business and vat_number:
        return VatTreatment(Decimal("0"), REVERSE_CHARGE_NOTE)
    return VatTreatment(RATES.get(country, RATES[HOME]), None)
