"""RTP/RTCP packets (RFC 3550) and wrap-around arithmetic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringto.media.rtp import (
    RtcpPacket,
    RtpError,
    RtpPacket,
    is_rtcp,
    parse_rtcp,
    seq_add,
    seq_diff,
    serialise_rtcp,
    ts_add,
    ts_diff,
)

u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)
packets = st.builds(
    RtpPacket,
    payload_type=st.integers(0, 127), seq=u16, timestamp=u32, ssrc=u32,
    payload=st.binary(max_size=200), marker=st.booleans(),
    csrcs=st.lists(u32, max_size=15).map(tuple),
    extension=st.none() | st.tuples(u16, st.binary(max_size=12).map(lambda b: b + bytes(-len(b) % 4))),
    padding=st.integers(0, 255),
)


@given(packets)
def test_serialise_parse_round_trip(packet: RtpPacket) -> None:
    data = packet.serialise()
    assert RtpPacket.parse(data) == packet
    assert is_rtcp(data) == (packet.marker and 64 <= packet.payload_type < 96)  # RFC 5761 §4


def test_known_packet_bytes() -> None:
    data = bytes.fromhex("80e0 0102 00000a00 deadbeef".replace(" ", "")) + b"\xff" * 160
    packet = RtpPacket.parse(data)
    assert (packet.payload_type, packet.marker, packet.seq, packet.timestamp) == (96, True, 258, 2560)
    assert packet.ssrc == 0xDEADBEEF and packet.payload == b"\xff" * 160
    assert packet.serialise() == data


@pytest.mark.parametrize(("data", "why"), [
    (b"\x80\x00", "12"),
    (bytes.fromhex("40000000000000000000000000"), "version 1"),
    (bytes.fromhex("83000000000000000000000000"), "CSRC"),
    (bytes.fromhex("a0000000000000000000000000"), "padding count 0"),
    (bytes.fromhex("90000000000000000000000000"), "extension cut"),
])
def test_bad_packets_say_why(data: bytes, why: str) -> None:
    with pytest.raises(RtpError, match=why):
        RtpPacket.parse(data)


@given(u16, st.integers(-32768, 32767))
def test_seq_diff_inverts_seq_add(seq: int, n: int) -> None:
    assert seq_diff(seq_add(seq, n), seq) == n


@given(u32, st.integers(-2**31, 2**31 - 1))
def test_ts_diff_inverts_ts_add(ts: int, n: int) -> None:
    assert ts_diff(ts_add(ts, n), ts) == n


def test_wrap() -> None:
    assert seq_diff(0, 65535) == 1 and seq_diff(65535, 0) == -1
    assert ts_diff(100, 0xFFFFFF00) == 356


@given(st.lists(st.tuples(st.integers(200, 204), st.integers(0, 31), st.binary(max_size=40)
                          .map(lambda b: b + bytes(-len(b) % 4))), min_size=1, max_size=4))
def test_rtcp_compound_round_trip(parts: list[tuple[int, int, bytes]]) -> None:
    compound = [RtcpPacket(pt, count, body) for pt, count, body in parts]
    data = serialise_rtcp(compound)
    assert parse_rtcp(data) == compound and is_rtcp(data)


def test_rtcp_receiver_report_and_errors() -> None:
    rr = bytes.fromhex("81c90007") + bytes.fromhex("11223344") + bytes(24)
    (packet,) = parse_rtcp(rr)
    assert (packet.packet_type, packet.count, packet.ssrc) == (201, 1, 0x11223344)
    with pytest.raises(RtpError, match="runs past"):
        parse_rtcp(rr[:-4])
    with pytest.raises(RtpError, match="cut short"):
        parse_rtcp(rr + b"\x80")
