"""Recordings out as WAV (the stored file, copied) or MP3 (encoded with LAME through `lameenc`).

MP3 is for owners who play recordings on phones and mail them on; 32 kbit/s keeps an
8 kHz telephone conversation intelligible at a quarter of the G.711 size. The WAV is
read in chunks so an hour-long call never sits in memory whole.
"""

from __future__ import annotations

import os
import shutil
import wave
from pathlib import Path

import lameenc

FORMATS = ("wav", "mp3")
MP3_KBPS = 32
CHUNK_FRAMES = 8000 * 10


def write_wav(source: Path, out: Path) -> None:
    """Copy the stored WAV to `out` (written aside, then renamed, so `out` is never half a file)."""
    partial = out.with_name(out.name + ".part")
    shutil.copyfile(source, partial)
    os.replace(partial, out)


def write_mp3(source: Path, out: Path) -> None:
    """Encode the 16-bit PCM WAV `source` to MP3 at `out`."""
    partial = out.with_name(out.name + ".part")
    with wave.open(str(source), "rb") as reader, partial.open("wb") as writer:
        if reader.getsampwidth() != 2:
            raise ValueError(f"{source}: expected 16-bit PCM, got {8 * reader.getsampwidth()}-bit")
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(MP3_KBPS)
        encoder.set_in_sample_rate(reader.getframerate())
        encoder.set_channels(reader.getnchannels())
        encoder.set_quality(2)
        while frames := reader.readframes(CHUNK_FRAMES):
            writer.write(encoder.encode(frames))
        writer.write(encoder.flush())
    os.replace(partial, out)
