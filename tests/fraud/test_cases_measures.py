"""Cases and measures on SQLite and PostgreSQL: alerts open and update cases, policies
apply their measures, the guard refuses what the measures say, and lifting undoes it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from ringto.billing.holds import active_holds
from ringto.fraud.cases import Alert, merge, record_alert
from ringto.fraud.desk import Desk
from ringto.fraud.detector import Detector, LiveRules
from ringto.fraud.events import CallEnded, auth_failed
from ringto.fraud.measures import MeasureError, apply_measure, lift_measure, list_measures
from ringto.fraud.models import FraudCase, FraudMeasure, FraudNotice
from ringto.fraud.verdict import Guard
from ringto.numbers import service
from ringto.numbers.models import ServiceNumber

NUMBER = "+319001234567"
OTHER = "+318000200000"
CALLER = "+31612345678"
T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def numbers(sessions):
    for number in (NUMBER, OTHER):
        service.add_number(sessions, number, ["+31201234567"], customer="acme")
    with sessions() as session, session.begin():
        service.ensure_customer(session, "acme").email = "abuse@acme.example"
    return sessions


def customer_id(sessions) -> int:
    with sessions() as session:
        return service.ensure_customer(session, "acme").id


def flood_alert(call_ids: tuple[str, ...], at: datetime = T0) -> Alert:
    return Alert("call_flooding", CALLER, at, at + timedelta(seconds=2), "high", call_ids, NUMBER,
                 None, CALLER, "192.0.2.10", "5 short calls")


def test_repeated_alerts_update_one_case(numbers) -> None:
    with numbers() as session, session.begin():
        first, new = record_alert(session, flood_alert(("a", "b")))
        again, new_again = record_alert(session, flood_alert(("b", "c"), T0 + timedelta(seconds=30)))
        other, _ = record_alert(session, Alert("call_flooding", CALLER, T0, T0, number_e164=OTHER))
    assert new and not new_again and first.id == again.id != other.id
    assert again.call_ids == ["a", "b", "c"] and again.alerts == 2
    assert again.last_seen_utc == T0 + timedelta(seconds=32)
    merged = merge([flood_alert(("x",)), flood_alert(("y",), T0 - timedelta(seconds=5))])
    assert len(merged) == 1 and merged[0].call_ids == ("x", "y") and merged[0].first_seen < T0


def test_every_measure_applies_logs_and_lifts(numbers) -> None:
    cid = customer_id(numbers)
    with numbers() as session, session.begin():
        applied = {kind: apply_measure(session, kind, applied_by="alice", number=number, caller=caller,
                                       source_ip=ip, customer_id=cust, duration_s=duration)
                   for kind, number, caller, ip, cust, duration in [
                       ("warn", None, None, None, cid, None),
                       ("suspend_number", NUMBER, None, None, None, None),
                       ("hold_payouts", NUMBER, None, None, None, None),
                       ("block_caller", NUMBER, CALLER, None, None, None),
                       ("ban_ip", None, None, "203.0.113.9", None, 3600),
                       ("disconnect_number", OTHER, None, None, None, None),
                       ("end_agreement", None, None, None, cid, None)]}
        twice = apply_measure(session, "block_caller", applied_by="bob", number=NUMBER, caller=CALLER)
        assert twice.id == applied["block_caller"].id
        assert len(active_holds(session, cid)) == 2
        notice = session.query(FraudNotice).one()
        assert notice.to_address == "abuse@acme.example" and notice.sent_utc is None
        assert all(row.suspended for row in session.query(ServiceNumber))
    guard = Guard()
    guard.load(numbers)
    assert guard.verdict(OTHER, "+31687654321", "192.0.2.1").cause == "number suspended"
    assert guard.verdict(NUMBER, CALLER, "203.0.113.9").cause == "source IP banned"

    with numbers() as session, session.begin():
        for kind in ("suspend_number", "hold_payouts", "disconnect_number", "end_agreement"):
            lift_measure(session, applied[kind].id, lifted_by="carol")
        with pytest.raises(MeasureError, match="already lifted by carol"):
            lift_measure(session, applied["hold_payouts"].id, lifted_by="dave")
        assert active_holds(session, cid) == []
        assert not any(row.suspended for row in session.query(ServiceNumber))
        log = {m.kind: (m.applied_by, m.lifted_by) for m in list_measures(session)}
    assert log["end_agreement"] == ("alice", "carol") and log["warn"] == ("alice", None)
    guard.load(numbers)
    assert guard.verdict(OTHER, "+31687654321", "192.0.2.1").action == "allow"
    assert guard.verdict(NUMBER, CALLER, None).sip_code == 603
    assert guard.verdict(OTHER, CALLER, None).action == "allow"  # blocked on NUMBER only


def test_measures_missing_their_subject_are_refused_by_name(numbers) -> None:
    with numbers() as session, session.begin():
        with pytest.raises(MeasureError, match="give the caller"):
            apply_measure(session, "block_caller", applied_by="alice", number=NUMBER)
        with pytest.raises(MeasureError, match="not a configured service number"):
            apply_measure(session, "suspend_number", applied_by="alice", number="+31101234567")
        with pytest.raises(MeasureError, match="expected one of"):
            apply_measure(session, "shout", applied_by="alice")


def test_expired_ban_no_longer_refuses(numbers) -> None:
    with numbers() as session, session.begin():
        apply_measure(session, "ban_ip", applied_by="alice", source_ip="203.0.113.9", duration_s=0.5)
    guard = Guard()
    guard.load(numbers)
    assert guard.verdict(NUMBER, None, "203.0.113.9").rejects
    time.sleep(0.6)
    assert not guard.verdict(NUMBER, None, "203.0.113.9").rejects


def test_auth_failures_flow_to_a_pbx_hacking_case_and_an_ip_ban(numbers) -> None:
    """The registrar's future entry point: auth_failed(detector, ...) -> case -> ban."""
    guard = Guard()
    detector = Detector(LiveRules(), Desk(numbers, guard))
    detector.start()
    try:
        now = time.time()
        for n in range(12):
            auth_failed(detector, "203.0.113.9", f"10{n % 4}", "friendly-scanner", at=now + n * 0.1)
        detector.flush()
    finally:
        detector.close()
    assert guard.verdict(NUMBER, CALLER, "203.0.113.9").cause == "source IP banned"
    with numbers() as session:
        cases = session.query(FraudCase).all()
        assert [(c.category, c.subject, c.alerts) for c in cases] == [("pbx_hacking", "203.0.113.9", 1)]
        (ban,) = list_measures(session, only_active=True)
    assert (ban.kind, ban.source_ip, ban.applied_by) == ("ban_ip", "203.0.113.9", "policy:pbx_hacking")
    assert timedelta(minutes=59) < ban.expires_utc - ban.applied_utc <= timedelta(hours=1)


