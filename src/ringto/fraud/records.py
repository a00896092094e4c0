"""The parsed inputs every rule reads: call records, authentication failures, held numbers.

Times are float seconds since the epoch (UTC): the rules compare and subtract times
millions of times per scan, and floats do that far faster than aware datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Cdr:
    """One call as `ringto calls export --csv` writes it (or a carrier's record of it)."""

    call_id: str
    service_number: str
    caller: str
    caller_ip: str
    start: float
    answered: bool
    duration: float
    disposition: str
    ring_to: str
    access_network_info: str
    user_agent: str


@dataclass(slots=True, frozen=True)
class AuthFailure:
    """A SIP authentication failure (a REGISTER or INVITE with a wrong password)."""

    time: float
    source_ip: str
    username: str
    user_agent: str


@dataclass(slots=True, frozen=True)
class HeldNumber:
    """A number held by a customer, with the holder's own phones (for `collusion`)."""

    number: str
    customer_id: str
    type: str
    holder_phones: frozenset[str] = field(default_factory=frozenset)


NUMBER_TYPES = ("tollfree", "local", "national", "premium")


def rule_type(number_type: str) -> str:
    """The threshold column a number type uses: national numbers behave like local ones."""
    return "local" if number_type == "national" else number_type
