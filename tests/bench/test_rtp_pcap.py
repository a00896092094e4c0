"""bench/rtp_pcap.py counts what a relay lost, delayed and jittered, from captures.

Synthetic captures of one call through a relay with a known fault stand in for tcpdump:
the figures bench/media.sh reports must come out as the faults put in.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "bench" / "rtp_pcap.py"
_SPEC = importlib.util.spec_from_file_location("rtp_pcap", _PATH)
rtp_pcap = importlib.util.module_from_spec(_SPEC)
sys.modules["rtp_pcap"] = rtp_pcap
_SPEC.loader.exec_module(rtp_pcap)

UAC, UAS, CALLER_MEDIA, CALLEE_MEDIA = 16060, 16100, 16160, 16260
A, B = 30000, 30002  # the relay's caller-facing and callee-facing ports
PAYLOAD = b"\xd5" * 160


def _sip(start: str, port: int, caller: str = "+31610000001") -> bytes:
    body = f"v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio {port} RTP/AVP 8\r\n"
    return (f"{start}\r\nFrom: <sip:{caller}@127.0.0.1:{UAC}>;tag=1\r\nCall-ID: x\r\n"
            f"Content-Length: {len(body)}\r\n\r\n{body}").encode()


def _captures(tmp_path: Path, *, drop: set[int], delay: float, wobble: float, pre: int = 0,
              prompt: int = 0) -> dict:
    sip = [(0.0, rtp_pcap.frame(UAS + 1, UAC, _sip("SIP/2.0 200 OK", A))),
           (0.1, rtp_pcap.frame(A + 10, UAS, _sip(f"INVITE sip:x@127.0.0.1:{UAS} SIP/2.0", B)))]
    rtp = []
    for i in range(100):  # 2 s of 20 ms packets each way
        at = 1.0 + i * 0.02
        c2e = rtp_pcap.rtp_packet(i, i * 160, PAYLOAD)
        e2c = rtp_pcap.rtp_packet(i, i * 160, PAYLOAD, ssrc=7)
        rtp += [(at, rtp_pcap.frame(CALLER_MEDIA, A, c2e)), (at, rtp_pcap.frame(CALLEE_MEDIA, B, e2c))]
        late = delay + (wobble if i % 2 else 0.0)
        if i >= pre and i not in drop:
            rtp.append((at + late, rtp_pcap.frame(B, CALLEE_MEDIA, c2e)))
        rtp.append((at + delay, rtp_pcap.frame(A, CALLER_MEDIA, e2c)))
    for i in range(prompt):  # the relay's own announcement to the caller: not relayed audio
        own = rtp_pcap.rtp_packet(i, i * 160, PAYLOAD, ssrc=99)
        rtp.append((0.5 + i * 0.02, rtp_pcap.frame(A, CALLER_MEDIA, own)))
    rtp_pcap.write_pcap(tmp_path / "sip.pcap", sip)
    rtp_pcap.write_pcap(tmp_path / "rtp.pcap", sorted(rtp, key=lambda item: item[0]))
    return rtp_pcap.analyse(argparse.Namespace(
        sip=tmp_path / "sip.pcap", rtp=tmp_path / "rtp.pcap", uac_port=UAC, uas_port=UAS,
        caller_media=CALLER_MEDIA, callee_media=CALLEE_MEDIA))


def test_a_clean_relay_loses_nothing_and_adds_no_jitter(tmp_path: Path) -> None:
    seen = _captures(tmp_path, drop=set(), delay=0.001, wobble=0.0, prompt=50)
    assert seen["calls"] == 1 and seen["packets_in"] == 200
    assert seen["lost"] == 0 and seen["pre_bridge"] == 0
    assert seen["delay_p50_ms"] == pytest.approx(1.0, abs=0.01)
    assert seen["added_jitter_mean_ms"] == pytest.approx(0.0, abs=0.01)


def test_dropped_packets_are_lost_in_their_direction(tmp_path: Path) -> None:
    seen = _captures(tmp_path, drop={10, 11, 50}, delay=0.001, wobble=0.0)
    assert seen["lost"] == 3
    assert (seen["c2e_in"], seen["c2e_out"], seen["e2c_in"], seen["e2c_out"]) == (100, 97, 100, 100)
    assert seen["loss_pct"] == pytest.approx(1.5)


def test_uneven_delay_shows_as_added_jitter(tmp_path: Path) -> None:
    seen = _captures(tmp_path, drop=set(), delay=0.001, wobble=0.004)
    # every other packet 4 ms late: |D| = 32 timestamp units each packet, J -> 4 ms
    # on the caller-to-callee stream, 0 on the other; the mean over both streams is ~2 ms
    assert 1.5 < seen["added_jitter_mean_ms"] < 2.0
    assert seen["delay_max_ms"] == pytest.approx(5.0, abs=0.01)


def test_packets_before_the_bridge_are_counted_apart(tmp_path: Path) -> None:
    seen = _captures(tmp_path, drop=set(), delay=0.001, wobble=0.0, pre=20)
    assert seen["pre_bridge"] == 20 and seen["lost"] == 0


def test_make_writes_paced_alaw_rtp(tmp_path: Path) -> None:
    count = rtp_pcap.make(tmp_path / "a.pcap", 3, 20, rtp_pcap.SOURCE)
    flows = rtp_pcap.rtp_flows(tmp_path / "a.pcap")
    packets = flows[(6000, 6002)]
    assert count == len(packets) == 150
    assert [p[2] for p in packets] == list(range(150))  # consecutive sequence numbers
    assert packets[-1][0] - packets[0][0] == pytest.approx(149 * 0.02)
