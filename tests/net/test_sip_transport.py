"""The SIP shell over real loopback sockets: what it does when it has fallen behind."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time

from ringto.net.sip_transport import SipTransport
from ringto.sip.build import make_response, new_branch
from ringto.sip.endpoint import ClientResult, Output, Peer
from ringto.sip.message import Request, parse_datagram


class Recorder:
    def __init__(self) -> None:
        self.results: list[int] = []

    def on_sip(self, output: Output) -> None:
        if isinstance(output, ClientResult) and output.response is not None:
            self.results.append(output.response.status)

    def admit(self, request: Request, peer: Peer, waited: float) -> bool:
        return True


def invite(port: int) -> Request:
    msg = Request(method="INVITE", uri=f"sip:+31201234567@127.0.0.1:{port}")
    msg.headers = [
        ("Via", f"SIP/2.0/UDP 127.0.0.1:{port};branch={new_branch()};rport"),
        ("Max-Forwards", "70"), ("From", "<sip:ringto@127.0.0.1>;tag=a"),
        ("To", f"<sip:+31201234567@127.0.0.1:{port}>"), ("Call-ID", "behind@test"),
        ("CSeq", "1 INVITE"),
    ]
    return msg


def test_an_answer_waiting_in_the_socket_stops_the_retransmission_it_would_cause() -> None:
    """The loop was busy past Timer A while the phone's 180 sat in our socket: the timer
    run reads it first, so the INVITE is not sent again."""

    async def scenario() -> tuple[list[int], list[bytes]]:
        phone = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        phone.bind(("127.0.0.1", 0))
        phone.settimeout(2)
        transport = SipTransport(asyncio.get_running_loop(), "127.0.0.1", 0)
        recorder = Recorder()
        transport.handler = recorder
        await transport.start()
        ours = ("127.0.0.1", transport.port)
        try:
            transport.send_request(invite(ours[1]), Peer("UDP", "127.0.0.1", phone.getsockname()[1]))
            sent, _ = phone.recvfrom(65535)
            ringing = make_response(parse_datagram(sent), 180, to_tag="p")  # type: ignore[arg-type]
            phone.sendto(ringing.serialise(), ours)
            time.sleep(0.6)  # the loop is blocked past Timer A (500 ms), the 180 unread
            transport._on_timer()  # the timer the loop would run before reading
            phone.setblocking(False)
            again = []
            await asyncio.sleep(0.05)
            with contextlib.suppress(BlockingIOError):
                again.append(phone.recvfrom(65535)[0])
            return recorder.results, again
        finally:
            transport.close()
            phone.close()

    results, again = asyncio.run(scenario())
    assert results == [180]
    assert again == [], "the INVITE was retransmitted although its 180 had arrived"
