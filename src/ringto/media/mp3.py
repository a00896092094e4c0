"""WAV to MP3, for recordings fetched as MP3: `lameenc` (LAME in a self-contained wheel,
no ffmpeg or lame binary needed on the server)."""

from __future__ import annotations

import wave
from pathlib import Path

import lameenc


def wav_to_mp3(wav_path: Path | str, bitrate_kbps: int = 32) -> bytes:
    """The whole 16-bit WAV file encoded as MP3 (8 kHz speech needs no more than 32 kb/s)."""
    with wave.open(str(wav_path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise ValueError(f"{wav_path}: {8 * wav.getsampwidth()}-bit samples, expected 16-bit")
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(bitrate_kbps)
        encoder.set_in_sample_rate(wav.getframerate())
        encoder.set_channels(wav.getnchannels())
        encoder.set_quality(5)
        out = bytearray()
        while chunk := wav.readframes(8000):
            out += encoder.encode(chunk)
    out += encoder.flush()
    return bytes(out)
