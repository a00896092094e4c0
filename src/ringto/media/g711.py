"""G.711 µ-law (PCMU) and A-law (PCMA): encode, decode, and transcode between them.

Which library does what, and why:

* Encoding and decoding 16-bit linear PCM is the stdlib `audioop` (`lin2ulaw`,
  `ulaw2lin`, `lin2alaw`, `alaw2lin`): C code, no copy through Python objects. It is
  deprecated in 3.11 and gone in 3.13, where the `audioop-lts` package (a dependency
  only for Python >= 3.13) provides the same module under the same name.
* The PyPI `g711` package was considered: it works on numpy float arrays and files, so
  every 160-byte frame would round-trip through numpy; slower and a heavier import for
  the same table lookups. numpy is not needed for anything here.
* Transcoding µ-law <-> A-law is one `bytes.translate` through a 256-entry table built
  once at import by decoding every code and re-encoding it (as G.711 Appendix tables
  do via linear), so a relayed frame costs one C call and no intermediate PCM.
"""

from __future__ import annotations

import warnings
from typing import Literal

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # 3.11-3.12: audioop is deprecated
    import audioop

Codec = Literal["PCMU", "PCMA"]
CODECS: tuple[Codec, ...] = ("PCMU", "PCMA")
STATIC_PT: dict[Codec, int] = {"PCMU": 0, "PCMA": 8}
SAMPLE_RATE = 8000
FRAME_MS = 20
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000  # 160 samples = 160 bytes of G.711

_ENCODE = {"PCMU": audioop.lin2ulaw, "PCMA": audioop.lin2alaw}
_DECODE = {"PCMU": audioop.ulaw2lin, "PCMA": audioop.alaw2lin}
SILENCE: dict[Codec, int] = {"PCMU": 0xFF, "PCMA": 0xD5}  # the code nearest 0 (A-law has no 0)


def encode(pcm: bytes, codec: Codec) -> bytes:
    """16-bit signed native-endian linear PCM to G.711 (one byte per sample)."""
    return _ENCODE[codec](pcm, 2)


def decode(payload: bytes, codec: Codec) -> bytes:
    """G.711 to 16-bit signed native-endian linear PCM."""
    return _DECODE[codec](payload, 2)


def _table(source: Codec, target: Codec) -> bytes:
    return encode(decode(bytes(range(256)), source), target)


_TRANSCODE: dict[tuple[Codec, Codec], bytes] = {
    ("PCMU", "PCMA"): _table("PCMU", "PCMA"),
    ("PCMA", "PCMU"): _table("PCMA", "PCMU"),
}


def transcode(payload: bytes, source: Codec, target: Codec) -> bytes:
    """The same sound in the other G.711 law; a no-op when the laws match."""
    if source == target:
        return payload
    return payload.translate(_TRANSCODE[source, target])


def silence(samples: int, codec: Codec) -> bytes:
    return bytes((SILENCE[codec],)) * samples


def rms(pcm: bytes) -> int:
    """Root-mean-square level of 16-bit PCM (0 for silence, up to 32767)."""
    return audioop.rms(pcm, 2)
