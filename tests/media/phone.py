"""A test phone: a real UDP socket on 127.0.0.1 that sends RTP at real-time pace and
keeps what it receives."""

from __future__ import annotations

import asyncio
import time

from ringto.media import g711
from ringto.media.g711 import FRAME_SAMPLES, Codec
from ringto.media.rtp import RtpPacket

HOST = "127.0.0.1"


def frames(pcm: bytes, codec: Codec, pt: int, ssrc: int = 1234) -> list[RtpPacket]:
    """`pcm` as the 20 ms RTP packets a phone sends (sequence from 1000, timestamp 50000)."""
    payload = g711.encode(pcm, codec)
    return [RtpPacket(pt, (1000 + i) & 0xFFFF, 50_000 + i * FRAME_SAMPLES, ssrc,
                      payload[i * FRAME_SAMPLES:(i + 1) * FRAME_SAMPLES], i == 0)
            for i in range(len(payload) // FRAME_SAMPLES)]


class Phone(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.received: list[tuple[float, RtpPacket]] = []
        self.transport: asyncio.DatagramTransport | None = None
        self.port = 0

    @classmethod
    async def open(cls) -> Phone:
        loop = asyncio.get_running_loop()
        transport, phone = await loop.create_datagram_endpoint(cls, local_addr=(HOST, 0))
        phone.transport = transport
        phone.port = transport.get_extra_info("sockname")[1]
        return phone

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.received.append((time.monotonic(), RtpPacket.parse(data)))

    def send(self, packet: RtpPacket, port: int) -> None:
        assert self.transport is not None
        self.transport.sendto(packet.serialise(), (HOST, port))

    async def talk(self, pcm: bytes, codec: Codec, pt: int, port: int, ssrc: int = 1234) -> None:
        """Send `pcm` as 20 ms RTP frames in `codec`, paced like a phone would."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        for i, packet in enumerate(frames(pcm, codec, pt, ssrc)):
            self.send(packet, port)
            await asyncio.sleep(max(0.0, start + (i + 1) * 0.02 - loop.time()))

    def audio(self, codec: Codec, pt: int) -> bytes:
        """What arrived with payload type `pt`, in sequence order, decoded to PCM."""
        frames = sorted((p.seq, p.payload) for _, p in self.received if p.payload_type == pt)
        return g711.decode(b"".join(payload for _, payload in frames), codec)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
