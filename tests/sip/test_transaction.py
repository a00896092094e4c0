"""Transactions as state tables: timers are inputs, so these tests never sleep."""

from __future__ import annotations

from ringto.sip.build import make_response, new_branch
from ringto.sip.endpoint import ClientResult, Endpoint, NewRequest, Peer, ServerTimeout, Transmit
from ringto.sip.message import Request, parse_datagram
from ringto.sip.transaction import T1, T2, ClientTransaction, ServerTransaction, State

UDP = Peer("UDP", "127.0.0.1", 5999)
TCP = Peer("TCP", "127.0.0.1", 5999)


def request(method: str = "INVITE", branch: str | None = None) -> Request:
    msg = Request(method=method, uri="sip:+318000200000@127.0.0.1")
    msg.headers = [
        ("Via", f"SIP/2.0/UDP 127.0.0.1:5998;branch={branch or new_branch()}"),
        ("From", "<sip:+31612345678@127.0.0.1>;tag=abc"),
        ("To", "<sip:+318000200000@127.0.0.1>"),
        ("Call-ID", "call-1@test"),
        ("CSeq", f"1 {method}"),
        ("Max-Forwards", "70"),
    ]
    return msg


def sends(outputs: list) -> list[bytes]:
    return [o.data for o in outputs if isinstance(o, Transmit)]


def test_invite_client_retransmits_with_timer_a_doubling_and_times_out_with_b() -> None:
    ep = Endpoint()
    tx, out = ep.send_request(request(), UDP, now=0.0)
    assert len(sends(out)) == 1
    times = []
    now = 0.0
    while (due := ep.next_deadline()) is not None and due < 64 * T1:
        now = due
        if sends(ep.tick(now)):
            times.append(now)
    assert times[:4] == [T1, 3 * T1, 7 * T1, 15 * T1]
    result = ep.tick(64 * T1)
    assert any(isinstance(o, ClientResult) and o.response is None for o in result)
    assert len(ep) == 0


def test_non_invite_client_caps_timer_e_at_t2() -> None:
    tx = ClientTransaction(request("OPTIONS"), reliable=False, now=0.0)
    tx.start()
    intervals = []
    now = 0.0
    for _ in range(6):
        now = tx.deadline()  # type: ignore[assignment]
        tx.on_timer(now)
        intervals.append(tx.interval)
    assert intervals == [2 * T1, 4 * T1, T2, T2, T2, T2]


def test_reliable_transport_never_retransmits() -> None:
    tx = ClientTransaction(request("OPTIONS"), reliable=True, now=0.0)
    tx.start()
    assert tx.retransmit_due is None and tx.deadline() == 64 * T1


def test_invite_client_acks_non_2xx_and_absorbs_retransmissions() -> None:
    req = request()
    tx = ClientTransaction(req, reliable=False, now=0.0)
    tx.start()
    busy = make_response(req, 486, to_tag="x")
    first = tx.on_response(busy, 0.1)
    assert [type(a).__name__ for a in first] == ["Send", "Deliver"]
    assert b"ACK sip:+318000200000@127.0.0.1 SIP/2.0" in first[0].data
    again = tx.on_response(busy, 0.2)
    assert [type(a).__name__ for a in again] == ["Send"]  # ACK again, TU not bothered
    assert tx.state is State.COMPLETED
    tx.on_timer(0.1 + 32.0)
    assert tx.terminated


def test_server_invite_retransmits_final_until_ack() -> None:
    req = request()
    tx = ServerTransaction(req, reliable=False, now=0.0)
    tx.respond(make_response(req, 486, to_tag="t"), 0.0)
    assert tx.on_timer(T1)  # Timer G
    tx.on_ack(1.0)
    assert tx.state is State.CONFIRMED
    tx.on_timer(1.0 + 5.0)
    assert tx.terminated


def test_server_2xx_without_ack_times_out() -> None:
    ep = Endpoint()
    req = request()
    out = ep.on_request(req, UDP, 0.0)
    new = out[0]
    assert isinstance(new, NewRequest) and new.tx is not None
    ep.respond(new.tx, make_response(req, 200, to_tag="t"), 0.0)
    outputs: list = []
    while (due := ep.next_deadline()) is not None:
        outputs += ep.tick(due)
    assert sum(isinstance(o, Transmit) for o in outputs) >= 5  # 2xx retransmitted
    assert any(isinstance(o, ServerTimeout) for o in outputs)


def test_second_ack_for_an_acknowledged_2xx_is_absorbed() -> None:
    """A caller re-ACKs each retransmitted 2xx; ACKs that come after the first must not
    reach a transaction the endpoint has already forgotten."""
    ep = Endpoint()
    req = request()
    new = ep.on_request(req, UDP, 0.0)[0]
    assert isinstance(new, NewRequest) and new.tx is not None
    ep.respond(new.tx, make_response(req, 200, to_tag="t"), 0.0)
    assert ep.acknowledge(new.tx, 0.6) == [] and len(ep) == 0
    assert ep.acknowledge(new.tx, 0.7) == []
    assert ep.respond(new.tx, make_response(req, 200, to_tag="t"), 0.8) == []


def test_request_retransmission_gets_last_response_and_no_new_transaction() -> None:
    ep = Endpoint()
    req = request("OPTIONS")
    new = ep.on_request(req, UDP, 0.0)[0]
    assert isinstance(new, NewRequest) and new.tx is not None
    ep.respond(new.tx, make_response(req, 200, to_tag="t"), 0.0)
    again = ep.on_request(parse_datagram(req.serialise()), UDP, 0.5)
    assert len(sends(again)) == 1 and not any(isinstance(o, NewRequest) for o in again)


def test_tcp_server_transaction_ends_at_once() -> None:
    ep = Endpoint()
    req = request("OPTIONS")
    new = ep.on_request(req, TCP, 0.0)[0]
    assert isinstance(new, NewRequest) and new.tx is not None
    ep.respond(new.tx, make_response(req, 200, to_tag="t"), 0.0)
    assert len(ep) == 0


def test_two_endpoints_complete_an_invite_dialogue_in_process() -> None:
    """A whole INVITE/180/200 exchange between two in-process endpoints, no sockets."""
    alice, bob = Endpoint(), Endpoint()
    invite = request()
    _, out = alice.send_request(invite, UDP, 0.0)
    new = bob.on_request(parse_datagram(sends(out)[0]), UDP, 0.01)[0]
    assert isinstance(new, NewRequest) and new.tx is not None
    got = []
    for status in (180, 200):
        wire = sends(bob.respond(new.tx, make_response(new.request, status, to_tag="b"), 0.02))
        got += alice.on_response(parse_datagram(wire[0]), 0.03)
    statuses = [o.response.status for o in got if isinstance(o, ClientResult) and o.response]
    assert statuses == [180, 200]
