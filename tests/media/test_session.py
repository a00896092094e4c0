"""The media shell with real UDP sockets on 127.0.0.1 and real audio."""

from __future__ import annotations

import asyncio
import contextlib
import time
import wave
from pathlib import Path

import pytest

from ringto.media import g711
from ringto.media.dtmf import digit_packets
from ringto.media.ports import PortPool
from ringto.media.session import MediaSession

from .audio import best_correlation, samples, speech, tone
from .pcap import SIP_TESTER, rtp_from_pcap
from .phone import HOST, Phone, frames


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    path = tmp_path_factory.mktemp("speech") / "hello.wav"
    return path, speech("Hello, this is a test of ringto media.", path)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 30))


async def call(caller_codec="PCMU", callee_codec="PCMU", caller_dtmf=101, callee_dtmf=101):
    pool = PortPool(40000, 40099)
    session = await MediaSession.open(pool, HOST)
    assert session is not None
    a, b = await Phone.open(), await Phone.open()
    session.side("caller").set_remote(HOST, a.port, caller_codec, g711.STATIC_PT[caller_codec], caller_dtmf)
    session.side("callee").set_remote(HOST, b.port, callee_codec, g711.STATIC_PT[callee_codec], callee_dtmf)
    return pool, session, a, b


def read_wav(path: Path) -> tuple[int, list[int]]:
    with wave.open(str(path), "rb") as wav:
        return wav.getnchannels(), samples(wav.readframes(wav.getnframes()))


def test_pcmu_caller_and_pcma_callee_hear_each_other(spoken) -> None:
    _, pcm = spoken

    async def scenario():
        pool, session, a, b = await call("PCMU", "PCMA")
        session.bridge()
        await asyncio.gather(a.talk(pcm, "PCMU", 0, session.caller.port),
                             b.talk(tone(500, 1.0), "PCMA", 8, session.callee.port))
        await asyncio.sleep(0.1)
        session.close()
        return a, b

    a, b = run(scenario())
    heard_by_callee = samples(b.audio("PCMA", 8))
    assert {p.payload_type for _, p in b.received} == {8}  # rewritten for the PCMA side
    assert len(heard_by_callee) == len(pcm) // 2 // 160 * 160
    assert best_correlation(samples(pcm)[:8000], heard_by_callee, 0)[0] > 0.99
    assert best_correlation(samples(tone(500, 0.5)), samples(a.audio("PCMU", 0)), 0)[0] > 0.99


def test_same_codec_passes_packets_unchanged_and_latches_to_the_real_source() -> None:
    async def scenario():
        pool, session, a, b = await call()
        natted = await Phone.open()  # the caller's SDP names a port the packets do not come from
        session.caller.set_remote(HOST, natted.port, "PCMU", 0, 101)
        session.bridge()
        await b.talk(tone(300, 0.2), "PCMU", 0, session.callee.port)  # before the caller spoke
        await a.talk(tone(400, 0.2), "PCMU", 0, session.caller.port)
        await b.talk(tone(600, 0.2), "PCMU", 0, session.callee.port)
        stray = await Phone.open()  # someone else sends to the caller's port while it talks
        await asyncio.gather(a.talk(tone(400, 0.1), "PCMU", 0, session.caller.port, ssrc=7),
                             stray.talk(tone(900, 0.1), "PCMU", 0, session.caller.port, ssrc=666))
        await asyncio.sleep(0.05)
        session.close()
        return a, b, natted

    a, b, natted = run(scenario())
    assert len(natted.received) == 10 and len(a.received) == 10  # latched after the caller spoke
    assert {p.ssrc for _, p in b.received} == {1234, 7}  # the stray source never got through
    del b.received[10:]
    assert [p.serialise() for _, p in b.received] == [
        p.serialise() for p in frames(tone(400, 0.2), "PCMU", 0)]


def test_recording_is_stereo_in_step_and_carries_each_party(spoken, tmp_path: Path) -> None:
    _, pcm = spoken
    beep = tone(700, 1.0)

    async def scenario():
        pool, session, a, b = await call("PCMU", "PCMA")
        session.bridge()
        session.start_recording(tmp_path / "call.wav")
        started = time.monotonic()

        async def callee_later():
            await asyncio.sleep(0.5)
            await b.talk(beep, "PCMA", 8, session.callee.port)

        await asyncio.gather(a.talk(pcm, "PCMU", 0, session.caller.port), callee_later())
        await asyncio.sleep(0.3)
        seconds = session.stop_recording()
        wall = time.monotonic() - started
        session.close()
        return seconds, wall

    seconds, wall = run(scenario())
    assert abs(seconds - wall) < 0.1  # the file covers the call, no more, no less
    channels, frames_ = read_wav(tmp_path / "call.wav")
    left, right = frames_[0::2], frames_[1::2]
    assert channels == 2 and len(left) == round(seconds * 8000)
    score, shift = best_correlation(samples(pcm)[:16000], left, 1600)
    assert score > 0.95 and shift < 800  # the caller's speech, left, from the start
    score, shift = best_correlation(samples(beep)[:4000], right, 8000)
    assert score > 0.95 and abs(shift - 4000) < 800  # the callee's tone, right, half a second in
    assert g711.rms(b"".join(v.to_bytes(2, "little", signed=True) for v in right[:3200])) == 0


