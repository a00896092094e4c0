"""Overload against a running server: INVITEs that queued too long are refused with 503.

The server is frozen with SIGSTOP while an INVITE waits in its socket, as a server that
has fallen behind would leave it there. Half a second is past the 300 ms limit, yet too
short for the smoothed loop lag alone to cross its 200 ms: only the INVITE's own time in the
socket says it is late.
"""

from __future__ import annotations

import os
import signal
import socket
import time
import uuid

from .server import Ringto, code_of, status_code
from .sipp import HOST, SERVICE_NUMBER

STOPPED_S = 0.5


def invite(ringto: Ringto, local: int, call_id: str) -> bytes:
    return (
        f"INVITE sip:{SERVICE_NUMBER}@{HOST}:{ringto.sip_port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {HOST}:{local};branch=z9hG4bK{uuid.uuid4().hex[:16]};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:+31301234567@{HOST}:{local}>;tag={uuid.uuid4().hex[:8]}\r\n"
        f"To: <sip:{SERVICE_NUMBER}@{HOST}:{ringto.sip_port}>\r\n"
        f"Call-ID: {call_id}\r\nCSeq: 1 INVITE\r\n"
        f"Contact: <sip:+31301234567@{HOST}:{local}>\r\n"
        "Content-Length: 0\r\n\r\n").encode()


def first_answer(sock: socket.socket, call_id: str) -> bytes:
    """The first response ringto sends for `call_id` (skipping other calls' datagrams)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        data = sock.recv(65535)
        if f"Call-ID: {call_id}".encode() in data:
            return data
    raise AssertionError(f"no answer for {call_id}")


def test_an_invite_that_waited_past_the_limit_gets_503_and_the_next_one_is_taken(
        make_ringto) -> None:
    ringto = make_ringto(ring_time=1)
    assert ringto.process is not None
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as carrier:
        carrier.bind((HOST, 0))
        carrier.settimeout(5)
        local = carrier.getsockname()[1]
        target = (HOST, ringto.sip_port)

        os.kill(ringto.process.pid, signal.SIGSTOP)
        try:
            carrier.sendto(invite(ringto, local, "late@carrier"), target)
            time.sleep(STOPPED_S)
        finally:
            os.kill(ringto.process.pid, signal.SIGCONT)
        late = first_answer(carrier, "late@carrier")
        assert status_code(late) == 503, late
        assert b"\r\nRetry-After: " in late, late

        carrier.sendto(invite(ringto, local, "prompt@carrier"), target)
        prompt = first_answer(carrier, "prompt@carrier")
        assert status_code(prompt) == 100, prompt

    # Refused before the number was looked up, the late INVITE is counted, not recorded;
    # the prompt one is a call (nobody answers on the trunk: 1 s per target).
    (record,) = ringto.wait_calls(lambda records: any(r["end_utc"] for r in records),
                                  timeout=10)
    assert record["disposition"] == "no-answer", record
    assert code_of(record["sip_code"]) == 480, record
