"""G.711: encode/decode is close to the input, transcoding keeps the sound."""

from __future__ import annotations

import math
import struct

from hypothesis import given
from hypothesis import strategies as st

from ringto.media import g711


def tone(hz: float, samples: int, amplitude: int = 8000) -> bytes:
    return struct.pack(f"<{samples}h", *(int(amplitude * math.sin(2 * math.pi * hz * i / 8000))
                                         for i in range(samples)))


def test_known_codes() -> None:
    assert g711.decode(b"\xff", "PCMU") == b"\x00\x00"  # µ-law 0xFF is zero
    assert g711.encode(b"\x00\x00", "PCMA") == b"\xd5"  # A-law's zero code
    assert g711.silence(3, "PCMU") == b"\xff\xff\xff"


@given(st.sampled_from(g711.CODECS), st.lists(st.integers(-32768, 32767), max_size=320))
def test_encode_decode_error_is_small(codec: g711.Codec, values: list[int]) -> None:
    pcm = struct.pack(f"<{len(values)}h", *values)
    back = struct.unpack(f"<{len(values)}h", g711.decode(g711.encode(pcm, codec), codec))
    for original, decoded in zip(values, back, strict=True):
        assert abs(original - decoded) <= max(16, abs(original) // 16)  # ~ 4 bits of mantissa


@given(st.binary(max_size=400))
def test_transcode_keeps_the_sound(payload: bytes) -> None:
    via_a = g711.decode(g711.transcode(payload, "PCMU", "PCMA"), "PCMA")
    direct = g711.decode(payload, "PCMU")
    n = len(payload)
    for a, b in zip(struct.unpack(f"<{n}h", via_a), struct.unpack(f"<{n}h", direct), strict=True):
        assert abs(a - b) <= max(16, abs(b) // 16)
    assert g711.transcode(payload, "PCMA", "PCMA") == payload


def test_a_tone_keeps_its_level_through_both_laws() -> None:
    frame = g711.encode(tone(440, 160), "PCMA")
    twice = g711.transcode(g711.transcode(frame, "PCMA", "PCMU"), "PCMU", "PCMA")
    level, original = g711.rms(g711.decode(twice, "PCMA")), g711.rms(tone(440, 160))
    assert abs(level - original) < original * 0.02
