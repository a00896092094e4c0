"""Offer/answer for anchored media: pick the codec and rewrite SDP to point at ringto.

Pure functions over `ringto.sip.sdp.SessionDescription`. ringto speaks G.711 only
(PCMU and PCMA, which it can transcode between) plus RFC 4733 telephone-events, on the
first audio stream over plain RTP/AVP; an offer without either law gets `None` from
`choose`, which the engine answers with 488 Not Acceptable Here.

An anchored description keeps the lines we do not need to change (b=, t=, ptime,
direction, unknown attributes), but everything that names the sender or where its media
goes is ours: the o= line (which can carry a hidden caller's user name or address),
e=/p=/i=/u= (an e-mail address, a phone number), the session name, every c= line, the
audio port, and the ICE and RTCP attributes that would steer media around us. Other
streams (video, a second audio) are refused with port 0, as RFC 3264 §6 allows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ringto.sip.sdp import Connection, MediaDescription, Origin, SessionDescription

from .g711 import CODECS, STATIC_PT, Codec

DEFAULT_DTMF_PT = 101
_PRIVATE_LINES = frozenset("eipu")
_ROUTING_ATTRIBUTES = ("rtcp", "rtcp-mux", "candidate", "remote-candidates", "ice-", "end-of-candidates",
                       "fingerprint", "setup", "mid", "group")


@dataclass(frozen=True, slots=True)
class AudioChoice:
    """The audio stream of a description as ringto will use it."""

    index: int  # which m= line
    codec: Codec
    payload_type: int
    dtmf_payload_type: int | None
    host: str | None  # where the peer says it receives (None if the SDP names no c=)
    port: int


def _codec_of(media: MediaDescription, payload: str) -> str | None:
    rtpmap = media.rtpmaps.get(payload)
    if rtpmap is not None:
        return f"{rtpmap.encoding.upper()}/{rtpmap.clock_rate}"
    return {"0": "PCMU/8000", "8": "PCMA/8000"}.get(payload)


def choose(sdp: SessionDescription, prefer: Codec | None = None) -> AudioChoice | None:
    """The first plain-RTP audio stream offering PCMU or PCMA, in the offerer's order of
    preference (or `prefer` when offered: saves transcoding); None when there is none."""
    for index, media in enumerate(sdp.media):
        if media.media != "audio" or media.port == 0 or media.proto.upper() != "RTP/AVP":
            continue
        names = {payload: _codec_of(media, payload) for payload in media.formats}
        codecs = [(name[:4], p) for p, name in names.items() if name in ("PCMU/8000", "PCMA/8000")]
        if not codecs:
            continue
        codec, payload = next((c for c in codecs if c[0] == prefer), codecs[0])
        dtmf = next((p for p, name in names.items() if name == "TELEPHONE-EVENT/8000"), None)
        connection = media.connection or sdp.connection
        return AudioChoice(index, codec, int(payload), None if dtmf is None else int(dtmf),
                           connection.address if connection else None, media.port)
    return None


def needs_transcoding(caller: AudioChoice, callee: AudioChoice) -> bool:
    return caller.codec != callee.codec


def offer_to_callee(offer: SessionDescription, caller: AudioChoice, host: str, port: int,
                    session_id: int, version: int) -> SessionDescription:
    """The caller's offer, anchored: the caller's codec first, then the other law (we
    transcode), and telephone-events (we can always generate them)."""
    other: Codec = CODECS[1 - CODECS.index(caller.codec)]
    formats = [(caller.codec, caller.payload_type), (other, STATIC_PT[other])]
    dtmf = caller.dtmf_payload_type if caller.dtmf_payload_type is not None else DEFAULT_DTMF_PT
    return anchored(offer, caller.index, host, port, formats, dtmf, session_id, version)


def answer_to_caller(answer: SessionDescription, caller: AudioChoice, host: str, port: int,
                     session_id: int, version: int) -> SessionDescription:
    """The callee's answer (its direction, its ptime), anchored, in the caller's codec and
    payload numbers, with telephone-events only if the caller offered them."""
    formats = [(caller.codec, caller.payload_type)]
    return anchored(answer, caller.index, host, port, formats, caller.dtmf_payload_type,
                    session_id, version)


def anchored(sdp: SessionDescription, index: int, host: str, port: int,
             formats: list[tuple[Codec, int]], dtmf_pt: int | None,
             session_id: int, version: int) -> SessionDescription:
    """`sdp` with its audio stream `index` at `host`:`port` carrying `formats` (and
    `dtmf_pt` if given), the other streams refused, and nothing left that names the
    original sender."""
    addr_type = "IP6" if ":" in host else "IP4"
    connection = Connection("IN", addr_type, host)
    origin = Origin("ringto", str(session_id), str(version), "IN", addr_type, host)
    lines: list[tuple[str, str]] = []
    for kind, value in sdp.lines:
        if kind == "t" and not any(k == "c" for k, _ in lines):
            lines.append(("c", str(connection)))
        if kind in _PRIVATE_LINES or (kind == "a" and _routing(value)):
            continue
        lines.append({"o": ("o", str(origin)), "s": ("s", "-")}.get(kind, (kind, value)))
    media = tuple(_audio(m, port, formats, dtmf_pt) if i == index else replace(m, port=0, port_count=None)
                  for i, m in enumerate(sdp.media))
    return replace(sdp, lines=tuple(lines), media=media).with_connection(connection)


def _routing(attribute: str) -> bool:
    name = attribute.partition(":")[0]
    return any(name == a or (a.endswith("-") and name.startswith(a)) for a in _ROUTING_ATTRIBUTES)


def _audio(media: MediaDescription, port: int, formats: list[tuple[Codec, int]],
           dtmf_pt: int | None) -> MediaDescription:
    maps = [f"{pt} {codec}/8000" for codec, pt in formats]
    payloads = [str(pt) for _, pt in formats]
    if dtmf_pt is not None:
        maps.append(f"{dtmf_pt} telephone-event/8000")
        payloads.append(str(dtmf_pt))
    kept = []
    for kind, value in media.lines:
        name, _, rest = value.partition(":")
        if kind == "a" and (name == "rtpmap" or _routing(value)):
            continue
        if kind == "a" and name == "fmtp" and rest.partition(" ")[0] not in payloads:
            continue
        kept.append((kind, value))
    rtpmaps = [("a", f"rtpmap:{m}") for m in maps]
    if dtmf_pt is not None and str(dtmf_pt) not in media.fmtp:
        rtpmaps.append(("a", f"fmtp:{dtmf_pt} 0-16"))
    return replace(media, port=port, port_count=None, formats=tuple(payloads),
                   lines=tuple(rtpmaps) + tuple(kept))