def test_a_prompt_plays_in_real_time_in_the_sides_codec(spoken) -> None:
    path, pcm = spoken

    async def scenario():
        pool, session, a, b = await call("PCMA", "PCMU")
        session.bridge()
        started = time.monotonic()
        await session.play("caller", path)
        took = time.monotonic() - started
        session.close()
        return a, took

    a, took = run(scenario())
    expected = len(pcm) / 2 / 8000
    assert abs(took - expected) < 0.25  # real time, with room for a loaded machine
    arrivals = [at for at, _ in a.received]
    assert abs((arrivals[-1] - arrivals[0]) - (expected - 0.02)) < 0.25
    assert {p.payload_type for _, p in a.received} == {8} and a.received[0][1].marker
    assert best_correlation(samples(pcm)[:8000], samples(a.audio("PCMA", 8)), 0)[0] > 0.99


def test_play_stops_when_the_session_closes(spoken) -> None:
    path, _ = spoken

    async def scenario():
        pool, session, a, b = await call()
        asyncio.get_running_loop().call_later(0.3, session.close)
        started = time.monotonic()
        await session.play("callee", path)
        return time.monotonic() - started, pool

    took, pool = run(scenario())
    assert took < 0.4 and pool.in_use == 0


def test_rfc4733_digits_reach_on_dtmf_once_and_cross_the_bridge() -> None:
    async def scenario():
        pool, session, a, b = await call(callee_dtmf=96)
        heard = []
        session.on_dtmf = lambda side, digit: heard.append((side, digit))
        session.bridge()
        seq = 0
        for digit in "1#":
            for packet in digit_packets(digit, payload_type=101, ssrc=5, seq=seq, timestamp=seq * 160):
                a.send(packet, session.caller.port)
                await asyncio.sleep(0.005)
            seq += 10
        await session.send_digit("caller", "7")
        await asyncio.sleep(0.05)
        session.close()
        return heard, a, b

    heard, a, b = run(scenario())
    assert heard == [("caller", "1"), ("caller", "#")]
    assert {p.payload_type for _, p in b.received} == {96} and len(b.received) == 14
    sent_back = [p for _, p in a.received]
    assert len(sent_back) == 7 and {p.payload_type for p in sent_back} == {101}


@pytest.mark.parametrize(("how", "expected_s"),
                         [("digit", 1.0), ("silence", 1.5), ("max", 2.0), ("close", 0.8)])
def test_voicemail_recording_ends_on_hash_silence_max_or_close(spoken, tmp_path: Path, how: str,
                                                                expected_s: float) -> None:
    _, pcm = spoken
    talk = tone(350, 1.0) if how != "max" else tone(350, 3.0)

    async def scenario():
        pool, session, a, b = await call()

        async def caller():
            await a.talk(talk, "PCMU", 0, session.caller.port)
            if how == "digit":
                for packet in digit_packets("#", payload_type=101, ssrc=1234, seq=2000, timestamp=90_000):
                    a.send(packet, session.caller.port)
            # then nothing: silence (for "silence", 0.5 s after the tone)

        if how == "close":
            asyncio.get_running_loop().call_later(0.8, session.close)
        task = asyncio.create_task(caller())
        seconds = await session.record_side("caller", tmp_path / "vm.wav", max_s=2.0, silence_s=0.5)
        task.cancel()
        session.close()
        return seconds

    seconds = run(scenario())
    assert abs(seconds - expected_s) < 0.25  # checks run every 0.1 s, plus a loaded machine
    channels, got = read_wav(tmp_path / "vm.wav")
    assert channels == 1 and len(got) == round(seconds * 8000)
    assert best_correlation(samples(talk)[:4000], got, 1600)[0] > 0.95


def test_last_rx_follows_rtp_on_either_side() -> None:
    async def scenario():
        pool, session, a, b = await call()
        opened = session.last_rx
        await asyncio.sleep(0.2)
        assert session.last_rx == opened  # nothing received yet: the open time
        await b.talk(tone(300, 0.04), "PCMU", 0, session.callee.port)
        await asyncio.sleep(0.02)
        assert time.monotonic() - session.last_rx < 0.05 and session.last_rx - opened > 0.15
        session.close()

    run(scenario())


