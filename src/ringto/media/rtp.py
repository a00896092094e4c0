"""RTP and RTCP packets (RFC 3550): parse, serialise, and wrap-around arithmetic.

Written here rather than taken from a library: the maintained Python RTP stacks
(aiortc's `rtp.py`, pylibsrtp) come with WebRTC, DTLS and SRTP we do not use, and the
fixed 12-byte header plus CSRCs and one extension is a screenful of `struct` code.
Sequence numbers wrap at 2**16 and timestamps at 2**32; `seq_diff`/`ts_diff` give the
signed distance the shortest way round (RFC 1982 serial arithmetic), which is what
ordering, loss counting and gap filling need.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

_HEADER = struct.Struct("!BBHII")
_RTCP_HEADER = struct.Struct("!BBH")
RTCP_TYPES = range(192, 224)  # RFC 5761 §4: second byte 192-223 is RTCP when muxed


class RtpError(ValueError):
    """A datagram that is not a well-formed RTP or RTCP packet; the message says why."""


def seq_diff(a: int, b: int) -> int:
    """Signed distance from sequence number `b` to `a`, in -32768..32767."""
    return ((a - b + 0x8000) & 0xFFFF) - 0x8000


def ts_diff(a: int, b: int) -> int:
    """Signed distance from RTP timestamp `b` to `a`, in -2**31..2**31-1."""
    return ((a - b + 0x80000000) & 0xFFFFFFFF) - 0x80000000


def seq_add(seq: int, n: int) -> int:
    return (seq + n) & 0xFFFF


def ts_add(ts: int, n: int) -> int:
    return (ts + n) & 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class RtpPacket:
    payload_type: int
    seq: int
    timestamp: int
    ssrc: int
    payload: bytes = b""
    marker: bool = False
    csrcs: tuple[int, ...] = ()
    extension: tuple[int, bytes] | None = None  # (profile-defined id, data as 32-bit words)
    padding: int = 0  # count of padding bytes at the end, 0 for none

    @classmethod
    def parse(cls, data: bytes) -> RtpPacket:
        if len(data) < 12:
            raise RtpError(f"RTP packet of {len(data)} bytes, the header alone is 12")
        first, second, seq, timestamp, ssrc = _HEADER.unpack_from(data)
        if first >> 6 != 2:
            raise RtpError(f"RTP version {first >> 6}, expected 2")
        offset = 12 + 4 * (first & 0x0F)
        if len(data) < offset:
            raise RtpError("RTP packet shorter than its CSRC list")
        csrcs = struct.unpack_from(f"!{first & 0x0F}I", data, 12)
        extension = None
        if first & 0x10:
            if len(data) < offset + 4:
                raise RtpError("RTP header extension cut short")
            profile, words = struct.unpack_from("!HH", data, offset)
            end = offset + 4 + 4 * words
            if len(data) < end:
                raise RtpError("RTP header extension longer than the packet")
            extension = (profile, bytes(data[offset + 4:end]))
            offset = end
        end = len(data)
        padding = 0
        if first & 0x20:
            padding = data[-1]
            if padding == 0 or offset + padding > end:
                raise RtpError(f"RTP padding count {padding} does not fit the packet")
            end -= padding
        return cls(second & 0x7F, seq, timestamp, ssrc, bytes(data[offset:end]),
                   bool(second & 0x80), csrcs, extension, padding)

    def serialise(self) -> bytes:
        first = 0x80 | len(self.csrcs) | (0x20 if self.padding else 0)
        parts = [b""]
        if self.extension is not None:
            profile, data = self.extension
            if len(data) % 4:
                raise RtpError("RTP header extension data must be whole 32-bit words")
            first |= 0x10
            parts.append(struct.pack("!HH", profile, len(data) // 4) + data)
        second = self.payload_type | (0x80 if self.marker else 0)
        parts[0] = _HEADER.pack(first, second, self.seq, self.timestamp, self.ssrc)
        parts[0] += struct.pack(f"!{len(self.csrcs)}I", *self.csrcs)
        parts.append(self.payload)
        if self.padding:
            parts.append(bytes(self.padding - 1) + bytes((self.padding,)))
        return b"".join(parts)


def is_rtcp(data: bytes) -> bool:
    """True for an RTCP packet arriving on an RTP port (RFC 5761 demultiplexing)."""
    return len(data) >= 2 and data[1] in RTCP_TYPES


@dataclass(frozen=True, slots=True)
class RtcpPacket:
    """One packet of an RTCP compound packet: its type, count field and body."""

    packet_type: int
    count: int
    body: bytes = field(default=b"")

    @property
    def ssrc(self) -> int | None:
        """The sender's SSRC for SR/RR/APP/BYE (the first word of the body)."""
        return struct.unpack_from("!I", self.body)[0] if len(self.body) >= 4 else None


def parse_rtcp(data: bytes) -> list[RtcpPacket]:
    """Split an RTCP compound packet (RFC 3550 §6.1) into its packets."""
    packets: list[RtcpPacket] = []
    offset = 0
    while offset < len(data):
        if len(data) - offset < 4:
            raise RtpError(f"RTCP packet cut short at byte {offset}")
        first, packet_type, words = _RTCP_HEADER.unpack_from(data, offset)
        if first >> 6 != 2:
            raise RtpError(f"RTCP version {first >> 6} at byte {offset}, expected 2")
        end = offset + 4 + 4 * words
        if end > len(data):
            raise RtpError(f"RTCP length {words} at byte {offset} runs past the packet")
        body_end = end - (data[end - 1] if first & 0x20 else 0)
        packets.append(RtcpPacket(packet_type, first & 0x1F, bytes(data[offset + 4:body_end])))
        offset = end
    if not packets:
        raise RtpError("empty RTCP packet")
    return packets


def serialise_rtcp(packets: list[RtcpPacket]) -> bytes:
    out = []
    for packet in packets:
        if len(packet.body) % 4:
            raise RtpError("RTCP packet body must be whole 32-bit words")
        out.append(_RTCP_HEADER.pack(0x80 | packet.count, packet.packet_type, len(packet.body) // 4))
        out.append(packet.body)
    return b"".join(out)
