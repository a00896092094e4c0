"""One call's anchored media: its `MediaSession` and the SDP each side is shown.

Anchoring (issue 3) puts ringto in the RTP path so it can play prompts, record, hear
DTMF and notice a dead call. The caller is told to send to our caller-side port and
the callee to our callee-side port; neither ever sees the other's address, and the o=
line is ours, so a hidden caller's identity cannot leak through SDP (F10). The codec
choice and the rewriting are the pure functions of `media/sdp_offer.py`; this class
only remembers what each side agreed to.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..media.ports import PortPool
from ..media.sdp_offer import AudioChoice, anchored, answer_to_caller, choose, offer_to_callee
from ..media.session import MediaSession
from ..sip.errors import SipError
from ..sip.sdp import SessionDescription

SIDES = ("caller", "callee")


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


class Anchor:
    def __init__(self, session: MediaSession, host: str, offer: SessionDescription,
                 caller: AudioChoice) -> None:
        self.session = session
        self.host = host
        self.offer = offer
        self.choices: dict[str, AudioChoice | None] = {"caller": caller, "callee": None}
        self.session_id = random.randrange(1, 2**31)
        self.version = 0
        self._set_remote("caller", caller)

    @classmethod
    async def open(cls, settings: MediaSettings, body: bytes) -> Anchor:
        """Anchor a call whose INVITE carried `body`; raises `Refused` when it cannot be.

        An INVITE without an offer (late offer) cannot be anchored here: flows that play,
        record or listen refuse it with 488 (plain forwards never get this far)."""
        if not body:
            raise Refused(488, "no SDP offer in the INVITE")
        try:
            offer = SessionDescription.parse(body)
        except (SipError, ValueError) as exc:
            raise Refused(488, f"unreadable SDP offer: {exc}") from exc
        caller = choose(offer)
        if caller is None:
            raise Refused(488, "no PCMU or PCMA in the offer")
        session = await MediaSession.open(settings.pool, settings.host)
        if session is None:
            raise Refused(503, "no free RTP ports")
        return cls(session, settings.host, offer, caller)

    def port(self, side: str) -> int:
        return self.session.side(side).port

    def callee_offer(self) -> bytes:
        """Our offer to a ring-to leg: the caller's codec first, the other law too."""
        caller = self._choice("caller")
        sdp = offer_to_callee(self.offer, caller, self.host, self.port("callee"), self.session_id,
                              self.version)
        return sdp.serialise()

    def caller_answer(self, template: SessionDescription | None = None) -> bytes:
        """Our answer to the caller, shaped like the callee's answer (or the offer)."""
        sdp = answer_to_caller(template or self.offer, self._choice("caller"), self.host,
                               self.port("caller"), self.session_id, self.version)
        return sdp.serialise()

    def callee_early(self, body: bytes) -> bytes:
        """A ring-to leg sent early media (183 + SDP): point our callee side at it."""
        return self.caller_answer(self._learn("callee", body))

    def callee_answered(self, body: bytes) -> bytes:
        """The ring-to leg answered: bridge the two sides and answer the caller."""
        template = self._learn("callee", body)
        self.session.bridge()
        return self.caller_answer(template)

    def relayed(self, from_side: str, body: bytes) -> bytes:
        """A re-INVITE or its answer from `from_side`, re-pointed for the other side."""
        sdp = self._learn(from_side, body)
        other = "callee" if from_side == "caller" else "caller"
        choice = self.choices[other]
        if sdp is None or choice is None:
            return body
        self.version += 1
        formats = [(choice.codec, choice.payload_type)]
        out = anchored(sdp, choice.index, self.host, self.port(other), formats,
                       choice.dtmf_payload_type, self.session_id, self.version)
        return out.serialise()

    def _learn(self, side: str, body: bytes) -> SessionDescription | None:
        try:
            sdp = SessionDescription.parse(body)
        except (SipError, ValueError):
            return None
        previous = self.choices[side]
        choice = choose(sdp, prefer=previous.codec if previous else self._choice("caller").codec)
        if choice is not None:
            if side == "callee" or previous is None:
                self.choices[side] = choice
            self._set_remote(side, choice)
        return sdp

    def _set_remote(self, side: str, choice: AudioChoice) -> None:
        if choice.host and choice.host not in ("0.0.0.0", "::") and choice.port:
            self.session.side(side).set_remote(choice.host, choice.port, choice.codec,
                                               choice.payload_type, choice.dtmf_payload_type)

    def _choice(self, side: str) -> AudioChoice:
        choice = self.choices[side]
        assert choice is not None
        return choice

    def close(self) -> None:
        self.session.close()
