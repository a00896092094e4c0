"""The scanner's view of a batch of records: sorted, split by direction, indexed once.

Every rule needs the same groupings (inbound calls per service number, outbound calls,
the carriers' border addresses), so they are built here once instead of eleven times.

Carrier border addresses (SBCs) are not configured but inferred: a border brings calls
from many different callers to several of our numbers, while a customer's phone
system presents its own few numbers and a spoofing box targets one or two numbers. An
address in the same /24 as a border is taken for the same carrier's twin SBC, since a
quiet one may carry too few numbers to show on its own.
A call is *outbound* (placed from a phone account) when it does not come from a border
and presents the account's own number as the caller.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata, PhoneNumber, PhoneNumberType

from .records import AuthFailure, Cdr, HeldNumber, rule_type

DOMESTIC_COUNTRY_CODE = "31"
DOMESTIC_MCC = "204"  # the Netherlands' mobile country code (ITU-T E.212)
BORDER_MIN_NUMBERS = 3
BORDER_MIN_CALLERS_PER_NUMBER = 3
_TYPE_OF = {PhoneNumberType.TOLL_FREE: "tollfree", PhoneNumberType.PREMIUM_RATE: "premium"}


@dataclass
class Traffic:
    """Everything a rule may read; build it with `Traffic.of(...)`."""

    calls: list[Cdr]
    inbound: dict[str, list[Cdr]]
    outbound: list[Cdr]
    borders: frozenset[str]
    direct: list[Cdr]  # inbound calls with a caller number that did not come through a border
    auth_failures: list[AuthFailure] = field(default_factory=list)
    carrier: list[Cdr] | None = None
    numbers: dict[str, HeldNumber] = field(default_factory=dict)
    _callers: dict[str, Counter[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, calls: Iterable[Cdr], auth_failures: Iterable[AuthFailure] = (),
           carrier: Iterable[Cdr] | None = None, numbers: Iterable[HeldNumber] = ()) -> Traffic:
        ordered = sorted(calls, key=_by_time)
        borders = infer_borders(ordered)
        inbound: dict[str, list[Cdr]] = defaultdict(list)
        outbound, direct = [], []
        for call in ordered:
            if call.caller_ip in borders:
                inbound[call.service_number].append(call)
            elif call.caller == call.service_number:
                outbound.append(call)
            else:
                inbound[call.service_number].append(call)
                if call.caller and call.caller_ip:
                    direct.append(call)
        return cls(
            ordered, dict(inbound), outbound, borders, direct,
            sorted(auth_failures, key=lambda f: (f.time, f.source_ip, f.username)),
            None if carrier is None else sorted(carrier, key=_by_time),
            {n.number: n for n in numbers},
        )

    def callers_of(self, number: str) -> Counter[str]:
        """Inbound calls per caller ('' for hidden) on one number, counted once for all rules."""
        counts = self._callers.get(number)
        if counts is None:
            counts = self._callers[number] = Counter(map(CALLER, self.inbound[number]))
        return counts

    def kind(self, number: str) -> str:
        """tollfree, local or premium: from the numbers file, else from libphonenumber."""
        held = self.numbers.get(number)
        return rule_type(held.type) if held else _kind_from_plan(number)


_by_time = attrgetter("start", "call_id")
CALLER = attrgetter("caller")  # map(CALLER, calls) runs in C where a generator would not


def infer_borders(calls: list[Cdr]) -> frozenset[str]:
    """Source addresses that look like a carrier's SBC (see the module docstring)."""
    numbers: dict[str, set[str]] = defaultdict(set)
    callers: dict[str, set[str]] = defaultdict(set)
    for call in calls:
        numbers[call.caller_ip].add(call.service_number)
        callers[call.caller_ip].add(call.caller)
    borders = {
        ip for ip, served in numbers.items()
        if len(served) >= BORDER_MIN_NUMBERS
        and len(callers[ip]) >= BORDER_MIN_CALLERS_PER_NUMBER * len(served)
    }
    subnets = {_subnet(ip) for ip in borders}
    return frozenset(borders | {ip for ip in numbers if ip and _subnet(ip) in subnets})


