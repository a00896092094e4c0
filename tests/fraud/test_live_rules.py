"""The live rules on plain events: what must be found, and the look-alikes that must not."""

from __future__ import annotations

import time
import uuid

import pytest

from ringto.config import ConfigError, load
from ringto.fraud.detector import LiveRules, LiveThresholds
from ringto.fraud.events import AuthFailure, CallAttempt, CallEnded, Registration, auth_failed, registered

NUMBER = "+319001234567"
CALLER = "+31612345678"


def ended(at: float, caller: str = CALLER, talk_s: float | None = 0.2) -> CallEnded:
    return CallEnded(at, str(uuid.uuid4()), NUMBER, caller, "192.0.2.10",
                     "answered" if talk_s is not None else "no-answer", talk_s)


def test_burst_of_short_calls_from_one_caller_is_flooding() -> None:
    rules = LiveRules(customer_of=lambda number: 7)
    events = [ended(1000 + n * 0.3) for n in range(5)]
    alerts = [a for e in events for a in rules.handle(e)]
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert.category, alert.subject, alert.number_e164, alert.customer_id) == (
        "call_flooding", CALLER, NUMBER, 7)
    assert list(alert.call_ids) == [e.call_id for e in events]
    assert (alert.first_seen.timestamp(), alert.last_seen.timestamp()) == (events[0].at, events[-1].at)


def test_radio_burst_of_many_different_callers_is_not_flooding() -> None:
    rules = LiveRules()
    alerts = [a for n in range(500) for a in rules.handle(ended(1000 + n * 0.01, f"+316{n:08d}"))]
    assert alerts == []


def test_normal_calls_and_unanswered_ones_are_not_flooding() -> None:
    rules = LiveRules()
    assert [a for n in range(20) for a in rules.handle(ended(1000 + n, talk_s=95.0))] == []
    assert [a for n in range(20) for a in rules.handle(ended(1000 + n * 0.2, talk_s=None))] == []


def test_short_calls_spread_beyond_the_window_are_not_flooding() -> None:
    rules = LiveRules()
    assert [a for n in range(10) for a in rules.handle(ended(1000 + n * 30))] == []


class Collect:
    def __init__(self) -> None:
        self.events = []

    def submit(self, event) -> None:
        self.events.append(event)


def test_password_guessing_from_one_ip_is_pbx_hacking() -> None:
    sink = Collect()
    for n in range(12):
        auth_failed(sink, "203.0.113.9", f"10{n % 3}", "friendly-scanner", at=5000 + n)
    rules = LiveRules()
    alerts = [a for e in sink.events for a in rules.handle(e)]
    assert all(isinstance(e, AuthFailure) for e in sink.events)
    assert {(a.category, a.subject, a.source_ip) for a in alerts} == {
        ("pbx_hacking", "203.0.113.9", "203.0.113.9")}
    assert len(alerts) == 3  # the 10th, 11th and 12th failure


def test_a_few_mistyped_passwords_are_not_hacking() -> None:
    rules = LiveRules()
    alerts = [a for n in range(3) for a in rules.handle(AuthFailure(5000 + n * 20, "198.51.100.4", "201"))]
    assert alerts == []


def test_guessing_one_account_from_many_ips_is_found_per_account() -> None:
    rules = LiveRules()
    alerts = [a for n in range(10) for a in rules.handle(AuthFailure(5000 + n, f"203.0.113.{n}", "200"))]
    assert [(a.category, a.subject) for a in alerts] == [("pbx_hacking", "account 200")]


def test_registration_right_after_guessing_is_critical() -> None:
    sink = Collect()
    rules = LiveRules()
    for n in range(6):
        rules.handle(AuthFailure(5000 + n, "203.0.113.9", "200"))
    registered(sink, "203.0.113.9", "200", at=5007)
    registered(sink, "198.51.100.4", "201", at=5007)
    alerts = [a for e in sink.events for a in rules.handle(e)]
    assert all(isinstance(e, Registration) for e in sink.events)
    assert [(a.subject, a.severity) for a in alerts] == [("203.0.113.9", "critical")]


