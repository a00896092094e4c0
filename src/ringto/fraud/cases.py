"""Alerts become cases: one open case per (category, subject, number), updated by alerts.

An alert is what a rule says (live detector, file scan or a person's report); the case
is what staff work on. A repeated alert widens the case's time span, adds its call ids
as evidence (capped at MAX_EVIDENCE, keeping the first ones: they show how it began)
and raises the severity if the new alert is worse, so a flood yields one case, not
hundreds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import MAX_EVIDENCE, FraudCase

# The eleven categories of issue 5 (seed 004, "Oneigenlijk gebruik"), root cause first,
# and what a person's report is filed under until staff classify it.
CATEGORIES = (
    "billing_mismatch", "pbx_hacking", "call_flooding", "spoofed_identity", "collusion",
    "roaming_abuse", "premium_destination", "prepaid_abuse", "automated_traffic", "long_holding",
    "abnormal_usage",
)
REPORTED = "reported_violation"
SEVERITIES = ("low", "medium", "high", "critical")
STATUSES = ("open", "closed")


@dataclass(frozen=True)
class Alert:
    """One finding. `subject` names who or what (caller, IP, number); times are aware UTC."""

    category: str
    subject: str
    first_seen: datetime
    last_seen: datetime
    severity: str = "medium"
    call_ids: tuple[str, ...] = ()
    number_e164: str | None = None
    customer_id: int | None = None
    caller: str | None = None
    source_ip: str | None = None
    summary: str = ""
    source: str = "detector"
    extra: dict = field(default_factory=dict, compare=False)


def merge(alerts: Sequence[Alert]) -> list[Alert]:
    """Alerts about the same case folded into one, so a batch writes each case once."""
    merged: dict[tuple[str, str, str | None], Alert] = {}
    for alert in alerts:
        key = (alert.category, alert.subject, alert.number_e164)
        seen = merged.get(key)
        if seen is None:
            merged[key] = alert
            continue
        merged[key] = Alert(
            alert.category, alert.subject, min(seen.first_seen, alert.first_seen),
            max(seen.last_seen, alert.last_seen), _worse(seen.severity, alert.severity),
            _evidence(seen.call_ids, alert.call_ids),
            alert.number_e164, seen.customer_id or alert.customer_id, seen.caller or alert.caller,
            seen.source_ip or alert.source_ip, seen.summary or alert.summary, seen.source)
    return list(merged.values())


def _evidence(first: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    """Call ids of both, each once, the first MAX_EVIDENCE only (what a case keeps): an
    attack of thousands of calls must not make every merge slower than the last."""
    if len(first) >= MAX_EVIDENCE:
        return first
    known, fresh = set(first), []
    for call_id in more:
        if call_id not in known:
            known.add(call_id)
            fresh.append(call_id)
    return (first + tuple(fresh))[:MAX_EVIDENCE]


def _worse(a: str, b: str) -> str:
    return max(a, b, key=SEVERITIES.index)


def open_case(session: Session, category: str, subject: str,
              number_e164: str | None) -> FraudCase | None:
    query = select(FraudCase).where(
        FraudCase.category == category, FraudCase.subject == subject, FraudCase.status == "open",
        FraudCase.number_e164.is_(None) if number_e164 is None else FraudCase.number_e164 == number_e164)
    return session.scalars(query.order_by(FraudCase.id.desc()).limit(1)).first()


def record_alert(session: Session, alert: Alert) -> tuple[FraudCase, bool]:
    """Open a case for `alert` or update the open one; (case, whether it is new)."""
    if alert.severity not in SEVERITIES:
        raise ValueError(f"severity {alert.severity!r}: expected one of {', '.join(SEVERITIES)}")
    case = open_case(session, alert.category, alert.subject, alert.number_e164)
    if case is None:
        case = FraudCase(
            category=alert.category, subject=alert.subject, number_e164=alert.number_e164,
            customer_id=alert.customer_id, severity=alert.severity, status="open",
            source=alert.source, first_seen_utc=alert.first_seen, last_seen_utc=alert.last_seen,
            alerts=1, call_ids=list(alert.call_ids[:MAX_EVIDENCE]), summary=alert.summary,
            opened_utc=datetime.now(UTC))
        session.add(case)
        session.flush()
        return case, True
    case.first_seen_utc = min(case.first_seen_utc, alert.first_seen)
    case.last_seen_utc = max(case.last_seen_utc, alert.last_seen)
    case.severity = _worse(case.severity, alert.severity)
    case.alerts += 1
    known = set(case.call_ids)
    room = MAX_EVIDENCE - len(case.call_ids)
    fresh = [c for c in alert.call_ids if c not in known][:max(room, 0)]
    if fresh:
        case.call_ids = [*case.call_ids, *fresh]  # a new list, so the JSON column is marked dirty
    session.flush()
    return case, False


def close_case(session: Session, case_id: int, *, closed_by: str) -> FraudCase:
    case = get_case(session, case_id)
    if case.status != "closed":
        case.status, case.closed_utc, case.closed_by = "closed", datetime.now(UTC), closed_by
        session.flush()
    return case


def get_case(session: Session, case_id: int) -> FraudCase:
    case = session.get(FraudCase, case_id)
    if case is None:
        raise LookupError(f"case {case_id} does not exist")
    return case


def list_cases(session: Session, status: str | None = None, limit: int = 200) -> list[FraudCase]:
    query = select(FraudCase).order_by(FraudCase.last_seen_utc.desc()).limit(limit)
    if status is not None:
        query = query.where(FraudCase.status == status)
    return list(session.scalars(query))
