"""One call through the B2BUA: the caller's leg, the forward step, and its record.

The forward step (F4) rings the number's targets one after another (each for its ring
time; the next on busy, no answer or failure) or all at once (first answer wins, the
others are cancelled). The caller hears what the ringing legs send (180/183), and the
final answer maps the outcome: all busy → 486, otherwise nobody answered → 480.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..flows.steps import Forward
from ..numbers.service import NumberRoute
from ..sip.build import make_response, token
from ..sip.dialog import Dialog, from_invite
from ..sip.endpoint import Peer
from ..sip.message import Request, Response
from ..sip.transaction import ServerTransaction
from .anchor import sdp_of
from .cdr import CallRecord, utcnow
from .leg import Leg

if TYPE_CHECKING:
    from ..media.anchor import Anchor
    from .engine import Engine
    from .flow_runner import FlowRunner

_COPY_BODY = ("Content-Type",)


class Call:
    def __init__(self, engine: Engine, invite: Request, tx: ServerTransaction, peer: Peer,
                 route: NumberRoute, record: CallRecord) -> None:
        self.engine = engine
        self.invite = invite
        self.tx = tx
        self.peer = peer
        self.route = route
        self.record = record
        self.local_tag = token(6)
        self.caller_dialog: Dialog = from_invite(invite, self.local_tag, peer)
        self.pending: list[str] = []
        self.strategy = route.strategy
        self.ring_time_s = route.ring_time_s
        self.legs: list[Leg] = []
        self.first_leg = 0  # legs before this index belong to an earlier forward step
        self.answered: Leg | None = None
        self.caller_answered = False
        self.ended = False
        self.ring_timer: asyncio.TimerHandle | None = None
        self.awaiting_ack: dict[str, ServerTransaction] = {}
        self.dialog_keys: list[tuple[str, str]] = []  # where the engine files our dialogs
        self.anchor: Anchor | None = None
        self.runner: FlowRunner | None = None
        self._leg_offer: bytes | None = None

    def start(self) -> None:
        self.respond(100)
        flow = self.route.flow
        if self.runner is not None:
            self.runner.start()
        elif isinstance(flow, Forward):
            self.forward(flow.targets, flow.strategy, flow.ring_time_s)
        else:  # a flow that needs media on an engine without it (unit tests only)
            self.fail(480, "failed")

    # -- the forward step -------------------------------------------------------------
    def forward(self, targets: Sequence[str], strategy: str, ring_time_s: float) -> None:
        """Ring `targets`; the outcome reaches the runner (or, with none, the caller)."""
        self.pending, self.strategy, self.ring_time_s = list(targets), strategy, ring_time_s
        self.first_leg = len(self.legs)
        if not self.pending:
            self._forward_failed()
        elif strategy == "simultaneous":
            for target in self.pending:
                self._ring(target)
            self.pending = []
            self._arm_ring_timer()
        else:
            self._ring_next()

    def _ring(self, target: str) -> None:
        leg = Leg(self, target)
        self.legs.append(leg)
        self.record.attempts.append(leg.attempt)
        leg.start()

    def _ring_next(self) -> None:
        if not self.pending:
            if not any(leg.live for leg in self.legs):
                self._forward_failed()
            return
        self._ring(self.pending.pop(0))
        self._arm_ring_timer()

    def _arm_ring_timer(self) -> None:
        if self.ring_timer is not None:
            self.ring_timer.cancel()
        self.ring_timer = self.engine.loop.call_later(self.ring_time_s, self._ring_timeout)

    def _ring_timeout(self) -> None:
        self.ring_timer = None
        if self.answered or self.ended:
            return
        for leg in self.legs:
            leg.cancel("no-answer")  # a leg that never sent a 1xx is given up all the same
        self._ring_next()

    def _forward_failed(self) -> None:
        if self.runner is not None:
            self.runner.forward_failed(self.failure()[1])
        else:
            self.fail()

    def leg_offer(self) -> tuple[bytes, str | None]:
        """The body (and its type) a ring-to leg's INVITE carries: ours when anchored."""
        anchor = self.anchor
        if anchor is None or anchor.offer is None:
            return self.invite.body, self.invite.get("Content-Type")
        if self._leg_offer is None:  # the same for every leg: built once per call
            offer = anchor.caller_offer(anchor.offer)
            assert offer is not None  # open_anchor refused offers without G.711
            self._leg_offer = offer.serialise()
        return self._leg_offer, "application/sdp"

    def _anchored_answer(self, response: Response) -> bytes | None:
        """The callee's answer re-pointed at our caller side (None: it has no G.711)."""
        sdp = sdp_of(response.body) if self.anchor is not None else None
        answer = self.anchor.callee_answer(sdp) if self.anchor is not None and sdp is not None else None
        return None if answer is None else answer.serialise()

    # -- events from legs -------------------------------------------------------------
    def leg_ringing(self, leg: Leg, response: Response) -> None:
        if self.answered is not None or self.ended or self.caller_answered:
            return
        body, headers = response.body, _body_headers(response)
        if self.anchor is not None:  # early media: bridged at once, our address shown
            anchored = self._anchored_answer(response)
            body, headers = (b"", ()) if anchored is None else (anchored, headers)
        self.respond(response.status, body=body, headers=headers)

    def leg_answered(self, leg: Leg, response: Response) -> None:
        if self.answered is not None or self.ended:
            leg.bye()
            return
        body, headers = response.body, _body_headers(response)
        if self.anchor is not None:
            anchored = self._anchored_answer(response)
            if anchored is None:  # answered with no codec we relay: that phone cannot be heard
                leg.bye()
                leg.attempt.outcome = "failed"
                self.leg_failed(leg)
                return
            body = anchored
        self.answered = leg
        self._stop_ring_timer()
        for other in self.legs:
            if other is not leg:
                other.cancel("cancelled")
        self.record.ring_to = leg.target
        self.record.sip_code = response.status
        assert leg.dialog is not None
        self.engine.bind_dialog(leg.dialog, self, "callee")
        if not self.caller_answered:
            self.answer_caller(body, headers)
        if self.runner is not None:
            self.runner.forward_answered()

    def answer_caller(self, body: bytes, headers: tuple[tuple[str, str], ...] = ()) -> None:
        """Send the caller our 200: by a ring-to leg's answer, or by the flow itself."""
        self.caller_answered = True
        self.engine.call_answered()
        self.record.answer = utcnow()
        self.engine.writer.call_answered(self.record)
        self.engine.bind_dialog(self.caller_dialog, self, "caller")
        self.respond(200, body=body, headers=headers)

    def leg_failed(self, leg: Leg) -> None:
        if self.answered is not None or self.ended:
            return
        if self.strategy == "simultaneous":
            if not any(other.live for other in self.legs):
                self._forward_failed()
        elif leg is self.legs[-1]:
            self._ring_next()

    def dialog_of(self, side: str) -> Dialog | None:
        if side == "caller":
            return self.caller_dialog if self.caller_answered else None
        return self.answered.dialog if self.answered is not None else None

    # -- ending -----------------------------------------------------------------------
    def failure(self) -> tuple[int, str]:
        """The caller-side status and disposition for the last forward step's outcome."""
        outcomes = [leg.attempt.outcome for leg in self.legs[self.first_leg:]]
        if outcomes and all(o == "busy" for o in outcomes):
            return 486, "busy"
        if any(o in ("no-answer", "cancelled") for o in outcomes) or not outcomes:
            return 480, "no-answer"
        return 480, "failed"

    def fail(self, status: int | None = None, disposition: str | None = None) -> None:
        """Nobody took the call: tell the caller (a final response, or BYE once answered)."""
        if status is None or disposition is None:
            status, disposition = self.failure()
        if self.caller_answered:
            self._bye_caller()
            self.finish("answered" if self.record.answer else disposition, status)
        else:
            self.respond(status)
            self.finish(disposition, status)

    def caller_cancelled(self) -> None:
        if self.caller_answered or self.ended:
            return
        self.respond(487)
        self.finish("cancelled", 487)

    def hangup(self, by: str, reason: str | None = None) -> None:
        """A BYE arrived from `by` (or the engine hangs up both): end the other side too."""
        if self.ended:
            return
        if by != "callee" and self.answered is not None:
            self.answered.bye()
        if by != "caller":
            self._bye_caller()
        self.record.end_reason = reason or f"{by}-bye"
        self.finish("answered", self.record.sip_code)

    def _bye_caller(self) -> None:
        bye = self.caller_dialog.request("BYE", self.engine.via_host)
        self.engine.transport.send_request(bye, self.caller_dialog.peer())

    def abort(self) -> None:
        """The server is stopping: hang up both sides, record the call as interrupted."""
        if not self.caller_answered:
            self.respond(503)
        else:
            if self.answered is not None:
                self.answered.bye()
            self._bye_caller()
        self.record.end_reason = "shutdown"
        self.finish("interrupted", self.record.sip_code)

    def finish(self, disposition: str, status: int | None) -> None:
        if self.ended:
            return
        self.ended = True
        self._stop_ring_timer()
        for leg in self.legs:
            leg.cancel("cancelled")
        self.record.end = utcnow()
        self.record.disposition = disposition
        self.record.sip_code = status
        if self.runner is not None:
            self.runner.call_ended()
        self.engine.call_ended(self)

    def release(self) -> None:
        """Ended and filed: break the call <-> leg cycle so reference counting frees it at
        once, rather than a garbage collection pass over every live call."""
        self.legs = []
        self.answered = None
        self.dialog_keys = []
        self.runner = None

    def _stop_ring_timer(self) -> None:
        if self.ring_timer is not None:
            self.ring_timer.cancel()
            self.ring_timer = None

    def respond(self, status: int, *, body: bytes = b"",
                headers: tuple[tuple[str, str], ...] = ()) -> None:
        extra = headers
        if 100 < status < 300:
            extra = (("Contact", self.engine.contact), *headers)
        response = make_response(self.invite, status, to_tag=self.local_tag,
                                 headers=extra, body=body)
        self.engine.transport.respond(self.tx, response)


def _body_headers(response: Response) -> tuple[tuple[str, str], ...]:
    if not response.body:
        return ()
    return tuple((k, v) for k, v in response.headers if k in _COPY_BODY)
