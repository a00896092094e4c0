"""Laying received audio on a timeline, so a recording stays in step with the clock.

RTP gives each packet a timestamp but says nothing about silence (a muted phone, or
one using silence suppression, just stops sending), and the two parties of a call start
at different moments. A `Track` therefore places each packet at its timestamp relative
to the first one, fills gaps with silence, and when no packets come at all pads up to
the wall clock, so two tracks recorded side by side (caller left, callee right) line
up. Packets first pass a `JitterBuffer`, which puts reordered ones back in sequence.
Time is an input (`now`), as everywhere in the cores.
"""

from __future__ import annotations

from .g711 import SAMPLE_RATE
from .jitter import JitterBuffer
from .rtp import RtpPacket, ts_diff
from .wav import interleave

MAX_GAP_S = 5.0  # a timestamp jump longer than this is a new stream, not a silence
SLACK_S = 1.0  # how far behind the clock a quiet track may lag before it is padded: a
# sender that stalls for less (a loaded machine, a burst on the network) loses no audio
# to padding, and one side can still be written while the other is muted


class Track:
    """One direction's 16-bit PCM from `start` on; packets carry PCM as their payload."""

    def __init__(self, start: float, delay: float = 0.06) -> None:
        self.start = start
        self.jitter = JitterBuffer(delay)
        self._pcm = bytearray()
        self._taken = 0  # samples already handed out by `take`
        self._anchor: tuple[int, int, int] | None = None  # (ssrc, timestamp, sample)

    @property
    def end(self) -> int:
        """The sample index just past the audio laid so far."""
        return self._taken + len(self._pcm) // 2

    def available(self) -> int:
        return len(self._pcm) // 2

    def push(self, packet: RtpPacket, now: float) -> None:
        if self.jitter.take_if_next(packet):
            self._lay(packet, now)
            return
        self.jitter.push(packet, now)
        self.advance(now)

    def advance(self, now: float) -> None:
        """Lay the packets that are due; pad with silence if the track fell quiet."""
        for held in self.jitter.pop(now):
            self._lay(held.packet, held.arrival)
        if not len(self.jitter):
            self._pad_to(self._clock(now - self.jitter.delay - SLACK_S))

    def finish(self, now: float) -> None:
        for held in self.jitter.drain():
            self._lay(held.packet, held.arrival)
        self._pad_to(self._clock(now))

    def take(self, samples: int) -> bytes:
        """The next `samples` of audio (silence past what has been laid)."""
        self._pad_to(self._taken + samples)
        out = bytes(self._pcm[:2 * samples])
        del self._pcm[:2 * samples]
        self._taken += samples
        return out

    def _clock(self, now: float) -> int:
        return round((now - self.start) * SAMPLE_RATE)

    def _pad_to(self, sample: int) -> None:
        if sample > self.end:
            self._pcm += bytes(2 * (sample - self.end))

    def _lay(self, packet: RtpPacket, arrival: float) -> None:
        position = None
        if self._anchor is not None and self._anchor[0] == packet.ssrc:
            position = self._anchor[2] + ts_diff(packet.timestamp, self._anchor[1])
        if position is None or not self.end <= position <= self.end + MAX_GAP_S * SAMPLE_RATE:
            # first packet, a new source, a jump, or audio the clock padding overtook
            position = max(self.end, self._clock(arrival))
            self._anchor = (packet.ssrc, packet.timestamp, position)
        self._pad_to(position)
        self._pcm += packet.payload


class StereoTimeline:
    """Two tracks from the same start, handed out interleaved as far as both reach."""

    def __init__(self, start: float, delay: float = 0.06) -> None:
        self.left = Track(start, delay)
        self.right = Track(start, delay)

    def flush(self, now: float) -> bytes:
        self.left.advance(now)
        self.right.advance(now)
        samples = min(self.left.available(), self.right.available())
        return interleave(self.left.take(samples), self.right.take(samples))

    def finish(self, now: float) -> bytes:
        self.left.finish(now)
        self.right.finish(now)
        samples = max(self.left.available(), self.right.available())
        return interleave(self.left.take(samples), self.right.take(samples))
