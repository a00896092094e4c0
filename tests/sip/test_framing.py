"""StreamFramer: Content-Length framing on TCP/TLS, keep-alives, limits (RFC 3261 §18.3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringto.sip.framing import FramingError, StreamFramer
from ringto.sip.message import Request
from ringto.sip.sanity import error_response

DATA = Path(__file__).parents[1] / "data" / "rfc4475"
OPTIONS = (
    b"OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h.example.com;branch=z9hG4bK1\r\n"
    b"From: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: c1\r\n"
    b"CSeq: 1 OPTIONS\r\nContent-Length: 5\r\n\r\nhello"
)


def test_messages_split_anywhere_come_out_whole() -> None:
    stream = b"\r\n\r\n" + OPTIONS + OPTIONS
    for cut in range(len(stream)):
        framer = StreamFramer()
        got = framer.feed(stream[:cut]) + framer.feed(stream[cut:])
        assert [m.body for m in got] == [b"hello", b"hello"]
        assert framer.pings == 1 and isinstance(got[0], Request)


def test_byte_by_byte() -> None:
    framer = StreamFramer()
    got = [m for byte in OPTIONS * 2 for m in framer.feed(bytes([byte]))]
    assert len(got) == 2


def test_stray_crlf_before_a_message_is_ignored() -> None:
    assert len(StreamFramer().feed(b"\r\n" + OPTIONS)) == 1


@pytest.mark.parametrize("name", ["ncl.dat", "mcl01.dat", "inv2543.dat"])
def test_untrustworthy_length_closes_the_stream(name: str) -> None:
    framer = StreamFramer()
    with pytest.raises(FramingError) as caught:
        framer.feed(OPTIONS + (DATA / name).read_bytes())
    err = caught.value
    assert err.status == 400 and err.fatal and framer.closed
    assert len(err.messages) == 1  # the message before it is still delivered
    assert error_response(err.data, err) is not None
    with pytest.raises(FramingError):
        framer.feed(OPTIONS)


def test_clerr_waits_for_the_rest_of_its_body() -> None:
    assert StreamFramer().feed((DATA / "clerr.dat").read_bytes()) == []


def test_unparseable_but_framed_message_spares_the_stream() -> None:
    framer = StreamFramer()
    bad = (DATA / "badvers.dat").read_bytes()
    with pytest.raises(FramingError) as caught:
        framer.feed(bad + OPTIONS)
    assert caught.value.status == 505 and not caught.value.fatal
    assert len(framer.feed(b"")) == 1


def test_head_and_body_are_capped() -> None:
    with pytest.raises(FramingError) as caught:
        StreamFramer(max_head=100).feed(b"OPTIONS sip:a@b SIP/2.0\r\nX: " + b"y" * 200)
    assert caught.value.status == 513 and caught.value.fatal
    with pytest.raises(FramingError) as caught:
        StreamFramer(max_body=4).feed(OPTIONS)
    assert caught.value.status == 513
