"""Who is calling, as the record stores it and the ring-to phone sees it (F10)."""

from __future__ import annotations

import pytest

from ringto.calls.identity import caller_of
from ringto.sip.message import Request


def invite(from_: str, *extra: tuple[str, str]) -> Request:
    msg = Request(method="INVITE", uri="sip:+318000200000@127.0.0.1")
    msg.headers = [("From", f"{from_};tag=1"), ("To", "<sip:+318000200000@127.0.0.1>"), *extra]
    return msg


@pytest.mark.parametrize(("from_", "expected"), [
    ("<sip:+31612345678@carrier>", "+31612345678"),          # E.164 as sent
    ("<sip:0612345678@carrier>", "+31612345678"),            # national, made E.164
    ("<sip:0031612345678@carrier>", "+31612345678"),         # international prefix
    ("<sip:%2B31612345678@carrier>", "+31612345678"),        # escaped plus
    ("<sip:alice@carrier>", "alice"),                        # not a number: kept as sent
    ("<sip:+31@carrier>", "+31"),                            # too short for E.164: as sent
])
def test_caller_number_is_stored_in_e164_where_it_can_be(from_: str, expected: str) -> None:
    assert caller_of(invite(from_), "NL") == expected


@pytest.mark.parametrize(("from_", "extra"), [
    ("<sip:+31612345678@carrier>", ("Privacy", "id")),
    ("<sip:anonymous@anonymous.invalid>", None),
    ('"Anonymous" <sip:+31612345678@carrier>', None),
    ("<sip:withheld@carrier>", None),
])
def test_hidden_callers_have_no_number(from_: str, extra: tuple[str, str] | None) -> None:
    assert caller_of(invite(from_, *([extra] if extra else [])), "NL") is None


def test_asserted_identity_wins_over_from() -> None:
    request = invite("<sip:+31612345678@carrier>",
                     ("P-Asserted-Identity", "<sip:+31201234567@carrier>"))
    assert caller_of(request, "NL") == "+31201234567"
