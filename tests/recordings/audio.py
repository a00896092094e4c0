"""Real audio for recording tests: stereo telephone WAVs and an MP3 frame reader."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 8000
# MPEG-2 / 2.5 Layer III bit rates (kbit/s) by index; the sample rates by version and index.
_MPEG2_L3_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_RATES = {0: (11025, 12000, 8000), 2: (22050, 24000, 16000), 3: (44100, 48000, 32000)}


def stereo_wav(path: Path, seconds: float, left_hz: float = 440.0, right_hz: float = 660.0) -> Path:
    """Caller (left) and callee (right) as two tones, 8 kHz 16-bit."""
    frames = bytearray()
    for n in range(int(seconds * RATE)):
        left = int(8000 * math.sin(2 * math.pi * left_hz * n / RATE))
        right = int(8000 * math.sin(2 * math.pi * right_hz * n / RATE))
        frames += struct.pack("<hh", left, right)
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        writer.writeframes(bytes(frames))
    return path


def mp3_duration(data: bytes) -> tuple[float, int]:
    """(seconds, sample rate) of an MPEG-2/2.5 Layer III stream, by walking its frame headers."""
    position, samples, rate = 0, 0, 0
    if data[:3] == b"ID3":
        size = data[6:10]
        position = 10 + (size[0] << 21 | size[1] << 14 | size[2] << 7 | size[3])
    while position + 4 <= len(data):
        header = int.from_bytes(data[position:position + 4], "big")
        assert header >> 21 == 0x7FF, f"lost frame sync at byte {position}"
        version, layer = header >> 19 & 3, header >> 17 & 3
        assert layer == 1 and version in (0, 2), "expected MPEG-2/2.5 Layer III"
        rate = _RATES[version][header >> 10 & 3]
        kbps = _MPEG2_L3_KBPS[header >> 12 & 15]
        position += 72_000 * kbps // rate + (header >> 9 & 1)
        samples += 576
    return samples / rate, rate
