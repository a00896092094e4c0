"""The numbers service and the engine's directory, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

from ringto.numbers import service
from ringto.numbers.errors import DuplicateNumber, InvalidNumber, InvalidRouting, UnknownNumber
from ringto.numbers.service import NumberDirectory, NumberRoute


def test_add_stores_e164_and_type(sessions) -> None:
    info = service.add_number(sessions, "0800 020 0000", ["020 123 4567", "+31 6 1234 5678"])
    assert info.e164 == "+318000200000" and info.number_type == "toll_free"
    assert info.region == "NL" and info.customer == "default"
    assert info.targets == ("+31201234567", "+31612345678")
    assert service.get_number(sessions, "+318000200000") == info


def test_directory_sees_changes_after_refresh(sessions) -> None:
    directory = NumberDirectory(sessions)
    directory.refresh()
    assert directory.lookup("+318000200000") is None
    service.add_number(sessions, "0800 020 0000", ["0201234567"], strategy="simultaneous",
                       ring_time_s=15, customer="Acme")
    directory.refresh()
    route = directory.lookup("+318000200000")
    assert isinstance(route, NumberRoute)
    assert (route.strategy, route.ring_time_s, route.targets, route.suspended) == (
        "simultaneous", 15.0, ("+31201234567",), False)
    service.suspend(sessions, "08000200000")
    service.update_number(sessions, "08000200000", forward=["0612345678", "0201234567"])
    directory.refresh()
    route = directory.lookup("+318000200000")
    assert route.suspended and route.targets == ("+31612345678", "+31201234567")
    service.remove_number(sessions, "08000200000")
    directory.refresh()
    assert directory.lookup("+318000200000") is None


def test_update_keeps_what_is_not_given(sessions) -> None:
    service.add_number(sessions, "0102000000", ["0201234567"], ring_time_s=30)
    info = service.update_number(sessions, "0102000000", strategy="simultaneous")
    assert info.ring_time_s == 30 and info.targets == ("+31201234567",)
    assert service.unsuspend(sessions, "0102000000").suspended is False


@pytest.mark.parametrize(("number", "forward", "error", "names"), [
    ("0800 12", ["0201234567"], InvalidNumber, "0800 12"),
    ("08000200000", ["bogus"], InvalidNumber, "bogus"),
    ("08000200000", [], InvalidRouting, "+318000200000"),
    ("08000200000", ["08000200000"], InvalidRouting, "loop"),
])
def test_bad_input_names_the_problem(sessions, number, forward, error, names) -> None:
    with pytest.raises(error, match=re.escape(names)):
        service.add_number(sessions, number, forward)


def test_duplicate_and_unknown(sessions) -> None:
    service.add_number(sessions, "08000200000", ["0201234567"])
    with pytest.raises(DuplicateNumber, match=r"\+318000200000"):
        service.add_number(sessions, "+318000200000", ["0201234567"])
    with pytest.raises(UnknownNumber, match=r"\+31102000000"):
        service.remove_number(sessions, "0102000000")
    with pytest.raises(InvalidRouting, match="strategy"):
        service.update_number(sessions, "08000200000", strategy="random")
