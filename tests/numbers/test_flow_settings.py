"""Per-number flow, recording, voicemail and language settings, as stored and as the engine sees them."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text

from ringto.flows import Forward, Menu, Record, Voicemail
from ringto.flows.parse import FlowError
from ringto.numbers import call_flow, service
from ringto.numbers.errors import InvalidRouting
from ringto.numbers.service import NumberDirectory, NumberOptions
from ringto.store.db import make_engine
from ringto.store.migrate import upgrade

MENU = {"menu": {"choices": {"1": {"forward": {"targets": ["+31201234567"]}}, "2": {"voicemail": {}}}}}


def test_new_numbers_get_their_country_defaults(sessions) -> None:  # noqa: ANN001
    nl = service.add_number(sessions, "0800 020 0000", ["020 123 4567"])
    bg = service.add_number(sessions, "+359 2 492 8571", ["+31 20 123 4567"])
    us = service.add_number(sessions, "+1 212 555 1234", ["+31 20 123 4567"])
    assert (nl.language, nl.timezone, nl.record, nl.retention_days, nl.flow) == (
        "nl", "Europe/Amsterdam", False, 30, "forward")
    assert (bg.language, bg.timezone) == ("bg", "Europe/Sofia")
    assert (us.language, us.timezone) == ("en", "America/New_York")


def test_directory_routes_carry_flow_and_settings(sessions) -> None:  # noqa: ANN001
    service.add_number(sessions, "0800 020 0000", ["020 123 4567"], options=NumberOptions(
        record=True, retention_days=7, voicemail_email="owner@example.nl", language="en"))
    directory = NumberDirectory(sessions)
    directory.refresh()
    route = directory.lookup("+318000200000")
    assert route is not None
    assert route.flow == Record(Forward(("+31201234567",)))
    assert (route.record, route.retention_days, route.voicemail_email, route.language, route.timezone) == (
        True, 7, "owner@example.nl", "en", "Europe/Amsterdam")
    call_flow.set_flow(sessions, "+318000200000", MENU)
    service.update_number(sessions, "+318000200000", options=NumberOptions(record=False))
    directory.refresh()
    route = directory.lookup("+318000200000")
    assert route is not None and isinstance(route.flow, Menu)
    assert route.flow.choices == {"1": Forward(("+31201234567",)), "2": Voicemail()}
    call_flow.reset_flow(sessions, "+318000200000")
    directory.refresh()
    assert directory.lookup("+318000200000").flow == Forward(("+31201234567",))


def test_voicemail_needs_an_address_and_falls_back_to_the_customer(sessions) -> None:  # noqa: ANN001
    service.add_number(sessions, "0800 020 0000", ["020 123 4567"], customer="Acme")
    with pytest.raises(FlowError, match="no address to mail messages to"):
        call_flow.set_flow(sessions, "+318000200000", MENU)
    with sessions() as session, session.begin():
        service.ensure_customer(session, "Acme").email = "acme@example.nl"
    call_flow.set_flow(sessions, "+318000200000", MENU)
    directory = NumberDirectory(sessions)
    directory.refresh()
    assert directory.lookup("+318000200000").voicemail_email == "acme@example.nl"
    assert call_flow.flow_json(sessions, "+318000200000") == (MENU, False)


def test_bad_settings_are_refused_by_name(sessions) -> None:  # noqa: ANN001
    service.add_number(sessions, "0800 020 0000", ["020 123 4567"])
    for options, message in ((NumberOptions(retention_days=-1), "retention -1 days"),
                             (NumberOptions(language="de"), "language 'de'"),
                             (NumberOptions(voicemail_email="a@"), "voicemail email 'a@'")):
        with pytest.raises(InvalidRouting, match=message):
            service.update_number(sessions, "+318000200000", options=options)
    with pytest.raises(FlowError, match="targets.0: forwarding a number to itself"):
        call_flow.set_flow(sessions, "+318000200000", {"forward": {"targets": ["+318000200000"]}})


def test_migration_gives_existing_numbers_their_locale(db_url: str) -> None:
    upgrade(db_url, "0001")
    engine = make_engine(db_url)
    now = datetime(2026, 11, 1)  # raw SQL: naive, read as UTC by both databases
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO customers (id, name, language, created) VALUES (1, 'x', 'en', :t)"), {"t": now})
        connection.execute(text(
            "INSERT INTO service_numbers (e164, customer_id, region, number_type, strategy, ring_time_s,"
            " suspended, created, updated) VALUES ('+35924928571', 1, 'BG', 'fixed_line', 'sequential', 20,"
            " false, :t, :t)"), {"t": now})
    upgrade(db_url)
    with engine.connect() as connection:
        row = connection.execute(text(
            "SELECT flow, record, retention_days, voicemail_email, language, timezone FROM service_numbers"
        )).one()
    assert tuple(row) == (None, False, 30, None, "bg", "Europe/Sofia")
    engine.dispose()
