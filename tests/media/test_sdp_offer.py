"""Anchored offer/answer: codec choice, 488 cases, and SDP that names only ringto."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringto.media.sdp_offer import AudioChoice, answer_to_caller, choose, needs_transcoding, offer_to_callee
from ringto.sip.sdp import SessionDescription

HIDDEN = "+31301234567"
OFFER = (
    f"v=0\r\no={HIDDEN} 2890844526 2890844527 IN IP4 192.0.2.10\r\ns=Alice {HIDDEN}\r\n"
    f"e=alice@example.com\r\np={HIDDEN}\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\ny=unknown kept\r\n"
    "m=audio 49170 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=rtcp:49171\r\n"
    "a=candidate:1 1 UDP 2130706431 192.0.2.10 49170 typ host\r\n"
    "m=video 51372 RTP/AVP 31\r\nc=IN IP4 192.0.2.11\r\n"
).encode()
PCMA_ONLY_ANSWER = (
    b"v=0\r\no=bob 1 1 IN IP4 198.51.100.5\r\ns=-\r\nt=0 0\r\na=recvonly\r\n"
    b"m=audio 30000 RTP/AVP 8\r\nc=IN IP4 198.51.100.5\r\n"
    b"m=video 0 RTP/AVP 31\r\n"
)


def sdp(text: str) -> SessionDescription:
    return SessionDescription.parse(text.encode())


def test_pcmu_caller_to_pcma_callee_is_transcoded() -> None:
    offer = SessionDescription.parse(OFFER)
    caller = choose(offer)
    assert caller == AudioChoice(0, "PCMU", 0, 101, "192.0.2.10", 49170)
    to_callee = offer_to_callee(offer, caller, "127.0.0.1", 20000, 7, 1)
    audio = to_callee.media[0]
    assert (audio.port, audio.formats) == (20000, ("0", "8", "101"))
    assert audio.rtpmaps["8"].encoding == "PCMA" and audio.fmtp["101"] == "0-15"
    callee = choose(SessionDescription.parse(PCMA_ONLY_ANSWER))
    assert callee == AudioChoice(0, "PCMA", 8, None, "198.51.100.5", 30000)
    assert needs_transcoding(caller, callee)
    to_caller = answer_to_caller(SessionDescription.parse(PCMA_ONLY_ANSWER), caller, "127.0.0.1", 20002, 7, 2)
    assert to_caller.media[0].formats == ("0", "101") and to_caller.media[0].port == 20002
    assert to_caller.media_direction(0) == "recvonly"  # the callee's direction reaches the caller
    assert [m.port for m in to_caller.media] == [20002, 0]


def test_anchored_sdp_names_only_ringto() -> None:
    offer = SessionDescription.parse(OFFER)
    out = offer_to_callee(offer, choose(offer), "127.0.0.1", 20000, 7, 1)
    text = out.serialise().decode()
    for leaked in (HIDDEN, "192.0.2.10", "192.0.2.11", "alice", "49170", "49171", "candidate"):
        assert leaked not in text
    assert str(out.origin) == "ringto 7 1 IN IP4 127.0.0.1"
    assert ("y", "unknown kept") in out.lines and out.media[1].port == 0
    assert SessionDescription.parse(out.serialise()) == out  # still valid SDP


@pytest.mark.parametrize("m_line", [
    "m=audio 4000 RTP/AVP 18 3", "m=audio 4000 RTP/SAVP 0", "m=audio 0 RTP/AVP 0",
    "m=video 4000 RTP/AVP 0", "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2",
])
def test_no_supported_codec_means_488(m_line: str) -> None:
    assert choose(sdp(f"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\n{m_line}\r\n")) is None


def test_dynamic_payload_and_preference() -> None:
    offer = sdp("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 96 97 8\r\n"
                "c=IN IP6 ::1\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:97 pcmu/8000\r\n")
    assert choose(offer) == AudioChoice(0, "PCMU", 97, None, "::1", 4000)
    assert choose(offer, prefer="PCMA") == AudioChoice(0, "PCMA", 8, None, "::1", 4000)
    out = offer_to_callee(offer, choose(offer), "::1", 20000, 1, 1)
    assert str(out.connection) == "IN IP6 ::1" and out.media[0].rtpmaps["97"].encoding == "PCMU"
    assert out.media[0].fmtp["101"] == "0-16"


@given(st.sampled_from(["0", "8"]), st.lists(st.sampled_from(["0", "8", "9", "18", "101"]),
                                              max_size=4), st.text("abcdefghij+0123456789", min_size=1))
def test_offers_with_g711_always_anchor_to_us(first: str, rest: list[str], user: str) -> None:
    formats = " ".join([first, *rest])
    offer = sdp(f"v=0\r\no={user} 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                f"m=audio 4000 RTP/AVP {formats}\r\na=rtpmap:101 telephone-event/8000\r\n")
    caller = choose(offer)
    assert caller is not None and caller.payload_type == int(first)
    for out in (offer_to_callee(offer, caller, "127.0.0.2", 20000, 1, 1),
                answer_to_caller(offer, caller, "127.0.0.2", 20000, 1, 2)):
        assert "10.0.0.1" not in out.serialise().decode()
        assert out.origin is not None and out.origin.username == "ringto"
        assert choose(out) is not None and choose(out).codec == caller.codec
