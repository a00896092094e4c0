"""RFC 4733 DTMF: each key press becomes exactly one digit, whatever the network does."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringto.media.dtmf import EVENTS, DtmfError, DtmfReceiver, TelephoneEvent, digit_packets
from ringto.media.rtp import RtpPacket


def test_packets_for_a_digit_follow_rfc_4733() -> None:
    packets = digit_packets("5", payload_type=101, ssrc=7, seq=65534, timestamp=1000, duration_ms=100)
    events = [TelephoneEvent.parse(p.payload) for p in packets]
    assert [p.seq for p in packets][:3] == [65534, 65535, 0]
    assert {p.timestamp for p in packets} == {1000} and packets[0].marker
    assert not any(p.marker for p in packets[1:])
    assert [e.end for e in events] == [False] * 4 + [True] * 3
    assert [e.duration for e in events] == [160, 320, 480, 640, 800, 800, 800]
    assert {e.digit for e in events} == {"5"}


def test_payload_bytes() -> None:
    assert TelephoneEvent(11, True, 10, 800).serialise() == bytes.fromhex("0b8a0320")
    assert TelephoneEvent.parse(bytes.fromhex("0b8a0320")).digit == "#"
    with pytest.raises(DtmfError, match="expected 4"):
        TelephoneEvent.parse(b"\x01")
    with pytest.raises(DtmfError, match="not a DTMF digit"):
        digit_packets("x", payload_type=101, ssrc=1, seq=0, timestamp=0)


digit_strings = st.text(alphabet=EVENTS, min_size=1, max_size=8)


@given(digit_strings, st.data())
def test_each_press_is_one_digit_despite_loss_duplication_and_reordering(digits: str, data) -> None:
    stream: list[RtpPacket] = []
    seq, ts = 100, 5000
    for digit in digits:
        press = digit_packets(digit, payload_type=101, ssrc=9, seq=seq, timestamp=ts)
        # the network loses any packets but one, duplicates some, reorders within a press (briefly)
        kept = data.draw(st.lists(st.sampled_from(press), min_size=1, max_size=len(press) + 3))
        stream.extend(data.draw(st.permutations(kept)))
        seq, ts = seq + len(press), ts + 800 + 160
    receiver = DtmfReceiver()
    heard = [d for d in (receiver.feed(p, i * 0.005) for i, p in enumerate(stream)) if d is not None]
    assert "".join(heard) == digits


def test_a_new_press_of_the_same_key_is_a_new_digit() -> None:
    receiver = DtmfReceiver()
    first = digit_packets("1", payload_type=101, ssrc=1, seq=0, timestamp=0)
    second = digit_packets("1", payload_type=101, ssrc=1, seq=7, timestamp=960)
    heard = [receiver.feed(p, i * 0.02) for i, p in enumerate(first + second)]
    assert [d for d in heard if d] == ["1", "1"]


def test_a_replayed_capture_is_a_new_press_once_the_first_has_ended() -> None:
    receiver = DtmfReceiver()
    press = digit_packets("9", payload_type=101, ssrc=1, seq=0, timestamp=0)
    heard = [receiver.feed(p, i * 0.02) for i, p in enumerate(press)]
    heard += [receiver.feed(p, 0.3 + i * 0.02) for i, p in enumerate(press)]  # the same bytes again
    unmarked = [replace(p, marker=False) for p in press]
    heard += [receiver.feed(p, 1.0 + i * 0.02) for i, p in enumerate(unmarked)]  # after a quiet gap
    heard += [receiver.feed(p, 1.2 + i * 0.02) for i, p in enumerate(unmarked)]  # too soon, no marker
    assert [d for d in heard if d] == ["9", "9", "9"]
