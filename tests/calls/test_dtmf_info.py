"""DTMF in SIP INFO bodies: the two forms devices send, and what is not a digit."""

from __future__ import annotations

import pytest

from ringto.calls.dtmf_info import info_digit
from ringto.sip.message import Request


def _info(content_type: str, body: str) -> Request:
    request = Request(method="INFO", uri="sip:ringto@127.0.0.1", body=body.encode())
    request.headers = [("Content-Type", content_type)]
    return request


@pytest.mark.parametrize(("content_type", "body", "digit"), [
    ("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", "5"),
    ("Application/DTMF-Relay; charset=x", "signal= #\r\n", "#"),
    ("application/dtmf-relay", "Signal=11\r\n", "#"),
    ("application/dtmf-relay", "Signal=10\r\n", "*"),
    ("application/dtmf", "7", "7"),
    ("application/dtmf-relay", "Duration=160\r\n", None),
    ("application/dtmf-relay", "Signal=55\r\n", None),
    ("application/sdp", "v=0\r\n", None),
])
def test_info_digit(content_type: str, body: str, digit: str | None) -> None:
    assert info_digit(_info(content_type, body)) == digit
