"""The engine's view: caller offer -> offer to callee -> callee answer -> answer to caller,
with real sockets carrying audio between two phones through the anchored session."""

from __future__ import annotations

import asyncio

from ringto.media.anchor import Anchor
from ringto.media.ports import PortPool
from ringto.media.sdp_offer import choose
from ringto.media.session import MediaSession
from ringto.sip.sdp import SessionDescription

from .audio import best_correlation, samples, tone
from .phone import HOST, Phone


def sdp(port: int, formats: str, extra: str = "", user: str = "-") -> SessionDescription:
    return SessionDescription.parse(
        f"v=0\r\no={user} 1 1 IN IP4 {HOST}\r\ns=-\r\nc=IN IP4 {HOST}\r\nt=0 0\r\n{extra}"
        f"m=audio {port} RTP/AVP {formats}\r\na=rtpmap:101 telephone-event/8000\r\n".encode())


def test_pcmu_caller_reaches_pcma_callee_through_the_anchor() -> None:
    async def scenario():
        session = await MediaSession.open(PortPool(40400, 40499), HOST)
        a, b = await Phone.open(), await Phone.open()
        anchor = Anchor(session, HOST)
        to_callee = anchor.caller_offer(sdp(a.port, "0 101", user="+31301234567"))
        assert to_callee is not None and "+31301234567" not in to_callee.serialise().decode()
        assert choose(to_callee).port == session.callee.port
        to_caller = anchor.callee_answer(sdp(b.port, "8"))
        assert to_caller is not None and to_caller.media[0].formats == ("0", "101")
        assert choose(to_caller).port == session.caller.port
        assert (to_callee.origin.session_id, to_callee.origin.session_version) == (
            to_caller.origin.session_id, "1")
        await a.talk(tone(440, 0.4), "PCMU", 0, session.caller.port)
        await asyncio.sleep(0.05)
        session.close()
        return b

    b = asyncio.run(scenario())
    assert best_correlation(samples(tone(440, 0.3)), samples(b.audio("PCMA", 8)), 0)[0] > 0.99


def test_callee_offered_both_laws_answers_in_the_callers_and_bad_sdp_gives_none() -> None:
    async def scenario():
        session = await MediaSession.open(PortPool(40500, 40599), HOST)
        anchor = Anchor(session, HOST)
        assert anchor.caller_offer(sdp(4000, "18")) is None  # G.729 only: 488
        assert anchor.caller_offer(sdp(4000, "8 101")) is not None
        assert anchor.callee_answer(sdp(5000, "3")) is None  # GSM: end that leg
        assert anchor.callee_answer(sdp(5000, "0 8")) is not None
        assert (anchor.callee.codec, session.callee.codec) == ("PCMA", "PCMA")  # no transcoding needed
        local = Anchor(session, HOST).local_answer(sdp(4000, "0", extra="a=sendonly\r\n"))
        session.close()
        return local

    local = asyncio.run(scenario())
    assert local.direction == "recvonly" and local.media[0].formats == ("0",)


def test_hold_reinvite_is_re_pointed_both_ways_keeping_each_sides_codec() -> None:
    async def scenario():
        session = await MediaSession.open(PortPool(40600, 40699), HOST)
        anchor = Anchor(session, HOST)
        assert anchor.relayed("caller", sdp(4000, "0")) is None  # nothing agreed yet
        anchor.caller_offer(sdp(4000, "0 101"))
        anchor.callee_answer(sdp(5000, "8"))
        hold = anchor.relayed("caller", sdp(4002, "0 101", extra="a=sendonly\r\n", user="+31301234567"))
        reply = anchor.relayed("callee", sdp(5000, "8", extra="a=recvonly\r\n"))
        remote = session.caller.remote
        session.close()
        return hold, reply, remote, session

    hold, reply, remote, session = asyncio.run(scenario())
    assert remote == (HOST, 4002)  # the caller's new address is where its audio goes now
    assert choose(hold).port == session.callee.port and hold.media[0].formats[0] == "8"
    assert hold.direction == "sendonly" and "+31301234567" not in hold.serialise().decode()
    assert choose(reply).port == session.caller.port and reply.media[0].formats[0] == "0"
    assert reply.direction == "recvonly"
