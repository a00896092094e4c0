"""One anchored call's media: two UDP sides, relayed, recorded, played to, listened to.

The thin asyncio shell over the cores. Each side (`caller`, `callee`) owns an RTP
socket on an even port from the pool and an RTCP socket on the port above. A side
sends to the address its peer's SDP gave until packets arrive, then to where they
actually come from (symmetric RTP, RFC 4961: a caller behind NAT is reached at its
public address); it re-latches only when the latched source has been quiet a while,
so a stray packet cannot steal the stream.

Late audio is worse than lost audio: when a side's socket cannot take more (the
kernel's send buffer is full), packets for it are dropped and counted in `dropped`
instead of queueing in the transport, so the delay through ringto stays bounded.

Relaying passes datagrams through byte for byte when both sides use the same codec and
payload numbers; otherwise the payload is transcoded PCMU<->PCMA (one table lookup)
and the payload type rewritten, keeping sequence numbers and timestamps (both laws are
8000 samples a second, one byte a sample). While a prompt plays to a side, relayed
audio to it is held back so the two do not mix.

`last_rx` is the monotonic time of the last RTP packet on either side (the open time
until one arrives); the engine compares it with its media timeout. Ports go back to the
pool once both sockets of a side are really closed, so a port is never handed out while
the old socket still holds it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Literal

import structlog

from . import g711
from .dtmf import DtmfReceiver, digit_packets
from .g711 import FRAME_SAMPLES, Codec
from .ports import PortPool
from .rtp import RtpError, RtpPacket, is_rtcp, seq_add, ts_add
from .timeline import StereoTimeline, Track
from .wav import WavSink, read_prompt

log = structlog.get_logger(__name__)

SideName = Literal["caller", "callee"]
Address = tuple[str, int]
AudioListener = Callable[[RtpPacket, float], None]  # a packet whose payload is 16-bit PCM
RELATCH_AFTER_S = 2.0
MAX_QUEUED_BYTES = 4096  # past this, a packet for a side whose socket is backed up is dropped
FLUSH_EVERY_S = 0.25
VOICE_RMS = 300  # above this a frame counts as speech for silence detection (about -40 dBFS)
_BIND_TRIES = 8


class _Socket(asyncio.DatagramProtocol):
    def __init__(self, on_datagram: Callable[[bytes, Address], None], on_lost: Callable[[], None]) -> None:
        self.on_datagram = on_datagram
        self.on_lost = on_lost

    def datagram_received(self, data: bytes, addr: Address) -> None:
        self.on_datagram(data, addr)

    def connection_lost(self, exc: Exception | None) -> None:
        self.on_lost()


class Side:
    """One party's end of the anchored media."""

    def __init__(self, session: MediaSession, name: SideName, port: int) -> None:
        self.session = session
        self.name: SideName = name
        self.port = port
        self.rtp: asyncio.DatagramTransport | None = None
        self.rtcp: asyncio.DatagramTransport | None = None
        self.remote: Address | None = None
        self.latched: Address | None = None
        self.rtcp_latched: Address | None = None
        self._latched_heard = 0.0
        self.codec: Codec = "PCMU"
        self.payload_type = 0
        self.dtmf_payload_type: int | None = None
        self.dtmf = DtmfReceiver()
        self.listeners: list[AudioListener] = []
        self.digit_listeners: list[Callable[[str], None]] = []
        self.playing = 0
        self.received = 0
        self.dropped = 0
        self.ssrc = random.getrandbits(32)
        self.seq = random.getrandbits(16)
        self.timestamp = random.getrandbits(32)
        self._spurt_end = 0.0
        self.open_sockets = 0

    def set_remote(self, host: str | None, port: int, codec: Codec, pt: int, dtmf_pt: int | None) -> None:
        """Where the peer's SDP says it receives, and what it sends (after offer/answer).
        No address (no c= line, or the hold address 0.0.0.0) means: only where its
        packets come from, once they come."""
        if codec not in g711.CODECS:
            raise ValueError(f"codec {codec!r}: ringto relays PCMU or PCMA")
        remote = None if host in (None, "0.0.0.0", "::") or port == 0 else (host, port)
        if remote != self.remote:
            self.latched = self.rtcp_latched = None
        self.remote = remote
        self.codec, self.payload_type, self.dtmf_payload_type = codec, pt, dtmf_pt

    @property
    def destination(self) -> Address | None:
        return self.latched or self.remote

    @property
    def rtcp_destination(self) -> Address | None:
        if self.rtcp_latched:
            return self.rtcp_latched
        return (self.remote[0], self.remote[1] + 1) if self.remote else None

    def _latch(self, addr: Address, now: float) -> bool:
        """Whether a packet from `addr` is our peer's, re-latching a quiet stream."""
        if addr != self.latched:
            if self.latched is not None and now - self._latched_heard < RELATCH_AFTER_S:
                return False
            self.latched = addr
        self._latched_heard = now
        return True

    def rtp_received(self, data: bytes, addr: Address) -> None:
        if is_rtcp(data):
            self.rtcp_received(data, addr)
            return
        now = time.monotonic()
        if len(data) < 12 or data[0] >> 6 != 2 or not self._latch(addr, now):  # not RTP (STUN...)
            return
        self.session.last_rx = now
        self.received += 1
        pt = data[1] & 0x7F
        if pt == self.dtmf_payload_type:
            self._telephone_event(data, now)
        elif pt == self.payload_type and self.listeners:
            self._audio(data, now)
        if self.session.bridged and not self.session.closed:
            self.session.peer(self).relay(data, self)

    def _telephone_event(self, data: bytes, now: float) -> None:
        try:
            digit = self.dtmf.feed(RtpPacket.parse(data), now)
        except RtpError:
            return
        if digit is None:
            return
        for listener in list(self.digit_listeners):
            listener(digit)
        if self.session.on_dtmf is not None:
            self.session.on_dtmf(self.name, digit)

    def _audio(self, data: bytes, now: float) -> None:
        try:
            packet = RtpPacket.parse(data)
        except RtpError:
            return
        pcm = RtpPacket(packet.payload_type, packet.seq, packet.timestamp, packet.ssrc,
                        g711.decode(packet.payload, self.codec))
        for listener in list(self.listeners):
            listener(pcm, now)

    def rtcp_received(self, data: bytes, addr: Address) -> None:
        if addr != self.rtcp_latched and (self.latched is None or addr[0] == self.latched[0]):
            self.rtcp_latched = addr
        if self.session.bridged and not self.session.closed:
            peer = self.session.peer(self)
            if peer.rtcp is not None and peer.rtcp_destination is not None:
                peer.rtcp.sendto(data, peer.rtcp_destination)

    def _backed_up(self, transport: asyncio.DatagramTransport) -> bool:
        if transport.get_write_buffer_size() > MAX_QUEUED_BYTES:
            self.dropped += 1
            return True
        return False

    def relay(self, data: bytes, source: Side) -> None:
        """Send a packet that `source` received on to this side's peer, in our codec."""
        destination = self.destination
        if destination is None or self.rtp is None or self.playing or self._backed_up(self.rtp):
            return
        pt = data[1] & 0x7F
        if pt == source.payload_type:
            if source.codec == self.codec and pt == self.payload_type:
                self.rtp.sendto(data, destination)
                return
            out_pt, transcode = self.payload_type, source.codec != self.codec
        elif pt == source.dtmf_payload_type and self.dtmf_payload_type is not None:
            out_pt, transcode = self.dtmf_payload_type, False
        else:
            return  # comfort noise or a codec this side did not agree to
        try:
            self.rtp.sendto(_rewritten(data, out_pt, source.codec, self.codec, transcode), destination)
        except RtpError:
            self.dropped += 1  # a malformed packet: nothing sensible to pass on

    def send(self, packet: RtpPacket) -> None:
        """Send a packet of our own stream (prompts, digits) to this side's peer."""
        destination = self.destination
        if destination is not None and self.rtp is not None and not self._backed_up(self.rtp):
            self.rtp.sendto(packet.serialise(), destination)

    def our_stream(self, count: int, samples: int) -> tuple[int, int]:
        """Reserve `count` sequence numbers and `samples` of our stream's clock for a
        talk spurt; its first (seq, timestamp). The clock first moves on by the time
        since our last spurt, as RTP timestamps follow the sampling clock."""
        now = time.monotonic()
        if self._spurt_end:
            self.timestamp = ts_add(self.timestamp, max(0, round((now - self._spurt_end) * 8000)))
        first = (self.seq, self.timestamp)
        self.seq = seq_add(self.seq, count)
        self.timestamp = ts_add(self.timestamp, samples)
        self._spurt_end = now + samples / 8000
        return first

    def socket_lost(self) -> None:
        self.open_sockets -= 1
        if self.open_sockets == 0:
            self.session.pool.release(self.port)

    def close(self) -> None:
        for transport in (self.rtp, self.rtcp):
            if transport is not None:
                transport.close()