def test_an_exhausted_pool_gives_none_and_closing_gives_the_ports_back() -> None:
    async def scenario():
        pool = PortPool(40200, 40203)  # two RTP/RTCP pairs: one session
        first = await MediaSession.open(pool, HOST)
        assert first is not None and await MediaSession.open(pool, HOST) is None
        first.close()
        await asyncio.sleep(0)
        again = await MediaSession.open(pool, HOST)
        assert again is not None and {again.caller.port, again.callee.port} == {40200, 40202}
        again.close()
        await asyncio.sleep(0)
        return pool

    pool = run(scenario())
    assert (pool.free, pool.in_use) == (2, 0)


def test_no_port_leaks_after_ten_thousand_sessions() -> None:
    async def scenario():
        pool = PortPool(40300, 40339)  # ten sessions at most at once
        live: list[MediaSession] = []
        opened = 0
        while opened < 10_000:
            session = await MediaSession.open(pool, HOST)
            if session is None:  # pool empty: close the oldest half
                for old in live[:5]:
                    old.close()
                del live[:5]
                await asyncio.sleep(0)
                continue
            opened += 1
            live.append(session)
        for session in live:
            session.close()
        await asyncio.sleep(0)
        return pool

    pool = asyncio.run(scenario())
    assert (pool.free, pool.in_use) == (20, 0)


def test_sipp_pcap_audio_and_digits_cross_a_transcoded_recorded_bridge(tmp_path: Path) -> None:
    """The captures the end-to-end tests play with sipp, replayed at their own pace."""
    speech_packets = [(at, p) for at, p in rtp_from_pcap(SIP_TESTER / "g711a.pcap") if at < 3.0]
    presses = [rtp_from_pcap(SIP_TESTER / f"dtmf_2833_{key}.pcap") for key in ("1", "1", "pound")]
    sent = g711.decode(b"".join(p.payload for _, p in speech_packets), "PCMA")

    async def replay(phone: Phone, packets, port: int) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        for at, packet in packets:
            await asyncio.sleep(max(0.0, start + at - loop.time()))
            phone.send(packet, port)

    async def scenario():
        pool, session, a, b = await call("PCMA", "PCMU")
        heard = []
        session.on_dtmf = lambda side, digit: heard.append(digit)
        session.bridge()
        session.start_recording(tmp_path / "call.wav")
        await replay(a, speech_packets, session.caller.port)
        for press in presses:
            await asyncio.sleep(0.2)
            await replay(a, press, session.caller.port)
        await asyncio.sleep(0.1)
        seconds = session.stop_recording()
        session.close()
        return heard, b, seconds

    heard, b, seconds = run(scenario())
    assert heard == ["1", "1", "#"]
    assert best_correlation(samples(sent)[4000:12000], samples(b.audio("PCMU", 0))[4000:12000], 0)[0] > 0.99
    channels, frames_ = read_wav(tmp_path / "call.wav")
    assert channels == 2 and 3.5 < seconds < 4.5
    score, shift = best_correlation(samples(sent)[8000:16000], frames_[0::2][7000:], 2000)
    assert score > 0.95 and abs(shift - 1000) < 400  # one second in, where it was sent


def test_same_codec_under_another_payload_number_is_renumbered_not_transcoded() -> None:
    async def scenario():
        pool, session, a, b = await call()
        session.callee.set_remote(HOST, b.port, "PCMU", 97, None)  # dynamic number, no DTMF
        session.bridge()
        await a.talk(tone(440, 0.1), "PCMU", 0, session.caller.port)
        for packet in digit_packets("5", payload_type=101, ssrc=1234, seq=2000, timestamp=9000):
            a.send(packet, session.caller.port)
        await asyncio.sleep(0.05)
        session.close()
        return b

    b = run(scenario())
    assert [p.payload_type for _, p in b.received] == [97] * 5  # the digit is not sent to a side without DTMF
    assert [p.payload for _, p in b.received] == [p.payload for p in frames(tone(440, 0.1), "PCMU", 0)]


def test_rtcp_crosses_the_bridge_from_its_own_port_and_muxed() -> None:
    report = bytes.fromhex("81c90007") + bytes.fromhex("000004d2") + bytes(24)  # an RR from SSRC 1234

    async def scenario():
        pool, session, a, b = await call()
        loop = asyncio.get_running_loop()
        for port in range(41001, 41999, 2):  # a free odd port: the callee's RTCP (port - 1 is never used)
            with contextlib.suppress(OSError):
                transport, rtcp = await loop.create_datagram_endpoint(Phone, local_addr=(HOST, port))
                break
        session.callee.set_remote(HOST, port - 1, "PCMU", 0, 101)
        session.bridge()
        a.transport.sendto(report, (HOST, session.caller.port + 1))
        a.transport.sendto(report, (HOST, session.caller.port))  # rtcp-mux style, on the RTP port
        await asyncio.sleep(0.05)
        session.close()
        transport.close()
        return rtcp.received

    assert [p.serialise() for _, p in run(scenario())] == [report, report]
