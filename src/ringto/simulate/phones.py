"""Phone numbers, carriers and cells the simulated callers use.

Only ranges libphonenumber holds valid for any subscriber digits are used (a test
checks it), so normal callers never look spoofed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

NL_MOBILE = ("+3161", "+3162", "+3163", "+3164", "+3165", "+3168")
NL_FIXED = ("+3120", "+3110", "+3130", "+3170", "+3140", "+3150")
FOREIGN_MOBILE = ("+3247", "+49151")
FOREIGN_FIXED = ("+3223", "+4930")
_DIGITS = {"+3161": 7, "+3162": 7, "+3163": 7, "+3164": 7, "+3165": 7, "+3168": 7,
           "+3120": 7, "+3110": 7, "+3130": 7, "+3170": 7, "+3140": 7, "+3150": 7,
           "+3247": 7, "+49151": 8, "+3223": 6, "+4930": 8}


def phone(rng: random.Random, prefixes: tuple[str, ...]) -> str:
    prefix = rng.choice(prefixes)
    return prefix + str(rng.randrange(10 ** _DIGITS[prefix])).zfill(_DIGITS[prefix])


@dataclass(frozen=True, slots=True)
class Carrier:
    """A network whose SBC addresses bring callers to us."""

    name: str
    ips: tuple[str, ...]
    user_agent: str
    mnc: str | None  # mobile network code when it is a Dutch mobile network

    def cell(self, rng: random.Random) -> str:
        """A cell id: MCC 204, MNC, tracking area (4 hex), E-UTRAN cell (7 hex)."""
        return f"204{self.mnc}{rng.randrange(16):04X}{rng.randrange(4000):07X}"


CARRIERS = (
    Carrier("kpn", ("192.0.2.10", "192.0.2.11", "192.0.2.12"), "KPN-SBC/5.1", "08"),
    Carrier("vodafone", ("198.51.100.20", "198.51.100.21"), "VZ-SBC 9.2", "04"),
    Carrier("odido", ("198.51.100.40", "198.51.100.41"), "Odido SBC 3.0", "16"),
    Carrier("fixed", ("203.0.113.30", "203.0.113.31"), "Fixed-IMS 2.4", None),
    Carrier("transit", ("203.0.113.50", "203.0.113.51"), "Intl-Transit GW", None),
)
MOBILE_CARRIERS = CARRIERS[:3]
FIXED_CARRIER = CARRIERS[3]
FOREIGN_CARRIER = CARRIERS[4]
REPORTING_CARRIER = CARRIERS[0]  # the carrier whose records we get in carrier_cdrs.csv


def ani(cell: str) -> str:
    """A P-Access-Network-Info value for a caller on an LTE cell."""
    return f"3GPP-E-UTRAN-FDD; utran-cell-id-3gpp={cell}"


def public_ip(rng: random.Random) -> str:
    """An address outside the carriers' ranges (customers' offices, attackers)."""
    return f"{rng.choice((45, 77, 85, 89, 94, 185, 212))}.{rng.randrange(256)}.{rng.randrange(256)}." \
           f"{rng.randrange(1, 255)}"
