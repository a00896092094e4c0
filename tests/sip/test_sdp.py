"""SDP: lossless parse/serialise and the typed views media anchoring uses (RFC 4566)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringto.sip.errors import SipError
from ringto.sip.message import parse_datagram
from ringto.sip.sdp import Connection, RtpMap, SessionDescription

DATA = Path(__file__).parents[1] / "data" / "rfc4475"
OFFER = (
    b"v=0\r\no=alice 2890844526 2890844527 IN IP4 192.0.2.10\r\ns=-\r\n"
    b"c=IN IP4 192.0.2.10\r\nt=0 0\r\na=sendonly\r\ny=unknown kept\r\n"
    b"m=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
    b"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n"
    b"m=video 0/2 RTP/AVP 31\r\nc=IN IP4 192.0.2.11\r\na=inactive\r\n"
)


def test_offer_round_trips_and_reads() -> None:
    sdp = SessionDescription.parse(OFFER)
    assert sdp.serialise() == OFFER and ("y", "unknown kept") in sdp.lines
    assert sdp.origin is not None and sdp.origin.session_version == "2890844527"
    assert sdp.connection == Connection("IN", "IP4", "192.0.2.10")
    audio, video = sdp.media
    assert (audio.port, audio.formats) == (49170, ("0", "8", "101"))
    assert audio.rtpmaps["101"] == RtpMap("101", "telephone-event", 8000)
    assert audio.fmtp == {"101": "0-15"} and ("ptime", "20") in audio.attributes
    assert (video.port, video.port_count) == (0, 2)
    assert sdp.media_direction(0) == "sendonly" and sdp.media_direction(1) == "inactive"


def test_anchoring_rewrites_only_addresses_and_ports() -> None:
    sdp = SessionDescription.parse(OFFER)
    anchored = sdp.with_connection(Connection("IN", "IP4", "203.0.113.5"))
    anchored = type(sdp)(anchored.lines, (anchored.media[0].with_port(30000),) + anchored.media[1:])
    out = anchored.serialise()
    assert b"192.0.2.1" not in out.replace(b"o=alice 2890844526 2890844527 IN IP4 192.0.2.10", b"")
    assert b"m=audio 30000 RTP/AVP 0 8 101\r\n" in out and out.count(b"203.0.113.5") == 2


@pytest.mark.parametrize("name", ["wsinv.dat", "esc01.dat", "sdp01.dat", "inv2543.dat"])
def test_rfc4475_bodies_round_trip(name: str) -> None:
    body = parse_datagram((DATA / name).read_bytes()).body
    assert SessionDescription.parse(body).serialise() == body


@pytest.mark.parametrize("bad", [
    b"", b"o=- 1 1 IN IP4 h\r\n", b"v=0\r\nm =video 3227 RTP/AVP 31\r\n",
    b"v=0\r\nm=audio x RTP/AVP 0\r\n", b"v=0\r\nm=audio 1 RTP/AVP\r\n", b"v=0\r\nX=1\r\n",
])
def test_malformed_sdp_is_a_400(bad: bytes) -> None:
    with pytest.raises(SipError) as caught:
        SessionDescription.parse(bad)
    assert caught.value.status == 400
