"""The jitter buffer: sequence order, bounded delay and memory, late packets dropped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ringto.media.jitter import JitterBuffer
from ringto.media.rtp import RtpPacket, seq_add, seq_diff


def packet(seq: int) -> RtpPacket:
    return RtpPacket(0, seq & 0xFFFF, 0, 1)


def test_reordered_packets_leave_in_order_after_the_delay() -> None:
    buffer = JitterBuffer(delay=0.06)
    for seq, at in ((65535, 0.0), (1, 0.01), (0, 0.02)):
        buffer.push(packet(seq), at)
    assert buffer.pop(0.05) == []
    assert [h.packet.seq for h in buffer.pop(0.06)] == [65535, 0, 1]  # the first waited; the rest follow
    buffer.push(packet(3), 0.07)  # after a gap: waits for 2
    assert buffer.pop(0.1) == []
    assert [h.packet.seq for h in buffer.pop(0.13)] == [3]  # 2 never came: 3 waited its delay
    buffer.push(packet(4), 0.14)
    assert [h.packet.seq for h in buffer.pop(0.14)] == [4]  # next in line: at once
    assert buffer.take_if_next(packet(5)) and not buffer.take_if_next(packet(7))
    buffer.push(packet(7), 0.14)
    assert not buffer.take_if_next(packet(6))  # something is held: 6 must queue before it
    buffer.push(packet(6), 0.14)
    assert [h.packet.seq for h in buffer.pop(0.14)] == [6, 7]
    buffer.push(packet(65534), 0.15)  # behind one already played: late
    buffer.push(packet(8), 0.15)
    buffer.push(packet(8), 0.16)
    assert [h.packet.seq for h in buffer.pop(0.2)] == [8]
    assert (buffer.late, buffer.duplicates) == (1, 1)


def test_capacity_bounds_what_is_held() -> None:
    buffer = JitterBuffer(delay=10, capacity=5)
    for seq in range(0, 40, 2):  # every other packet lost: nothing is next in line
        buffer.push(packet(seq), 0)
    assert [h.packet.seq for h in buffer.pop(0)] == list(range(0, 30, 2)) and len(buffer) == 5
    assert [h.packet.seq for h in buffer.drain()] == list(range(30, 40, 2))


@given(st.integers(0, 0xFFFF), st.lists(st.tuples(st.integers(-3, 3), st.floats(0, 0.05)),
                                       min_size=1, max_size=200))
def test_output_is_increasing_and_delay_bounded(start: int, arrivals) -> None:
    buffer = JitterBuffer(delay=0.06, capacity=20)
    released: list[tuple[int, float]] = []
    now = 0.0
    for index, (shuffle, gap) in enumerate(arrivals):
        now += gap
        buffer.push(packet(seq_add(start, max(0, index + shuffle))), now)
        released.extend((h.packet.seq, now) for h in buffer.pop(now))
        assert len(buffer) <= 20
    held_until = now + 0.06
    released.extend((h.packet.seq, held_until) for h in buffer.pop(held_until))
    assert len(buffer) == 0
    seqs = [s for s, _ in released]
    assert all(seq_diff(b, a) > 0 for a, b in zip(seqs, seqs[1:], strict=False))
    assert released, "something always comes out"
