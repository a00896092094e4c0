#!/usr/bin/env python3
"""RTP pcap files for bench/media.sh: the audio sipp plays, and what a relay did to it.

`make` writes a pcap of one G.711 A-law RTP stream of any length (the speech of Debian's
sip-tester g711a.pcap, looped, re-cut into packets of PTIME ms) for sipp's
`play_pcap_audio`, which keeps each packet's RTP header and the pcap's pacing.

`analyse` reads two captures on `lo` taken during one step: `sip.pcap` (the SIP ports,
full packets) and `rtp.pcap` (the sipp media ports, headers only). From the SDP it pairs,
per call (keyed by the unique caller number in From), the relay's caller-facing port
(SDP of the 200 sent to the caller) and its callee-facing port (SDP of the INVITE sent to
the callee). Per call and direction it then compares the packets that entered the relay
with those that left it toward the other party, matched by (SSRC, sequence number) -
both relays pass G.711 through unchanged when the codecs agree:

- loss: packets in that never came out; packets in before the first packet out of that
  stream are counted apart as "pre-bridge" (the relay was not yet told where to send);
- jitter: RFC 3550 section 6.4.1 interarrival jitter, mean of the running estimate over
  the stream, at ingress (as sipp sent it) and at egress (as the relay sent it);
- delay: capture time out minus capture time in of each relayed packet.

Plain `struct` parsing: the standard library reads pcap headers in a few lines, and the
bench then needs nothing beyond Python 3 (dpkt/scapy are not in the project's packages).
"""

from __future__ import annotations

import argparse
import json
import statistics
import struct
import sys
from collections import defaultdict
from pathlib import Path

SOURCE = Path("/usr/share/sip-tester/g711a.pcap")
SSRC = 0x52494E47  # "RING": the stream every call plays; calls differ by ports
RATE = 8000  # G.711 samples per second, one byte each
LINK_HEADER = {1: 14, 113: 16, 276: 20, 0: 4, 101: 0}  # Ethernet, SLL, SLL2, BSD loopback, raw


def read_pcap(path: Path):
    """(seconds, IPv4 packet bytes) per record of a classic pcap file (either byte order)."""
    data = path.read_bytes()
    if len(data) < 24:
        return
    magic = data[:4]
    order = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",
             b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}.get(magic)
    if order is None:
        raise SystemExit(f"{path}: not a pcap file (pcapng? capture with tcpdump -w)")
    frac = 1e-9 if magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") else 1e-6
    link = LINK_HEADER.get(struct.unpack(order + "I", data[20:24])[0])
    if link is None:
        raise SystemExit(f"{path}: unsupported link type")
    record = struct.Struct(order + "IIII")
    offset = 24
    while offset + 16 <= len(data):
        sec, sub, incl, _ = record.unpack_from(data, offset)
        yield sec + sub * frac, data[offset + 16 + link:offset + 16 + incl]
        offset += 16 + incl


def udp(packet: bytes) -> tuple[int, int, bytes] | None:
    """(source port, destination port, payload as captured) of an IPv4 UDP packet."""
    if len(packet) < 28 or packet[0] >> 4 != 4 or packet[9] != 17:
        return None
    ihl = (packet[0] & 15) * 4
    sport, dport = struct.unpack_from("!HH", packet, ihl)
    return sport, dport, packet[ihl + 8:]


# ---------------------------------------------------------------- make
def source_audio(path: Path) -> bytes:
    audio = bytearray()
    for _, packet in read_pcap(path):
        parts = udp(packet)
        if parts and len(parts[2]) > 12 and parts[2][1] & 0x7F == 8:
            audio += parts[2][12:]
    if not audio:
        raise SystemExit(f"{path}: no A-law RTP in it")
    return bytes(audio)


