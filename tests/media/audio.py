"""Test audio: tones and speech to send, and the correlation that says it arrived."""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
from array import array
from pathlib import Path

from ringto.media.wav import read_prompt


def tone(hz: float, seconds: float, amplitude: int = 8000) -> bytes:
    samples = round(seconds * 8000)
    return array("h", (int(amplitude * math.sin(2 * math.pi * hz * i / 8000))
                       for i in range(samples))).tobytes()


def speech(text: str, path: Path) -> bytes:
    """`text` spoken by espeak-ng, as 8 kHz mono 16-bit PCM (sox resamples it)."""
    assert shutil.which("espeak-ng") and shutil.which("sox"), "make deps-test-debian installs them"
    raw = path.with_suffix(".22k.wav")
    subprocess.run(["espeak-ng", "-w", str(raw), text], check=True, capture_output=True)
    subprocess.run(["sox", str(raw), "-r", "8000", "-c", "1", "-b", "16", str(path)], check=True)
    return read_prompt(path)


def samples(pcm: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(pcm) // 2}h", pcm))


def correlation(a: list[int], b: list[int]) -> float:
    """Pearson correlation of two equal-length signals (1.0: the same shape)."""
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    mean_a, mean_b = sum(a) / n, sum(b) / n
    cov = sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b, strict=True))
    var_a = sum((x - mean_a) ** 2 for x in a)
    var_b = sum((y - mean_b) ** 2 for y in b)
    return cov / math.sqrt(var_a * var_b) if var_a and var_b else 0.0


def best_correlation(sent: list[int], got: list[int], max_shift: int) -> tuple[float, int]:
    """The highest correlation of `sent` with `got` shifted by 0..max_shift samples
    (steps of 8, then refined), and that shift."""
    def at(shift: int) -> float:
        return correlation(sent, got[shift:shift + len(sent)])
    coarse = max(range(0, max_shift + 1, 8), key=at)
    best = max(range(max(0, coarse - 8), coarse + 9), key=at)
    return at(best), best
