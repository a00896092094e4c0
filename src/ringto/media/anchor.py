"""One call's anchored offer/answer, kept in one place for the call engine.

Holds what the engine would otherwise thread through its own state: the codec each
side chose, our o= session id and the version each side has seen (RFC 3264 §8: bumped
on every new description sent), and it points the `MediaSession` sides at the peers as
each description arrives. Every method returns None when the description has no
G.711 audio: the engine answers 488 (caller's offer) or ends the leg (callee's answer).
"""

from __future__ import annotations

import random
from dataclasses import replace

from ringto.sip.sdp import SessionDescription

from .sdp_offer import AudioChoice, anchored, answer_to_caller, choose, offer_to_callee
from .session import MediaSession, Side

_FLIPPED = {"sendonly": "recvonly", "recvonly": "sendonly"}


class Anchor:
    def __init__(self, session: MediaSession, host: str, offer: SessionDescription | None = None) -> None:
        self.session = session
        self.host = host
        self.offer = offer  # the caller's offer, which every ring-to leg's offer is made from
        self.session_id = random.randrange(1, 2**31)
        self.versions = {"caller": 0, "callee": 0}
        self.caller: AudioChoice | None = None
        self.callee: AudioChoice | None = None

    def _next(self, side: str) -> int:
        self.versions[side] += 1
        return self.versions[side]

    def caller_offer(self, offer: SessionDescription) -> SessionDescription | None:
        """Take the caller's offer; the offer to send the callee, or None (answer 488)."""
        choice = choose(offer)
        if choice is None:
            return None
        self.caller = choice
        _point(self.session.caller, choice)
        return offer_to_callee(offer, choice, self.host, self.session.callee.port,
                               self.session_id, self._next("callee"))

    def callee_answer(self, answer: SessionDescription) -> SessionDescription | None:
        """Take the callee's answer; the answer to send the caller, or None when the callee
        answered without G.711 (end that leg). Bridges the two sides."""
        assert self.caller is not None, "caller_offer first"
        choice = choose(answer, prefer=self.caller.codec)
        if choice is None:
            return None
        self.callee = choice
        _point(self.session.callee, choice)
        self.session.bridge()
        return answer_to_caller(answer, self.caller, self.host, self.session.caller.port,
                                self.session_id, self._next("caller"))

    def local_answer(self, offer: SessionDescription) -> SessionDescription | None:
        """Answer the caller ourselves (prompts, menus, voicemail before or instead of a
        callee): its own codec, our address, the offered direction mirrored."""
        choice = choose(offer)
        if choice is None:
            return None
        self.caller = choice
        _point(self.session.caller, choice)
        template = replace(offer, lines=_mirrored(offer.lines),
                           media=tuple(replace(m, lines=_mirrored(m.lines)) for m in offer.media))
        formats = [(choice.codec, choice.payload_type)]
        return anchored(template, choice.index, self.host, self.session.caller.port, formats,
                        choice.dtmf_payload_type, self.session_id, self._next("caller"))


    def relayed(self, from_side: str, sdp: SessionDescription) -> SessionDescription | None:
        """A re-INVITE's offer (hold, resume, a new address) or its answer from `from_side`,
        for the other side: each side keeps the codec it agreed; only `from_side`'s
        address, and the direction attributes passed along, change. None when either
        side has not agreed a codec yet or the description has no G.711 audio."""
        other = "callee" if from_side == "caller" else "caller"
        own, agreed = (self.caller, self.callee) if from_side == "caller" else (self.callee, self.caller)
        if own is None or agreed is None:
            return None
        choice = choose(sdp, prefer=own.codec)
        if choice is None:
            return None
        if from_side == "caller":
            self.caller = choice
        else:
            self.callee = choice
        _point(self.session.side(from_side), choice)
        return anchored(sdp, choice.index, self.host, self.session.side(other).port,
                        [(agreed.codec, agreed.payload_type)], agreed.dtmf_payload_type,
                        self.session_id, self._next(other))

    def close(self) -> None:
        self.session.close()


def _mirrored(lines: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """An answer's direction attributes: sendonly answered by recvonly and back."""
    return tuple((k, _FLIPPED.get(v, v)) if k == "a" else (k, v) for k, v in lines)


def _point(side: Side, choice: AudioChoice) -> None:
    side.set_remote(choice.host, choice.port, choice.codec, choice.payload_type, choice.dtmf_payload_type)