def make(out: Path, seconds: float, ptime_ms: int, source: Path) -> int:
    audio = source_audio(source)
    size = RATE * ptime_ms // 1000
    count = int(seconds * 1000 / ptime_ms)
    loops = -(-count * size // len(audio))
    audio = (audio * loops)[:count * size]
    write_pcap(out, [(i * ptime_ms / 1000, frame(6000, 6002, rtp_packet(
        i, i * size, audio[i * size:(i + 1) * size], marker=i == 0))) for i in range(count)])
    return count


def rtp_packet(seq: int, timestamp: int, payload: bytes, *, ssrc: int = SSRC, marker: bool = False) -> bytes:
    return struct.pack("!BBHII", 0x80, 8 | (0x80 if marker else 0), seq & 0xFFFF, timestamp, ssrc) + payload


def frame(sport: int, dport: int, payload: bytes) -> bytes:
    """An Ethernet frame with IPv4/UDP 127.0.0.1 -> 127.0.0.1 (sipp rewrites both on play)."""
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + len(payload), 0, 0, 64, 17, 0,
                               bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])))
    ip[10:12] = struct.pack("!H", _ip_checksum(bytes(ip)))
    # UDP checksum 0: none (allowed for IPv4)
    udp_header = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    return b"\0" * 12 + b"\x08\x00" + bytes(ip) + udp_header + payload


def write_pcap(path: Path, frames: list[tuple[float, bytes]]) -> None:
    records = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for at, data in frames:
        micros = round(at * 1_000_000)
        sec, sub = divmod(micros, 1_000_000)
        records.append(struct.pack("<IIII", sec, sub, len(data), len(data)) + data)
    path.write_bytes(b"".join(records))


def _ip_checksum(header: bytes) -> int:
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


# ---------------------------------------------------------------- analyse
def sdp_ports(sip_pcap: Path, uac_port: int, uas_port: int) -> dict[str, dict[str, int]]:
    """Per caller number: the relay's port toward the caller ("a") and the callee ("b")."""
    calls: dict[str, dict[str, int]] = defaultdict(dict)
    for _, packet in read_pcap(sip_pcap):
        parts = udp(packet)
        if parts is None:
            continue
        _, dport, payload = parts
        head, _, body = payload.partition(b"\r\n\r\n")
        if b"m=audio " not in body:
            continue
        lines = head.split(b"\r\n")
        start = lines[0]
        caller = _from_user(lines)
        port = int(body.split(b"m=audio ", 1)[1].split(b" ", 1)[0])
        if caller is None:
            continue
        if dport == uac_port and start.startswith(b"SIP/2.0 200"):
            calls[caller].setdefault("a", port)
        elif dport == uas_port and start.startswith(b"INVITE "):
            calls[caller].setdefault("b", port)
    return {caller: ports for caller, ports in calls.items() if len(ports) == 2}


def _from_user(lines: list[bytes]) -> str | None:
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() in (b"from", b"f"):
            uri = value.split(b"sip:", 1)[-1]
            return uri.split(b"@", 1)[0].split(b";", 1)[0].decode(errors="replace")
    return None


def rtp_flows(rtp_pcap: Path) -> dict[tuple[int, int], list[tuple[float, int, int, int]]]:
    """(source port, destination port) -> [(capture time, ssrc, seq, rtp timestamp)]."""
    flows: dict[tuple[int, int], list[tuple[float, int, int, int]]] = defaultdict(list)
    header = struct.Struct("!HII")
    for at, packet in read_pcap(rtp_pcap):
        parts = udp(packet)
        if parts is None or len(parts[2]) < 12 or parts[2][0] >> 6 != 2:
            continue
        sport, dport, payload = parts
        if 72 <= payload[1] & 0x7F <= 76:
            continue  # RTCP
        seq, timestamp, ssrc = header.unpack_from(payload, 2)
        flows[(sport, dport)].append((at, ssrc, seq, timestamp))
    return flows


def mean_jitter_ms(packets: list[tuple[float, int, int, int]]) -> float | None:
    """Mean of the RFC 3550 running interarrival jitter estimate, in ms."""
    if len(packets) < 3:
        return None
    jitter, total = 0.0, 0.0
    for (r0, _, _, s0), (r1, _, _, s1) in zip(packets, packets[1:], strict=False):
        d = (r1 - r0) * RATE - ((s1 - s0 + 2**31) % 2**32 - 2**31)
        jitter += (abs(d) - jitter) / 16
        total += jitter
    return total / (len(packets) - 1) * 1000 / RATE


