"""Opening a call's anchored media, and the settings the engine anchors with.

Anchoring (issue 3) puts ringto in the RTP path so it can play prompts, record, hear
DTMF and notice a dead call. The offer/answer state lives in `media.anchor.Anchor`;
this module decides, before any port is taken, whether a call can be anchored at all:
an unreadable offer or one without PCMU/PCMA gets 488, an exhausted port range 503.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..media.anchor import Anchor
from ..media.ports import PortPool
from ..media.sdp_offer import choose
from ..media.session import MediaSession
from ..sip.errors import SipError
from ..sip.sdp import SessionDescription


@dataclass(frozen=True, slots=True)
class MediaSettings:
    """What the engine needs to anchor calls; `always` anchors even a plain forward."""

    pool: PortPool
    host: str
    always: bool
    timeout_s: float


class Refused(Exception):
    """The call cannot be anchored; `status` is what the caller is answered (488, 503)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def sdp_of(body: bytes) -> SessionDescription | None:
    """The SDP in a message body, or None when there is none we can read."""
    if not body:
        return None
    try:
        return SessionDescription.parse(body)
    except (SipError, ValueError):
        return None


async def open_anchor(settings: MediaSettings, body: bytes) -> Anchor:
    """Anchor a call whose INVITE carried `body`; raises `Refused` when it cannot be.

    An INVITE without an offer (late offer) cannot be anchored here: flows that play,
    record or listen refuse it with 488 (plain forwards never get this far)."""
    offer = sdp_of(body)
    if offer is None:
        raise Refused(488, "no readable SDP offer in the INVITE")
    if choose(offer) is None:
        raise Refused(488, "no PCMU or PCMA in the offer")
    session = await MediaSession.open(settings.pool, settings.host)
    if session is None:
        raise Refused(503, "no free RTP ports")
    return Anchor(session, settings.host, offer)
