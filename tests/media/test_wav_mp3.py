"""WAV prompts in, stereo and mono recordings out (MP3 export: tests/recordings)."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from ringto.media.wav import PromptError, WavSink, interleave, read_prompt

from .audio import best_correlation, samples, speech, tone


def test_stereo_sink_keeps_caller_left_and_callee_right(tmp_path: Path) -> None:
    left, right = tone(440, 1.0), tone(1000, 1.0, amplitude=2000)
    sink = WavSink(tmp_path / "call.wav", channels=2)
    sink.write(interleave(left[:8000], right[:8000]))
    sink.write(interleave(left[8000:], right[8000:]))
    assert sink.close() == 1.0
    with wave.open(str(tmp_path / "call.wav"), "rb") as wav:
        shape = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes())
        assert shape == (2, 2, 8000, 8000)
        frames = samples(wav.readframes(8000))
    assert frames[0::2] == samples(left) and frames[1::2] == samples(right)


def test_prompts_are_converted_to_8khz_mono(tmp_path: Path) -> None:
    pcm = speech("Welcome to ringto", tmp_path / "hello.wav")
    assert 0.8 < len(pcm) / 16000 < 3.0
    stereo_16k = tmp_path / "stereo16k.wav"
    at_16k = tone(150, 0.5)  # written at 16 kHz, the same samples sound as a 300 Hz tone
    with wave.open(str(stereo_16k), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(interleave(at_16k, at_16k))
    converted = read_prompt(stereo_16k)
    assert abs(len(converted) // 2 - 2000) <= 2  # 4000 frames at 16 kHz: 0.25 s
    score, _ = best_correlation(samples(tone(300, 0.1)), samples(converted), 40)
    assert score > 0.95


def test_bad_prompt_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "greeting.wav"
    bad.write_bytes(b"RIFF nonsense")
    with pytest.raises(PromptError, match="greeting.wav: not a readable WAV"):
        read_prompt(bad)
    with pytest.raises(PromptError, match="missing.wav"):
        read_prompt(tmp_path / "missing.wav")