def direction(inbound: list, outbound: list) -> dict:
    """Compare one stream into the relay with what came out toward the other party."""
    keys_in = {(ssrc, seq) for _, ssrc, seq, _ in inbound}
    relayed = [p for p in outbound if (p[1], p[2]) in keys_in]  # not the relay's own prompts
    out_at = {(ssrc, seq): at for at, ssrc, seq, _ in relayed}
    first_out = min((p[0] for p in relayed), default=None)
    pre = 0 if first_out is None else sum(
        1 for at, ssrc, seq, _ in inbound if at < first_out and (ssrc, seq) not in out_at)
    delays = [out_at[(ssrc, seq)] - at for at, ssrc, seq, _ in inbound if (ssrc, seq) in out_at]
    return {"in": len(inbound) - pre, "out": len(delays), "pre": pre, "delays": delays,
            "jin": mean_jitter_ms(inbound), "jout": mean_jitter_ms(relayed)}


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(-(-q * len(ordered) // 1)) - 1))]


def analyse(args: argparse.Namespace) -> dict:
    ports = sdp_ports(args.sip, args.uac_port, args.uas_port)
    flows = rtp_flows(args.rtp)
    cm, em = args.caller_media, args.callee_media
    totals = {name: {"in": 0, "out": 0, "pre": 0} for name in ("c2e", "e2c")}
    delays: list[float] = []
    added: list[float] = []
    jin: list[float] = []
    for call in ports.values():
        a, b = call["a"], call["b"]
        for name, inbound, outbound in (("c2e", flows.get((cm, a), []), flows.get((b, em), [])),
                                        ("e2c", flows.get((em, b), []), flows.get((a, cm), []))):
            seen = direction(inbound, outbound)
            for key in ("in", "out", "pre"):
                totals[name][key] += seen[key]
            delays += seen["delays"]
            if seen["jin"] is not None and seen["jout"] is not None:
                added.append(seen["jout"] - seen["jin"])
                jin.append(seen["jin"])
    sent = sum(t["in"] for t in totals.values())
    lost = sum(t["in"] - t["out"] for t in totals.values())

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 3)

    return {
        "calls": len(ports),
        "packets_in": sent,
        "lost": lost,
        "loss_pct": round(lost * 100 / sent, 4) if sent else None,
        "pre_bridge": sum(t["pre"] for t in totals.values()),
        **{f"{name}_{key}": value for name, t in totals.items() for key, value in t.items()},
        "jitter_in_ms": round(statistics.fmean(jin), 3) if jin else None,
        "added_jitter_mean_ms": round(statistics.fmean(added), 3) if added else None,
        "added_jitter_p99_ms": round(percentile(added, 0.99), 3) if added else None,
        "delay_p50_ms": ms(percentile(delays, 0.50)),
        "delay_p99_ms": ms(percentile(delays, 0.99)),
        "delay_max_ms": ms(max(delays) if delays else None),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    mk = sub.add_parser("make", help="write an A-law RTP pcap of SECONDS for sipp play_pcap_audio")
    mk.add_argument("out", type=Path)
    mk.add_argument("seconds", type=float)
    mk.add_argument("--ptime", type=int, default=20, help="ms of audio per packet (default 20)")
    mk.add_argument("--source", type=Path, default=SOURCE)
    an = sub.add_parser("analyse", help="loss, added jitter and delay of a relay, from two captures")
    an.add_argument("--sip", type=Path, required=True)
    an.add_argument("--rtp", type=Path, required=True)
    for name in ("uac-port", "uas-port", "caller-media", "callee-media"):
        an.add_argument(f"--{name}", type=int, required=True)
    args = parser.parse_args(argv)
    if args.command == "make":
        if args.seconds <= 0 or not 10 <= args.ptime <= 60:
            parser.error("SECONDS must be positive and --ptime between 10 and 60")
        print(make(args.out, args.seconds, args.ptime, args.source))
    else:
        json.dump(analyse(args), sys.stdout)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
