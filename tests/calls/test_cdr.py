"""The CDR dataclasses: snapshots, durations and the export form."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta

from ringto.calls.cdr import Attempt, CallRecord, export_row, snapshot, utcnow

T = datetime(2026, 11, 25, 10, 0, 0, 123000, tzinfo=UTC)


def _full_record() -> CallRecord:
    """Every field set to something other than its default."""
    return CallRecord(
        call_id="c", sip_call_id="s", service_number="+318000200000", caller="+31201234567",
        caller_ip="192.0.2.1", caller_port=5062, start=T, answer=T + timedelta(seconds=1),
        end=T + timedelta(seconds=3, milliseconds=5), disposition="answered", sip_code=200,
        ring_to="+31612345678", attempts=[Attempt("+31612345678", T, T, 200, "answered")],
        access_network_info="3GPP-UTRAN", user_agent="ua", steps=["menu", "forward"],
        end_reason="media-timeout",
    )


def test_snapshot_copies_every_field_and_the_attempts() -> None:
    rec = _full_record()
    copy = snapshot(rec)
    blank = CallRecord("", "", "", None, None, None, T - timedelta(days=1))
    for field in fields(CallRecord):
        name = field.name
        assert getattr(copy, name) == getattr(rec, name) != getattr(blank, name), name
    assert copy.attempts is not rec.attempts and copy.attempts[0] is not rec.attempts[0]


def test_duration_and_export_formats() -> None:
    rec = _full_record()
    assert rec.duration_s == 2.005
    row = export_row(rec)
    assert row["start_utc"] == "2026-11-25T10:00:00.123Z" and row["duration_s"] == "2.005"
    rec.caller = None
    assert export_row(rec)["caller"] == ""


def test_utcnow_is_aware_and_whole_milliseconds() -> None:
    now = utcnow()
    assert now.tzinfo is UTC and now.microsecond % 1000 == 0