def _subnet(ip: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) of an address: carriers put their SBCs side by side."""
    if ":" in ip:
        return ":".join(ip.split(":")[:4])
    return ip.rsplit(".", 1)[0]


@lru_cache(maxsize=4096)
def _kind_from_plan(number: str) -> str:
    parsed = parse_e164(number)
    if parsed is None:
        return "local"
    return _TYPE_OF.get(phonenumbers.number_type(parsed), "local")


def parse_e164(text: str) -> PhoneNumber | None:
    """A '+CC…' string as libphonenumber's value, None when it cannot be one.

    Built from the country-code table instead of `phonenumbers.parse`, which is five
    times slower and runs here once per distinct caller; numbers whose national part
    starts with 0 (Italy) still go through `parse`, which knows that rule.
    """
    digits = text[1:]
    if not text.startswith("+") or not digits.isdigit() or not 7 <= len(digits) <= 15:
        return None
    for size in (1, 2, 3):
        if int(digits[:size]) in COUNTRY_CODE_TO_REGION_CODE:
            national = digits[size:]
            if national.startswith("0"):
                try:
                    return phonenumbers.parse(text)
                except phonenumbers.NumberParseException:
                    return None
            return PhoneNumber(country_code=int(digits[:size]), national_number=int(national))
    return None


def valid_caller(caller: str) -> bool:
    """True when libphonenumber's data holds `caller` (E.164) as a valid, allocated number.

    Equivalent to `phonenumbers.is_valid_number` for E.164 input, but matched against
    one compiled pattern per country code (the union of the library's number-type
    patterns for every region sharing the code): 0.3 µs instead of 9 µs, and a scan meets
    a new caller on most calls. It is stricter in one way: an E.164 string that still
    carries a national prefix (+7 8…) is not valid. A test compares the two.
    """
    return _matches(caller, _VALID, _TYPE_DESCS)


def foreign_mobile(caller: str) -> bool:
    """A valid mobile number of another country than ours (same pattern matching)."""
    return not caller.startswith("+" + DOMESTIC_COUNTRY_CODE) and _matches(caller, _MOBILE, ("mobile",))


_TYPE_DESCS = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "personal_number",
               "voip", "pager", "uan", "voicemail")
_UNSEEN = re.compile("(?!)")
_VALID: dict[str, re.Pattern[str] | None] = {}
_MOBILE: dict[str, re.Pattern[str] | None] = {}


def _matches(caller: str, memo: dict[str, re.Pattern[str] | None], descs: tuple[str, ...]) -> bool:
    digits = caller[1:]
    if caller[:1] != "+" or not digits.isdigit():
        return False
    for size in (2, 1, 3):  # country codes are prefix-free, so any order finds the one
        code = digits[:size]
        pattern = memo.get(code, _UNSEEN)
        if pattern is _UNSEEN:
            pattern = memo[code] = _type_pattern(code, descs)
        if pattern is not None:
            return pattern.fullmatch(digits[size:]) is not None
    return False


def _type_pattern(code: str, descs: tuple[str, ...]) -> re.Pattern[str] | None:
    """The union of a country code's patterns for `descs`, None if `code` is not one."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(int(code))
    if not regions or code.startswith("0"):
        return None
    parts = []
    for region in regions:
        metadata = (PhoneMetadata.metadata_for_nongeo_region(int(code)) if region == "001"
                    else PhoneMetadata.metadata_for_region(region))
        for name in descs:
            desc = getattr(metadata, name, None) if metadata else None
            if desc is not None and desc.national_number_pattern:
                parts.append(f"(?:{desc.national_number_pattern})")
    return re.compile("|".join(parts) or "(?!)")


def cell_of(access_network_info: str) -> str:
    """The cell id from a P-Access-Network-Info value (3GPP TS 24.229), '' when none."""
    at = access_network_info.find("cell-id-3gpp=")
    if at < 0:
        return ""
    value = access_network_info[at + 13:]
    end = value.find(";")
    return (value if end < 0 else value[:end]).strip()


def dense_indices(times: list[float], window: float, min_count: int) -> list[int]:
    """Indices of the sorted `times` that lie in some `window` holding ≥ `min_count` of them.

    The sliding-window count of OpenSIPS `fraud_detection` and Kamailio `pike`, done
    over a sorted list with two pointers instead of per-second buckets.
    """
    hits: list[int] = []
    low = 0
    marked = -1
    for high, moment in enumerate(times):
        while moment - times[low] > window:
            low += 1
        if high - low + 1 >= min_count:
            hits.extend(range(max(low, marked + 1), high + 1))
            marked = high
    return hits


def group(calls: Iterable[Cdr], key) -> dict:
    """Calls grouped by `key(call)`, order kept."""
    groups: dict = defaultdict(list)
    for call in calls:
        groups[key(call)].append(call)
    return groups
