"""pbx_hacking: someone took over a PBX or phone account (seed item 13).

Two signs. Password guessing and scanners: per source IP, many SIP authentication
failures or many different usernames within a short window (Kamailio `pike`'s density
per sampling unit, but over failures, not requests): a phone with a stale password
retries about twice a minute with one username, a guesser tries many times a second or
walks a list of extensions. And a new source suddenly calling expensive destinations:
an account with a history of calls from its own devices places calls to high-risk
ranges from an address it never used. Calls placed from a guessing address are
evidence too. The subject is always the attacking source IP.

The guessing thresholds concern addresses, not numbers, so they are the same for every
type; the per-type rows keep the shape of the other rules.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from ringto.fraud.alert import Alert, calls_alert, severity
from ringto.fraud.destinations import risk_tier
from ringto.fraud.records import AuthFailure, Cdr
from ringto.fraud.traffic import Traffic, dense_indices

CATEGORY = "pbx_hacking"


@dataclass(frozen=True, slots=True)
class Thresholds:
    window_s: float = 600.0
    max_failures: int = 60  # per IP per window: a stale phone makes ~20
    max_usernames: int = 5  # distinct accounts tried per IP per window
    min_history: int = 3  # calls from the account's own devices before a source is "new"
    min_expensive_calls: int = 2  # from the new source to a listed risk tier


DEFAULTS: Mapping[str, Thresholds] = {
    "tollfree": Thresholds(), "local": Thresholds(), "premium": Thresholds(),
}


def guessing_ips(failures: list[AuthFailure], limit: Thresholds) -> dict[str, list[AuthFailure]]:
    """Source IPs whose failures pass either threshold, with their failures."""
    by_ip: dict[str, list[AuthFailure]] = defaultdict(list)
    for failure in failures:
        by_ip[failure.source_ip].append(failure)
    return {ip: seen for ip, seen in by_ip.items() if _guessing(seen, limit)}


def _guessing(failures: list[AuthFailure], limit: Thresholds) -> bool:
    if dense_indices([f.time for f in failures], limit.window_s, limit.max_failures):
        return True
    names: Counter[str] = Counter()
    low = 0
    for failure in failures:
        names[failure.username] += 1
        while failure.time - failures[low].time > limit.window_s:
            names[failures[low].username] -= 1
            if not names[failures[low].username]:
                del names[failures[low].username]
            low += 1
        if len(names) >= limit.max_usernames:
            return True
    return False


def new_sources(outbound: list[Cdr],
                limit_of: Callable[[str], Thresholds]) -> dict[tuple[str, str], list[Cdr]]:
    """(account, IP) pairs where an account's new address calls listed risk tiers."""
    history: Counter[str] = Counter()
    known: dict[str, set[str]] = defaultdict(set)
    suspects: dict[tuple[str, str], list[Cdr]] = defaultdict(list)
    for call in outbound:
        account, ip = call.service_number, call.caller_ip
        pair = (account, ip)
        if pair in suspects:
            suspects[pair].append(call)
        elif ip not in known[account]:
            if history[account] >= limit_of(account).min_history:
                suspects[pair].append(call)
            known[account].add(ip)
        history[account] += 1
    return {
        pair: calls for pair, calls in suspects.items()
        if sum(risk_tier(c.ring_to) is not None for c in calls)
        >= limit_of(pair[0]).min_expensive_calls
    }


def detect(traffic: Traffic, limits: Mapping[str, Thresholds] = DEFAULTS) -> Iterator[Alert]:
    auth_limit = limits["local"]
    attackers = guessing_ips(traffic.auth_failures, auth_limit)
    placed: dict[str, list[Cdr]] = defaultdict(list)
    for call in traffic.calls:
        if call.caller_ip in attackers:
            placed[call.caller_ip].append(call)
    for ip, failures in attackers.items():
        calls = placed.get(ip, [])
        starts = [f.time for f in failures] + [c.start for c in calls]
        yield Alert(CATEGORY, ip, tuple(c.call_id for c in calls), min(starts), max(starts),
                    severity(len(failures), auth_limit.max_failures))
    for (_account, ip), calls in new_sources(
            traffic.outbound, lambda n: limits[traffic.kind(n)]).items():
        if ip not in attackers:
            yield calls_alert(CATEGORY, ip, calls, "critical")
