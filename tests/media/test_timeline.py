"""Recording timeline: packets land at their time, gaps and quiet stay in step."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ringto.media.g711 import FRAME_SAMPLES
from ringto.media.rtp import RtpPacket, seq_add, ts_add
from ringto.media.timeline import StereoTimeline, Track

from .audio import samples


def frame(index: int) -> bytes:
    """A 20 ms frame whose every sample is index + 1, so positions can be read back."""
    return ((index + 1) & 0x7FFF).to_bytes(2, "little") * FRAME_SAMPLES


def pkt(index: int, seq0: int = 65530, ts0: int = 0xFFFFFF00, ssrc: int = 1) -> RtpPacket:
    return RtpPacket(0, seq_add(seq0, index), ts_add(ts0, index * FRAME_SAMPLES), ssrc, frame(index))


@settings(max_examples=60)
@given(st.lists(st.floats(0, 0.04), min_size=5, max_size=60), st.sets(st.integers(0, 59)), st.data())
def test_jittered_reordered_stream_with_losses_is_laid_in_place(jitter, lost, data) -> None:
    n = len(jitter)
    arrivals = sorted((0.5 + i * 0.02 + jitter[i], i) for i in range(n) if i not in lost or i == 0)
    track = Track(start=0.0)
    for at, index in arrivals:
        track.push(pkt(index), at)
    track.finish(0.5 + n * 0.02 + 0.2)
    got = samples(track.take(track.available()))
    first = round(arrivals[0][0] * 8000) if arrivals[0][1] == 0 else None
    start = next(i for i, s in enumerate(got) if s)  # where packet 0 landed
    if first is not None:
        assert abs(start - first) <= 8
    for index in range(n):
        window = got[start + index * FRAME_SAMPLES: start + (index + 1) * FRAME_SAMPLES]
        assert set(window) == ({0} if index in lost and index else {index + 1})


def test_two_tracks_started_apart_stay_aligned_with_the_clock() -> None:
    timeline = StereoTimeline(start=10.0)
    out = b""
    for i in range(100):  # left talks from 10.0 s for 2 s, right from 11.0 s for 1 s
        now = 10.0 + i * 0.02
        timeline.left.push(pkt(i, ssrc=1), now)
        if i >= 50:
            timeline.right.push(pkt(i - 50, ssrc=2), now)
        out += timeline.flush(now)
    out += timeline.finish(13.0)  # both quiet for the last second
    left, right = samples(out)[0::2], samples(out)[1::2]
    assert len(left) == len(right) == 3 * 8000
    assert left.index(1) == 0 and right.index(1) == 8000
    assert set(left[16000:]) == {0} and set(right[16000:]) == {0}


def test_a_muted_side_is_padded_to_the_clock_and_resumes_at_its_time() -> None:
    track = Track(start=0.0)
    for i in range(10):
        track.push(pkt(i), i * 0.02)
    track.advance(0.9)  # a stall shorter than the slack: nothing is padded yet
    assert track.end == 1600
    track.advance(2.0)  # 1.8 s of nothing: padded up to the clock, less the delay and slack
    assert track.end == round((2.0 - 0.06 - 1.0) * 8000)
    track.push(pkt(0, seq0=100, ts0=5, ssrc=1), 2.0)  # a new talk spurt, timestamps elsewhere
    track.finish(2.2)
    got = samples(track.take(track.available()))
    assert abs(got.index(1, 200) - 16000) <= 8
