"""Test audio: tones and speech to send, and the correlation that says it arrived."""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
from array import array
from pathlib import Path

from ringto.media.g711 import audioop
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
    """The correlation of `sent` with `got` at the shift (0..max_shift samples) where
    `got` fits it best (audioop.findfit: least squares at every shift), and that shift.
    findfit's score is undefined where `got` is all zeros (padding silence), so it
    searches `got` raised by 1, which changes nothing else."""
    window = [min(v + 1, 32767) for v in got[:len(sent) + max_shift]]
    if len(window) <= len(sent):
        return correlation(sent, got), 0
    offset, _ = audioop.findfit(array("h", window).tobytes(), array("h", sent).tobytes())
    # findfit maximises the squared fit, so a tone may match in opposite phase: look
    # half a period (of tones down to 250 Hz) either way for the positive peak
    candidates = range(max(0, offset - 16), min(max_shift, offset + 16) + 1)
    return max((correlation(sent, got[s:s + len(sent)]), s) for s in candidates)