def _rewritten(data: bytes, pt: int, source: Codec, target: Codec, transcode: bool) -> bytes:
    if data[0] == 0x80:  # no CSRC, extension or padding: the payload starts at byte 12
        payload = data[12:]
        header = data[:1] + bytes(((data[1] & 0x80) | pt,)) + data[2:12]
        return header + (g711.transcode(payload, source, target) if transcode else payload)
    packet = RtpPacket.parse(data)
    payload = g711.transcode(packet.payload, source, target) if transcode else packet.payload
    return replace(packet, payload_type=pt, payload=payload).serialise()


class _Recording:
    def __init__(self, session: MediaSession, path: Path) -> None:
        now = time.monotonic()
        self.timeline = StereoTimeline(start=now)
        self.sink = WavSink(path, channels=2)
        self.session = session
        session.caller.listeners.append(self.on_caller)
        session.callee.listeners.append(self.on_callee)
        self.task = asyncio.get_running_loop().create_task(self._flush_often())

    def on_caller(self, packet: RtpPacket, now: float) -> None:
        self.timeline.left.push(packet, now)

    def on_callee(self, packet: RtpPacket, now: float) -> None:
        self.timeline.right.push(packet, now)

    async def _flush_often(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_EVERY_S)
            try:
                self.sink.write(self.timeline.flush(time.monotonic()))
            except OSError as exc:  # a full disk loses this stretch, not the call or the loop
                log.error("recording not written", path=str(self.sink.path), error=str(exc))

    def stop(self) -> float:
        self.task.cancel()
        self.session.caller.listeners.remove(self.on_caller)
        self.session.callee.listeners.remove(self.on_callee)
        self.sink.write(self.timeline.finish(time.monotonic()))
        return self.sink.close()


