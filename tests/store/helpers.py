"""Records built the way the engine builds them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from ringto.calls.cdr import Attempt, CallRecord

T0 = datetime(2026, 11, 25, 10, 0, 0, 123000, tzinfo=UTC)


def started(n: int = 0, start: datetime = T0) -> CallRecord:
    """An in-progress call to the demo toll-free number."""
    return CallRecord(
        call_id=str(uuid.uuid4()), sip_call_id=f"abc{n}@carrier", service_number="+318000200000",
        caller="+31201234567" if n % 2 else None, caller_ip="192.0.2.7", caller_port=5060 + n,
        start=start + timedelta(milliseconds=n),
        user_agent="carrier-sbc/1.0",
        access_network_info='3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=204080001',
    )


def answered(rec: CallRecord, talk_ms: int = 61_457) -> CallRecord:
    """`rec` ended after being answered by the first target on the second attempt."""
    answer = rec.start + timedelta(milliseconds=4_001)
    rec.attempts = [
        Attempt("+31612345678", rec.start + timedelta(milliseconds=1), answer, 486, "busy"),
        Attempt("+31201234567", answer, answer + timedelta(milliseconds=talk_ms), 200, "answered"),
    ]
    rec.answer, rec.end = answer, answer + timedelta(milliseconds=talk_ms)
    rec.disposition, rec.sip_code, rec.ring_to = "answered", 200, "+31201234567"
    return rec
