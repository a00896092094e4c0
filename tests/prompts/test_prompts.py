"""The shipped prompts: every one in every language, telephone format, audible speech."""

from __future__ import annotations

import math
import struct
import wave

import pytest

from ringto.prompts import LANGUAGES, PROMPTS, UnknownPrompt, prompt_path


def _rms(frames: bytes) -> float:
    samples = struct.unpack(f"<{len(frames) // 2}h", frames)
    return math.sqrt(sum(s * s for s in samples) / len(samples))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_prompt_is_8khz_mono_16bit_and_audible(language: str) -> None:
    for name in PROMPTS:
        with wave.open(str(prompt_path(name, language)), "rb") as reader:
            assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, 8000)
            seconds = reader.getnframes() / 8000
            frames = reader.readframes(reader.getnframes())
        assert 0.3 <= seconds <= 8.0, (name, language, seconds)
        assert _rms(frames) > 1000, (name, language)


def test_languages_really_differ_and_the_beep_does_not() -> None:
    spoken = {lang: prompt_path("closed", lang).read_bytes() for lang in LANGUAGES}
    assert len(set(spoken.values())) == len(LANGUAGES)
    assert len({prompt_path("beep", lang).read_bytes() for lang in LANGUAGES}) == 1


def test_unknown_names_and_languages_are_refused() -> None:
    with pytest.raises(UnknownPrompt, match="prompt 'hello'"):
        prompt_path("hello", "en")
    with pytest.raises(UnknownPrompt, match="language 'de'"):
        prompt_path("beep", "de")