def test_one_caller_far_above_any_human_rate_is_abnormal_usage() -> None:
    rules = LiveRules(thresholds=LiveThresholds(caller_calls=60))
    machine = [a for n in range(120) for a in rules.handle(
        CallAttempt(1000 + n * 0.5, str(n), NUMBER, CALLER, "192.0.2.1"))]
    assert machine and {(a.category, a.subject) for a in machine} == {("abnormal_usage", CALLER)}
    busy_person = [a for n in range(120) for a in rules.handle(
        CallAttempt(1000 + n * 20, str(n), NUMBER, "+31687654321", "192.0.2.1"))]
    assert busy_person == []


def test_fraud_redis_setting_must_be_a_redis_url() -> None:
    env = {"RINGTO_CONFIG": "/nonexistent.toml"}
    assert load({**env, "RINGTO_FRAUD_REDIS_URL": "redis://127.0.0.1:6379/0"}).fraud_redis_url
    assert load(env).fraud_redis_url == ""
    with pytest.raises(ConfigError, match="RINGTO_FRAUD_REDIS_URL"):
        load({**env, "RINGTO_FRAUD_REDIS_URL": "127.0.0.1:6379"})


def test_a_stuck_detector_drops_events_instead_of_growing_without_bound(monkeypatch) -> None:
    from ringto.fraud import detector as module

    monkeypatch.setattr(module, "MAX_BACKLOG", 10)
    stuck = module.Detector(LiveRules(), on_alerts=lambda alerts: None)  # never started
    for n in range(15):
        stuck.submit(ended(1000 + n))
    assert stuck.dropped == 5


def test_an_ongoing_alert_reaches_its_case_at_once_then_at_most_every_few_seconds() -> None:
    """A caller over the rate limit for thousands of calls: the first alert is delivered
    straight away, the repeats are gathered, and a flush hands over all the evidence."""
    from ringto.fraud.detector import REPEAT_S, Detector

    deliveries: list[list] = []
    detector = Detector(LiveRules(), on_alerts=deliveries.append)
    detector.start()
    try:
        now = time.time()
        attempts = [CallAttempt(now + n * 0.001, f"call-{n}", NUMBER, CALLER, "192.0.2.10")
                    for n in range(400)]
        for attempt in attempts[:100]:
            detector.submit(attempt)
        deadline = time.monotonic() + 2
        while not deliveries and time.monotonic() < deadline:
            time.sleep(0.01)
        for attempt in attempts[100:]:
            detector.submit(attempt)
        time.sleep(0.2)
        assert len(deliveries) == 1, "repeats within REPEAT_S are held, not written each time"
        assert REPEAT_S >= 1
        detector.flush()
    finally:
        detector.close()
    evidence = {c for batch in deliveries for alert in batch for c in alert.call_ids}
    assert len(deliveries) == 2 and {a.category for b in deliveries for a in b} == {"abnormal_usage"}
    over_limit = {a.call_id for a in attempts[LiveThresholds().caller_calls - 1:]}
    assert over_limit <= evidence


def test_alerts_the_database_was_too_busy_for_are_delivered_later() -> None:
    """SQLite answers 'database is locked' when the record writer holds it: the desk
    rolls back, and the detector keeps the alert for the next pass instead of losing it."""
    from sqlalchemy.exc import OperationalError

    from ringto.fraud.detector import Detector

    delivered: list[list] = []

    def busy_once(alerts: list) -> None:
        if not delivered and not getattr(busy_once, "failed", False):
            busy_once.failed = True  # type: ignore[attr-defined]
            raise OperationalError("UPDATE fraud_cases", {}, Exception("database is locked"))
        delivered.append(alerts)

    detector = Detector(LiveRules(), on_alerts=busy_once)
    detector.start()
    try:
        now = time.time()
        for n in range(100):
            detector.submit(CallAttempt(now + n * 0.001, f"call-{n}", NUMBER, CALLER, "192.0.2.10"))
        time.sleep(0.3)
        assert getattr(busy_once, "failed", False) and not delivered
        detector.flush()
    finally:
        detector.close()
    assert [a.category for batch in delivered for a in batch] == ["abnormal_usage"]
    assert "call-60" in delivered[0][0].call_ids  # the evidence of the alert that failed
