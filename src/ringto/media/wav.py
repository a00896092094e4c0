"""WAV files: read prompts as 8 kHz mono 16-bit PCM, write mono or stereo recordings.

The stdlib `wave` module reads and writes the RIFF container (it patches the header
sizes on close, so a recording can be written as it grows). Conversions of a prompt that
is not already 8 kHz mono 16-bit use the stdlib `audioop` (`ratecv`, `tomono`,
`lin2lin`); `soundfile` would add libsndfile for formats we do not ship. PCM in
memory is 16-bit little-endian, which is what `wave` and `audioop` use on the x86 and
ARM machines ringto runs on.
"""

from __future__ import annotations

import wave
from pathlib import Path

from .g711 import SAMPLE_RATE, audioop


class PromptError(ValueError):
    """A prompt file we cannot play; the message names the file and the problem."""


def read_prompt(path: Path | str) -> bytes:
    """The file's audio as 8 kHz mono 16-bit PCM, converted if it is not already."""
    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            pcm = wav.readframes(wav.getnframes())
    except (OSError, EOFError, wave.Error) as error:
        raise PromptError(f"{path}: not a readable WAV file ({error})") from error
    if width not in (1, 2, 3, 4) or channels not in (1, 2):
        raise PromptError(f"{path}: {channels} channels of {8 * width}-bit samples; "
                          "expected 1 or 2 channels of 8 to 32-bit PCM")
    if width == 1:
        pcm = audioop.bias(pcm, 1, -128)  # WAV 8-bit is unsigned
    if width != 2:
        pcm = audioop.lin2lin(pcm, width, 2)
    if channels == 2:
        pcm = audioop.tomono(pcm, 2, 0.5, 0.5)
    if rate != SAMPLE_RATE:
        pcm, _ = audioop.ratecv(pcm, 2, 1, rate, SAMPLE_RATE, None)
    return pcm


def interleave(left: bytes, right: bytes) -> bytes:
    """Two equal-length mono 16-bit tracks as one stereo stream (left first)."""
    return audioop.add(audioop.tostereo(left, 2, 1, 0), audioop.tostereo(right, 2, 0, 1), 2)


class WavSink:
    """A 16-bit 8 kHz WAV file written as audio arrives; `close` returns its seconds."""

    def __init__(self, path: Path | str, channels: int) -> None:
        self.path = Path(path)
        self.channels = channels
        self.frames = 0
        self._wav = wave.open(str(self.path), "wb")  # noqa: SIM115 - open until close()
        self._wav.setnchannels(channels)
        self._wav.setsampwidth(2)
        self._wav.setframerate(SAMPLE_RATE)

    def write(self, pcm: bytes) -> None:
        if pcm:
            self._wav.writeframesraw(pcm)
            self.frames += len(pcm) // (2 * self.channels)

    def close(self) -> float:
        self._wav.close()
        return self.frames / SAMPLE_RATE
