"""RFC 4733 telephone-events (DTMF over RTP): a receiver and an encoder.

Written here: it is a 4-byte payload and two small rules, and no maintained Python
library carries it without a whole SIP/WebRTC stack.

An event is identified by its RTP timestamp (§2.5.1.2): every packet of one key press
carries the same timestamp, and the final packet (E bit set) is sent three times
(§2.5.1.4). The receiver therefore reports a digit once, on the first packet it sees
with a new (SSRC, timestamp), and ignores every later packet of that event — so a lost
start packet, lost end packets or retransmissions never turn into zero or two digits.
Replayed captures (sipp's `play_pcap_audio` sends the same bytes, timestamp and all,
each time) are told apart by what a single press cannot do: once an event has ended, a
packet with the marker bit (an event's first) after `MARKER_GAP_S`, or any packet after
`REPEAT_GAP_S` of quiet, starts a new press. (Reordering on a real network is far
shorter than `MARKER_GAP_S`, so a late start packet is not mistaken for a new press.)
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .rtp import RtpPacket, seq_add

EVENTS = "0123456789*#ABCD"
REPEAT_GAP_S = 0.5
MARKER_GAP_S = 0.1
_PAYLOAD = struct.Struct("!BBH")


class DtmfError(ValueError):
    """A telephone-event payload we cannot read, or a digit we cannot send."""


@dataclass(frozen=True, slots=True)
class TelephoneEvent:
    event: int
    end: bool
    volume: int  # 0..63, in -dBm0
    duration: int  # in timestamp units since the event's timestamp

    @classmethod
    def parse(cls, payload: bytes) -> TelephoneEvent:
        if len(payload) < 4:
            raise DtmfError(f"telephone-event payload of {len(payload)} bytes, expected 4")
        event, flags, duration = _PAYLOAD.unpack_from(payload)
        return cls(event, bool(flags & 0x80), flags & 0x3F, duration)

    def serialise(self) -> bytes:
        return _PAYLOAD.pack(self.event, (0x80 if self.end else 0) | self.volume, self.duration)

    @property
    def digit(self) -> str | None:
        """The DTMF key of this event, None for other events (tones, flash)."""
        return EVENTS[self.event] if self.event < len(EVENTS) else None


class DtmfReceiver:
    """Turns a stream of telephone-event packets into digits, each exactly once."""

    def __init__(self, remembered: int = 16) -> None:
        self._seen: dict[tuple[int, int], tuple[float, bool]] = {}  # key -> (last heard, ended)
        self._remembered = remembered

    def feed(self, packet: RtpPacket, now: float) -> str | None:
        """The digit this packet starts, or None (a repeat, an end, or not a digit)."""
        try:
            event = TelephoneEvent.parse(packet.payload)
        except DtmfError:
            return None
        key = (packet.ssrc, packet.timestamp)
        last, ended = self._seen.pop(key, (None, False))
        new = last is None or (ended and now - last >= (MARKER_GAP_S if packet.marker else REPEAT_GAP_S))
        self._seen[key] = (now, event.end or (ended and not new))  # newest last: oldest forgotten first
        while len(self._seen) > self._remembered:
            del self._seen[next(iter(self._seen))]
        return event.digit if new else None


def digit_packets(digit: str, *, payload_type: int, ssrc: int, seq: int, timestamp: int,
                  duration_ms: int = 100, volume: int = 10, step_ms: int = 20) -> list[RtpPacket]:
    """The packets that send `digit`: a marked start, updates every `step_ms`, and the
    end packet three times (RFC 4733 §2.5.1). Sequence numbers run on from `seq`; every
    packet carries `timestamp`, the event's start. The caller advances its own stream's
    timestamp by `duration_ms` afterwards."""
    if len(digit) != 1 or digit.upper() not in EVENTS:
        raise DtmfError(f"not a DTMF digit: {digit!r}")
    event = EVENTS.index(digit.upper())
    total = duration_ms * 8
    durations = list(range(step_ms * 8, total, step_ms * 8)) + [total] * 3
    packets = []
    for index, duration in enumerate(durations):
        end = index >= len(durations) - 3
        payload = TelephoneEvent(event, end, volume, duration).serialise()
        packets.append(RtpPacket(payload_type, seq_add(seq, index), timestamp, ssrc,
                                 payload, marker=index == 0))
    return packets
