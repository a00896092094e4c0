"""The B2BUA engine: the request pipeline and the table of live calls.

Pipeline for a new INVITE: overload check (503) → Max-Forwards (483) → loop (482) →
number lookup (404) → suspended (403) or refused by the fraud guard (403/603), recorded →
the number's flow. In-dialog requests find their call by (Call-ID, our tag). Everything
refused before the number is known is counted and logged, not recorded as a call.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from ..flows.steps import Forward, Step
from ..fraud.verdict import ALLOW_ALL, AllowAll, Guard
from ..numbers.service import NumberDirectory, normalise
from ..sip.build import make_response, record_id, token
from ..sip.dialog import Dialog
from ..sip.endpoint import ClientResult, NewRequest, Output, Peer, ServerTimeout
from ..sip.message import Request
from ..sip.transaction import ServerTransaction
from ..sip.uri import SipUri
from .anchor import MediaSettings
from .call import Call
from .cdr import CallRecord, utcnow
from .dtmf_info import info_digit
from .flow_runner import FlowRunner
from .identity import caller_of
from .keeper import Keeper
from .overload import Overload
from .relay import Relay

ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE"
log = logging.getLogger("ringto.calls")


class Engine:
    def __init__(self, loop: asyncio.AbstractEventLoop, transport, directory: NumberDirectory,
                 writer, trunk: Peer, region: str, overload: Overload, *,
                 media: MediaSettings | None = None, keeper: Keeper | None = None,
                 guard: Guard | AllowAll = ALLOW_ALL) -> None:
        self.loop = loop
        self.transport = transport
        self.directory = directory
        self.guard = guard
        self.writer = guard.observe(writer)  # records filed at attempt/answer/end become events
        self.trunk = trunk
        self.region = region
        self.overload = overload
        self.via_host = f"{transport.host}:{transport.port}"
        self.contact = f"<sip:ringto@{self.via_host}>"
        self.allow = ALLOW
        self.calls: dict[tuple[str, str], Call] = {}      # by the caller's INVITE transaction
        self.dialogs: dict[tuple[str, str], tuple[Call, str]] = {}
        self.refused: Counter[int] = Counter()
        self.outbound_call_ids: set[str] = set()
        self.ringing = 0  # calls being set up: the engine's queue of pending work
        self.media = media
        self.keeper = keeper

    # -- admission (before any transaction state) -----------------------------------
    def admit(self, request: Request, peer: Peer, waited: float) -> bool:
        if request.method != "INVITE" or "tag=" in (request.get("To") or ""):
            return True
        if not self.overload.busy(self.ringing, waited):
            return True
        response = make_response(request, 503, headers=(
            ("Retry-After", str(self.overload.retry_after_s)),))
        self.transport.send_raw(response.serialise(), peer)
        self.refused[503] += 1
        return False

    # -- from the transaction layer -------------------------------------------------
    def on_sip(self, output: Output) -> None:
        if isinstance(output, NewRequest):
            self._request(output.request, output.peer, output.tx)
        elif isinstance(output, ClientResult):
            owner = output.tx.owner  # a Leg, a Relay or a Reack
            if owner is not None:
                owner.on_response(output.response)
        elif isinstance(output, ServerTimeout):
            self._no_ack(output.tx)

    def _request(self, request: Request, peer: Peer, tx: ServerTransaction | None) -> None:
        tag = request.to.tag
        if tag is not None:
            self._in_dialog(request, tag, peer, tx)
        elif request.method == "CANCEL" and tx is not None:
            self._cancel(request, tx)
        elif request.method == "INVITE" and tx is not None:
            self._invite(request, peer, tx)
        elif request.method == "OPTIONS" and tx is not None:
            self._reply(tx, request, 200, (("Allow", ALLOW), ("Accept", "application/sdp")))
        elif tx is not None:
            status = 405 if request.method in ("REGISTER", "SUBSCRIBE", "MESSAGE") else 481
            self._reply(tx, request, status, (("Allow", ALLOW),))

    def _reply(self, tx: ServerTransaction, request: Request, status: int,
               headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.transport.respond(tx, make_response(request, status, headers=headers,
                                                 to_tag=token(4)))

    # -- new calls ------------------------------------------------------------------
    def _invite(self, invite: Request, peer: Peer, tx: ServerTransaction) -> None:
        refusal = self._refusal(invite)
        if refusal:
            self.refused[refusal] += 1
            log.info("refused INVITE %s: %s", invite.call_id, refusal)
            self._reply(tx, invite, refusal)
            return
        ruri = invite.ruri
        number = normalise(ruri.user_unescaped or "", self.region) if isinstance(ruri, SipUri) else None
        route = self.directory.lookup(number) if number else None
        if route is None:
            self.refused[404] += 1
            log.info("no such number %r", ruri)
            self._reply(tx, invite, 404)
            return
        record = self._new_record(invite, peer, route.e164)
        verdict = self.guard.verdict(route.e164, record.caller, record.caller_ip)
        if route.suspended or verdict.rejects:
            status = verdict.sip_code or 403
            log.info("rejected call %s: %s", record.call_id, verdict.cause or "number suspended")
            self._reply(tx, invite, status)
            record.end, record.disposition, record.sip_code = record.start, "rejected", status
            self.writer.call_ended(record)
            return
        call = Call(self, invite, tx, peer, route, record)
        if self._needs_runner(route.flow, invite):
            call.runner = FlowRunner(call, route.flow)
        self.calls[_tx_key(invite)] = call
        self.ringing += 1
        self.writer.call_started(record)
        call.start()

    def _needs_runner(self, flow: Step, invite: Request) -> bool:
        """Anything but a plain forward runs as a flow; so does every call with an SDP
        offer when media is anchored always (the media timeout needs the RTP)."""
        if self.media is None:
            return False
        plain = isinstance(flow, Forward) and flow.on_busy is None and flow.on_no_answer is None
        return not plain or (self.media.always and bool(invite.body))

    def _refusal(self, invite: Request) -> int | None:
        mf = invite.max_forwards
        if mf is not None and mf <= 0:
            return 483
        own = self.via_host.lower()
        if invite.call_id in self.outbound_call_ids:  # our own leg came back (via a proxy)
            return 482
        if any(via.sent_by.lower() == own for via in invite.vias[1:]):
            return 482
        return None

    def _new_record(self, invite: Request, peer: Peer, service_number: str) -> CallRecord:
        return CallRecord(
            call_id=record_id(), sip_call_id=invite.call_id, service_number=service_number,
            caller=caller_of(invite, self.region), caller_ip=peer.host, caller_port=peer.port,
            start=utcnow(), access_network_info=invite.get("P-Access-Network-Info"),
            user_agent=invite.get("User-Agent"))

    def _cancel(self, cancel: Request, tx: ServerTransaction) -> None:
        call = self.calls.get(_tx_key(cancel))
        self._reply(tx, cancel, 200 if call is not None else 481)
        if call is not None:
            call.caller_cancelled()

    # -- dialogs --------------------------------------------------------------------
    def bind_dialog(self, dialog: Dialog, call: Call, side: str) -> None:
        key = (dialog.call_id, dialog.local_tag)
        self.dialogs[key] = (call, side)
        call.dialog_keys.append(key)

    def _in_dialog(self, request: Request, tag: str, peer: Peer,
                   tx: ServerTransaction | None) -> None:
        found = self.dialogs.get((request.call_id, tag))
        if found is None:
            if tx is not None:
                self._reply(tx, request, 481)
            return
        call, side = found
        if request.method == "ACK":
            pending = call.awaiting_ack.pop(side, None)
            if pending is not None:
                self.transport.acknowledge(pending)
            elif side == "caller":
                self.transport.acknowledge(call.tx)
            return
        assert tx is not None
        if request.method == "INFO" and call.runner is not None and call.answered is None:
            self.transport.respond(tx, make_response(request, 200))
            digit = info_digit(request)
            if digit is not None:
                call.runner.digit(side, digit)
        elif request.method == "BYE":
            self.transport.respond(tx, make_response(request, 200))
            call.hangup(side)
        else:
            Relay(self, call, side, request, tx).start()

    def _no_ack(self, tx: ServerTransaction) -> None:
        assert tx.request is not None  # INVITE server transactions keep theirs
        call = self.calls.get(_tx_key(tx.request))
        if call is not None and not call.ended:
            log.warning("no ACK for 200 on call %s: hanging up", call.record.call_id)
            call.hangup("caller")

    def call_answered(self) -> None:
        self.ringing -= 1

    def call_ended(self, call: Call) -> None:
        if not call.caller_answered:
            self.ringing -= 1
        self.calls.pop(_tx_key(call.invite), None)
        self.outbound_call_ids.difference_update(leg.invite.call_id for leg in call.legs)
        for key in call.dialog_keys:
            self.dialogs.pop(key, None)
        self.writer.call_ended(call.record)
        call.release()

    def check_media(self, now: float) -> None:
        """Hang up answered, anchored calls whose RTP stopped `media.timeout_s` ago (a
        phone that died without BYE must not run up a bill); `now` is time.monotonic()."""
        if self.media is None:
            return
        limit = now - self.media.timeout_s
        for call in list(self.calls.values()):
            anchor = call.anchor
            if anchor is not None and call.caller_answered and anchor.session.last_rx < limit:
                log.info("no RTP on call %s for %.0f s: hanging up", call.record.call_id,
                         self.media.timeout_s)
                call.hangup("engine", "media-timeout")

    def shutdown(self) -> None:
        """Stopping: end every live call on both sides and close its record as interrupted."""
        for call in list(self.calls.values()):
            call.abort()


def _tx_key(request: Request) -> tuple[str, str]:
    return (request.call_id, request.top_via.branch or request.cseq.method)

