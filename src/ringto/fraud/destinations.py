"""High-risk international destinations, held as data in risk tiers.

`top`: ranges where one call is already suspicious — satellite and international
networks (+870 Inmarsat, +881 GMSS, +882/+883 international networks, +979
international premium rate) and the ranges most reported for international revenue
share fraud (IRSF): Cuba, Guinea, Sierra Leone, Somalia, Solomon Islands, Cook
Islands, Latvian premium rate (+371 90). `high`: other ranges often named in
operators' IRSF lists, suspicious when called repeatedly. Operators replace or extend
these tables; the rules only ask `risk_tier`.
"""

from __future__ import annotations

TIERS: dict[str, tuple[str, ...]] = {
    "top": ("870", "881", "882", "883", "979", "53", "224", "232", "252", "677", "682",
            "37190"),
    "high": ("216", "220", "222", "225", "231", "235", "236", "239", "240", "241", "243",
             "245", "248", "257", "261", "263", "269", "291", "370", "381", "423", "675",
             "676", "678", "679", "685", "686", "688", "690", "691", "692", "960", "963",
             "967", "992", "993"),
}
_PREFIX_TIER = {prefix: tier for tier, prefixes in TIERS.items() for prefix in prefixes}
_LONGEST = max(len(p) for p in _PREFIX_TIER)


def risk_tier(destination: str) -> str | None:
    """The tier of an E.164 destination by longest matching prefix, None if not listed."""
    if not destination.startswith("+"):
        return None
    digits = destination[1:]
    for size in range(min(_LONGEST, len(digits)), 0, -1):
        tier = _PREFIX_TIER.get(digits[:size])
        if tier is not None:
            return tier
    return None
