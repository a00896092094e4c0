"""RTP out of the pcap files Debian's sip-tester ships for sipp's `play_pcap_audio`.

`/usr/share/sip-tester/g711a.pcap`: 236 PCMA packets (payload type 8) of 30 ms (240
bytes), 7.08 s of audio. `dtmf_2833_{0..9,star,pound}.pcap`: one RFC 4733 key press each,
payload type 101, 10 packets over 0.14 s (start with marker, updates, end sent three
times). sipp sends them unchanged (same SSRC, sequence numbers and timestamps on every
replay) from its media port, to the address in the peer's SDP.
"""

from __future__ import annotations

import struct
from pathlib import Path

from ringto.media.rtp import RtpPacket

SIP_TESTER = Path("/usr/share/sip-tester")


def rtp_from_pcap(path: Path) -> list[tuple[float, RtpPacket]]:
    """(seconds from the first packet, packet) for each Ethernet/IPv4/UDP frame."""
    data = path.read_bytes()
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    assert struct.unpack_from(endian + "I", data, 20)[0] == 1, "Ethernet captures only"
    out: list[tuple[float, RtpPacket]] = []
    offset = 24
    while offset < len(data):
        seconds, micros, length, _ = struct.unpack_from(endian + "IIII", data, offset)
        frame = data[offset + 16:offset + 16 + length]
        offset += 16 + length
        ip_header = (frame[14] & 0x0F) * 4
        out.append((seconds + micros / 1e6, RtpPacket.parse(frame[14 + ip_header + 8:])))
    return [(at - out[0][0], packet) for at, packet in out]