def test_flood_events_open_a_case_block_and_hold(numbers) -> None:
    guard = Guard()
    detector = Detector(LiveRules(customer_of=lambda number: customer_id(numbers)), Desk(numbers, guard))
    guard.sink = detector
    detector.start()
    try:
        now = time.time()
        for n in range(8):
            detector.submit(CallEnded(now + n * 0.3, f"call-{n}", NUMBER, CALLER, "192.0.2.10",
                                      "answered", 0.2))
        detector.flush()
    finally:
        detector.close()
    assert guard.verdict(NUMBER, CALLER, "192.0.2.10").sip_code == 603
    with numbers() as session:
        (case,) = session.query(FraudCase).all()
        assert case.call_ids == [f"call-{n}" for n in range(8)]
        assert {m.kind for m in list_measures(session, case_id=case.id)} == {"block_caller", "hold_payouts"}
        assert [h.number_e164 for h in active_holds(session, case.customer_id)] == [NUMBER]


def test_a_reload_that_raced_the_measure_does_not_undo_it(numbers) -> None:
    """A measure put in force by this node survives a reload that began before its commit."""
    guard = Guard()
    not_yet_committed = FraudMeasure(kind="block_caller", caller=CALLER, applied_by="policy:x",
                                     applied_utc=datetime.now(UTC), details={})
    guard.put_in_force([not_yet_committed])
    guard.load(numbers)
    assert guard.verdict(NUMBER, CALLER, None).sip_code == 603
    not_yet_committed.lifted_utc = datetime.now(UTC)
    guard.load(numbers)
    assert not guard.verdict(NUMBER, CALLER, None).rejects


def test_a_case_without_automatic_measures_waits_for_staff_and_watches_the_caller(numbers) -> None:
    guard = Guard()
    Desk(numbers, guard)([Alert("abnormal_usage", CALLER, T0, T0, "medium", ("c1",), NUMBER,
                                None, CALLER, "192.0.2.10", "far above the number's baseline")])
    verdict = guard.verdict(NUMBER, CALLER, "192.0.2.10")
    assert (verdict.action, verdict.rejects) == ("watch", False)
    with numbers() as session:
        assert list_measures(session) == []
        assert [c.category for c in session.query(FraudCase)] == ["abnormal_usage"]