class MediaSession:
    """Media of one call; see the module docstring. Create with `await MediaSession.open`."""

    def __init__(self, pool: PortPool, host: str, caller_port: int, callee_port: int) -> None:
        self.pool = pool
        self.host = host
        self.caller = Side(self, "caller", caller_port)
        self.callee = Side(self, "callee", callee_port)
        self.bridged = False
        self.closed = False
        self.last_rx = time.monotonic()
        self.on_dtmf: Callable[[SideName, str], None] | None = None
        self._recording: _Recording | None = None

    @classmethod
    async def open(cls, pool: PortPool, host: str) -> MediaSession | None:
        """A session with both sides' sockets bound on `host`, or None when the pool has
        no ports left that can be bound (the engine answers 503)."""
        ports: list[int] = []
        while len(ports) < 2:
            port = await _bindable_port(pool, host)
            if port is None:
                for taken in ports:
                    pool.release(taken)
                return None
            ports.append(port)
        session = cls(pool, host, ports[0], ports[1])
        try:
            for side in (session.caller, session.callee):
                await _bind(side, host)
        except OSError:  # taken between the probe and the bind
            session.close()
            for side in (session.caller, session.callee):
                if side.open_sockets == 0:
                    pool.release(side.port)
            return None
        return session

    def side(self, name: SideName) -> Side:
        if name not in ("caller", "callee"):
            raise ValueError(f"side {name!r}: expected 'caller' or 'callee'")
        return self.caller if name == "caller" else self.callee

    def peer(self, side: Side) -> Side:
        return self.callee if side is self.caller else self.caller

    def bridge(self) -> None:
        """Relay both ways from now on (unchanged, or transcoded when the codecs differ)."""
        self.bridged = True

    def unbridge(self) -> None:
        self.bridged = False

    def start_recording(self, path: Path | str) -> None:
        """Record both parties into a stereo WAV at `path`: caller left, callee right."""
        if self._recording is not None:
            raise RuntimeError("this call is already being recorded")
        self._recording = _Recording(self, Path(path))

    def stop_recording(self) -> float:
        """Close the recording; its length in seconds (0.0 if none was running)."""
        recording, self._recording = self._recording, None
        return recording.stop() if recording is not None else 0.0

    async def play(self, side: SideName, wav_path: Path | str) -> None:
        """Stream a prompt to `side` in its codec, 20 ms a packet at real-time pace; returns
        when it has played or the session closes."""
        target = self.side(side)
        payload = g711.encode(read_prompt(wav_path), target.codec)
        payload += g711.silence(-len(payload) % FRAME_SAMPLES, target.codec)
        count = len(payload) // FRAME_SAMPLES
        seq, ts = target.our_stream(count, len(payload))
        packets = [RtpPacket(target.payload_type, seq_add(seq, i), ts_add(ts, i * FRAME_SAMPLES),
                             target.ssrc, payload[i * FRAME_SAMPLES:(i + 1) * FRAME_SAMPLES], i == 0)
                   for i in range(count)]
        await self._paced(target, [(i * 0.02, p) for i, p in enumerate(packets)])

    async def send_digit(self, side: SideName, digit: str, duration_ms: int = 100) -> None:
        """Send an RFC 4733 key press to `side`, if it agreed to telephone-events: updates
        every 20 ms, then the end packet three times back to back."""
        target = self.side(side)
        if target.dtmf_payload_type is None:
            return
        seq, ts = target.our_stream(duration_ms // 20 + 2, duration_ms * 8)
        packets = digit_packets(digit, payload_type=target.dtmf_payload_type, ssrc=target.ssrc,
                                seq=seq, timestamp=ts, duration_ms=duration_ms)
        await self._paced(target, [(min(i, len(packets) - 3) * 0.02, p) for i, p in enumerate(packets)])

    async def _paced(self, target: Side, schedule: list[tuple[float, RtpPacket]]) -> None:
        """Send each packet at its offset from now; relayed audio to `target` waits."""
        loop = asyncio.get_running_loop()
        target.playing += 1
        try:
            start = loop.time()
            for offset, packet in schedule:
                delay = start + offset - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                if self.closed:
                    return
                target.send(packet)
        finally:
            target.playing -= 1

    async def record_side(self, side: SideName, path: Path | str, max_s: float, silence_s: float,
                          stop_digits: str = "#") -> float:
        """Record what `side` says into a mono WAV until a digit in `stop_digits`, `silence_s`
        without speech, `max_s`, or the session closing; the recording's seconds."""
        source = self.side(side)
        start = time.monotonic()
        track, sink = Track(start=start), WavSink(path, channels=1)
        room = round(max_s * g711.SAMPLE_RATE)  # samples still allowed in the file
        last_voice = start
        stop = asyncio.Event()

        def on_audio(packet: RtpPacket, now: float) -> None:
            nonlocal last_voice
            track.push(packet, now)
            if g711.rms(packet.payload) > VOICE_RMS:
                last_voice = now

        def on_digit(digit: str) -> None:
            if digit in stop_digits:
                stop.set()

        source.listeners.append(on_audio)
        source.digit_listeners.append(on_digit)
        try:
            while not (stop.is_set() or self.closed):
                now = time.monotonic()
                if now - start >= max_s or now - last_voice >= silence_s:
                    break
                track.advance(now)
                room = _write_capped(sink, track, room)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 0.1)
        finally:
            source.listeners.remove(on_audio)
            source.digit_listeners.remove(on_digit)
            track.finish(min(time.monotonic(), start + max_s))
            _write_capped(sink, track, room)
            seconds = sink.close()
        return seconds

    def close(self) -> None:
        """End the session: stop recording, stop plays, close sockets, free the ports."""
        if self.closed:
            return
        self.closed = True
        self.bridged = False
        self.stop_recording()
        self.caller.close()
        self.callee.close()


def _write_capped(sink: WavSink, track: Track, room: int) -> int:
    """Write what `track` has, up to `room` samples; the room left."""
    samples = min(track.available(), room)
    sink.write(track.take(samples))
    return room - samples


async def _bindable_port(pool: PortPool, host: str) -> int | None:
    """A port from the pool whose RTP and RTCP ports are both free on `host` right now."""
    for _ in range(_BIND_TRIES):
        port = pool.allocate()
        if port is None:
            return None
        if _free_pair(host, port):
            return port
        pool.release(port)  # someone else holds it; it goes to the back of the queue
    return None


def _free_pair(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for candidate in (port, port + 1):
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                return False
    return True


async def _bind(side: Side, host: str) -> None:
    loop = asyncio.get_running_loop()
    side.rtp, _ = await loop.create_datagram_endpoint(
        lambda: _Socket(side.rtp_received, side.socket_lost), local_addr=(host, side.port))
    side.open_sockets += 1
    side.rtcp, _ = await loop.create_datagram_endpoint(
        lambda: _Socket(side.rtcp_received, side.socket_lost), local_addr=(host, side.port + 1))
    side.open_sockets += 1
