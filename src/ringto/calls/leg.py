"""A ring-to leg: one outbound INVITE, its dialog and its attempt in the call record.

Each leg is a new dialog (own Call-ID, tags, branch): ringto is a B2BUA, not a proxy.
A leg is cancelled only after a provisional response (§9.1); a cancel asked for earlier
is sent when the first 1xx arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..sip.build import new_branch, token
from ..sip.dialog import Dialog, from_response
from ..sip.endpoint import Peer
from ..sip.message import Request, Response
from ..sip.transaction import ClientTransaction
from .cdr import Attempt, utcnow
from .identity import ANONYMOUS_FROM

if TYPE_CHECKING:
    from ..net.sip_transport import SipTransport
    from .call import Call

BUSY = frozenset({486, 600})


def outcome_of(status: int) -> str:
    if 200 <= status < 300:
        return "answered"
    if status in BUSY:
        return "busy"
    if status in (408, 480, 487):
        return "no-answer"
    return "failed"


class Reack:
    """Stands in for a leg in its INVITE transaction once the 2xx is ACKed: it answers
    every retransmitted 2xx with the same ACK, without keeping the call's objects alive
    for the 32 s the transaction lingers (RFC 6026 Timer M)."""

    __slots__ = ("data", "peer", "transport")

    def __init__(self, data: bytes, peer: Peer, transport: SipTransport) -> None:
        self.data, self.peer, self.transport = data, peer, transport

    def on_response(self, response: Response | None) -> None:
        if response is None or 200 <= response.status < 300:
            self.transport.send_raw(self.data, self.peer)


class Leg:
    def __init__(self, call: Call, target: str) -> None:
        self.call = call
        self.target = target
        self.peer: Peer = call.engine.trunk
        self.attempt = Attempt(target=target, start=utcnow())
        self.state = "calling"
        self.cancel_wanted = False
        self.cancel_outcome = "cancelled"
        self.provisional = False
        self.dialog: Dialog | None = None
        self.invite = self._build_invite()
        self.tx: ClientTransaction | None = None

    def _build_invite(self) -> Request:
        engine, inbound = self.call.engine, self.call.invite
        caller = self.call.record.caller
        from_value = ANONYMOUS_FROM if caller is None else f"<sip:{caller}@{engine.via_host}>"
        mf = inbound.max_forwards
        body, content_type = self.call.leg_offer()
        msg = Request(method="INVITE", uri=f"sip:{self.target}@{self.peer.host}:{self.peer.port};user=phone",
                      body=body)
        msg.headers = [
            ("Via", f"SIP/2.0/{self.peer.transport} {engine.via_host};branch={new_branch()};rport"),
            ("Max-Forwards", str((mf if mf is not None else 70) - 1)),
            ("From", f"{from_value};tag={token(6)}"),
            ("To", f"<sip:{self.target}@{self.peer.host}:{self.peer.port};user=phone>"),
            ("Call-ID", f"{token(12)}@ringto"),
            ("CSeq", "1 INVITE"),
            ("Contact", engine.contact),
            ("Allow", engine.allow),
        ]
        if caller is None:
            msg.headers.append(("Privacy", "id"))
        if content_type and body:
            msg.headers.append(("Content-Type", content_type))
        return msg

    @property
    def live(self) -> bool:
        """Still ringing and still wanted (not answered, failed or given up)."""
        return self.state in ("calling", "early") and not self.cancel_wanted

    def start(self) -> None:
        self.call.engine.outbound_call_ids.add(self.invite.call_id)
        self.tx = self.call.engine.transport.send_request(self.invite, self.peer)
        self.tx.owner = self

    # -- responses ------------------------------------------------------------------
    def on_response(self, response: Response | None) -> None:
        if response is None:
            self._finish(408)
            self.call.leg_failed(self)
            return
        status = response.status
        if status < 200:
            self._provisional(response)
        elif status < 300:
            self._answered(response)
        elif self.state != "done":
            self._finish(status)
            self.call.leg_failed(self)

    def _provisional(self, response: Response) -> None:
        self.provisional = True
        if self.cancel_wanted:
            self._send_cancel()
        elif response.status > 100 and self.state in ("calling", "early"):
            self.state = "early"
            self.call.leg_ringing(self, response)

    def _answered(self, response: Response) -> None:
        if self.dialog is None:
            self.dialog = from_response(self.invite, response, self.peer)
        self._ack()
        if self.state in ("calling", "early") and not self.cancel_wanted:
            self.state = "answered"
            self._finish(response.status)
            self.call.leg_answered(self, response)
        elif self.state != "answered":
            self.bye()  # it answered after we gave up on it: end it at once
            self._finish(response.status, outcome="cancelled")

    def _ack(self) -> None:
        assert self.dialog is not None and self.tx is not None
        ack = self.dialog.request("ACK", self.call.engine.via_host, cseq=self.invite.cseq.number)
        reack = Reack(ack.serialise(), self.dialog.peer(), self.call.engine.transport)
        reack.on_response(None)
        self.tx.owner = reack  # the transaction lingers 32 s (Timer M); the call need not

    def _finish(self, status: int, outcome: str | None = None) -> None:
        self._close_attempt(status, outcome or outcome_of(status))
        if self.state != "answered":
            self.state = "done"

    def _close_attempt(self, status: int, outcome: str) -> None:
        if self.attempt.end is None:
            self.attempt.end = utcnow()
            self.attempt.sip_code = status
            self.attempt.outcome = outcome

    # -- actions --------------------------------------------------------------------
    def cancel(self, outcome: str = "cancelled") -> None:
        if self.state not in ("calling", "early"):
            return
        self.cancel_wanted = True
        self.cancel_outcome = outcome
        self._close_attempt(487, outcome)  # the record is complete even if no 487 ever comes
        if self.provisional:
            self._send_cancel()

    def _send_cancel(self) -> None:
        if self.state == "cancelling" or self.state == "done":
            return
        self.state = "cancelling"
        cancel = Request(method="CANCEL", uri=self.invite.uri)
        cancel.headers = [(k, v) for k, v in self.invite.headers
                          if k in ("Via", "From", "To", "Call-ID", "Route", "Max-Forwards")]
        cancel.headers.append(("CSeq", f"{self.invite.cseq.number} CANCEL"))
        self.call.engine.transport.send_request(cancel, self.peer)

    def bye(self) -> None:
        if self.dialog is None:
            return
        bye = self.dialog.request("BYE", self.call.engine.via_host)
        self.call.engine.transport.send_request(bye, self.dialog.peer())

