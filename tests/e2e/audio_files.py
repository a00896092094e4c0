"""Audio the end-to-end tests send with sipp and the checks on what ringto made of it.

sipp plays RTP from pcap files (`play_pcap_audio`); Debian's sip-tester ships G.711
A-law speech and RFC 4733 key presses. `pcmu_copy` turns the A-law file into the same
audio in µ-law, for a caller that offers PCMU only. Correlation runs on 20 ms energy
envelopes first (cheap, finds the alignment over seconds), then on the samples.
"""

from __future__ import annotations

import audioop
import math
import struct
import wave
from pathlib import Path

PCAP_DIR = Path("/usr/share/sip-tester")
SPEECH_PCAP = PCAP_DIR / "g711a.pcap"
FRAME = 160  # samples in 20 ms at 8 kHz


def dtmf_pcap(digit: str) -> Path:
    return PCAP_DIR / f"dtmf_2833_{ {'#': 'pound', '*': 'star'}.get(digit, digit)}.pcap"


def _packets(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """(offset of the RTP header, record header + link/IP/UDP headers, RTP bytes) per packet."""
    out, offset = [], 24
    while offset < len(data):
        incl = struct.unpack("<I", data[offset + 8:offset + 12])[0]
        packet = data[offset + 16:offset + 16 + incl]
        ihl = (packet[14] & 15) * 4
        head = 14 + ihl + 8
        out.append((head, data[offset:offset + 16] + packet[:head], packet[head:]))
        offset += 16 + incl
    return out


def pcap_pcm(path: Path) -> bytes:
    """The audio of an A-law or µ-law pcap as 16-bit PCM."""
    pcm = bytearray()
    for _, _, rtp in _packets(path.read_bytes()):
        pt, payload = rtp[1] & 0x7F, rtp[12:]
        pcm += audioop.alaw2lin(payload, 2) if pt == 8 else audioop.ulaw2lin(payload, 2)
    return bytes(pcm)


def pcap_seconds(path: Path) -> float:
    return len(pcap_pcm(path)) / 2 / 8000


def pcmu_copy(source: Path, target: Path) -> Path:
    """`source` (A-law RTP) re-encoded as µ-law, payload type 0, UDP checksum off."""
    data = source.read_bytes()
    out = bytearray(data[:24])
    for head, headers, rtp in _packets(data):
        payload = audioop.lin2ulaw(audioop.alaw2lin(rtp[12:], 2), 2)
        headers = bytearray(headers)
        headers[16 + head - 2:16 + head] = b"\0\0"  # no UDP checksum (IPv4 allows it)
        out += headers + rtp[:1] + bytes([(rtp[1] & 0x80) | 0]) + rtp[2:12] + payload
    target.write_bytes(bytes(out))
    return target


def wav_channels(path: Path) -> tuple[float, list[bytes]]:
    """(seconds, one 16-bit PCM bytes object per channel) of a WAV file."""
    with wave.open(str(path)) as wav:
        frames = wav.readframes(wav.getnframes())
        channels, rate = wav.getnchannels(), wav.getframerate()
        seconds = wav.getnframes() / rate
    if channels == 1:
        return seconds, [frames]
    return seconds, [audioop.tomono(frames, 2, 1, 0), audioop.tomono(frames, 2, 0, 1)]


def rms(pcm: bytes) -> int:
    return audioop.rms(pcm, 2) if pcm else 0


def _envelope(pcm: bytes) -> list[float]:
    step = 2 * FRAME
    return [float(audioop.rms(pcm[i:i + step], 2)) for i in range(0, len(pcm) - step + 1, step)]


def _pearson(a: list[float], b: list[float]) -> float:
    n = min(len(a), len(b))
    if n < 2:
        return 0.0
    a, b = a[:n], b[:n]
    ma, mb = sum(a) / n, sum(b) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b, strict=True))
    va, vb = sum((x - ma) ** 2 for x in a), sum((y - mb) ** 2 for y in b)
    return cov / math.sqrt(va * vb) if va and vb else 0.0


def similarity(sent: bytes, got: bytes) -> float:
    """How well `got` contains `sent` somewhere: the best envelope correlation over every
    20 ms alignment, refined to the sample over a one-second stretch of speech."""
    env_sent, env_got = _envelope(sent), _envelope(got)
    span = len(env_sent)
    shifts = range(-span // 2, max(1, len(env_got) - span // 2))

    def at(shift: int) -> float:
        if shift < 0:
            return _pearson(env_sent[-shift:], env_got)
        return _pearson(env_sent, env_got[shift:shift + span])
    best = max(shifts, key=at)
    if at(best) < 0.5:
        return at(best)
    start = max(0, -best) * FRAME + 8000  # a second in, where the speech has begun
    window = [s for s in struct.unpack(f"<{8000}h", sent[2 * start:2 * start + 16000])]
    base = (start + best * FRAME)

    def fine(delta: int) -> float:
        lo = base + delta
        if lo < 0 or 2 * (lo + 8000) > len(got):
            return 0.0
        other = struct.unpack(f"<{8000}h", got[2 * lo:2 * lo + 16000])
        return _pearson([float(x) for x in window], [float(y) for y in other])
    coarse = max(range(-FRAME, FRAME + 1, 4), key=fine)
    return max(fine(delta) for delta in range(coarse - 3, coarse + 4))
