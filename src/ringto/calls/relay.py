"""In-dialog requests passed from one side of a call to the other (re-INVITE, INFO, UPDATE).

A re-INVITE (hold, codec change) is relayed as a re-INVITE in the other dialog; its 2xx
is ACKed there at once (the offer was in the INVITE) and the sender's ACK is absorbed.
When the call's media is anchored, both SDP bodies are re-pointed at ringto's ports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..sip.build import make_response
from ..sip.message import Request, Response
from ..sip.transaction import ServerTransaction
from .anchor import sdp_of

if TYPE_CHECKING:
    from .call import Call
    from .engine import Engine

_CARRIED = ("Content-Type",)


class Relay:
    def __init__(self, engine: Engine, call: Call, side: str, request: Request,
                 tx: ServerTransaction) -> None:
        self.engine = engine
        self.call = call
        self.side = side
        self.request = request
        self.tx = tx
        self.other = call.dialog_of("callee" if side == "caller" else "caller")
        self.sent: Request | None = None

    def start(self) -> None:
        if self.other is None:
            self._answer(481)
            return
        headers = tuple((k, v) for k, v in self.request.headers if k in _CARRIED)
        if self.request.method == "INVITE":
            headers += (("Contact", self.engine.contact),)
        self.sent = self.other.request(self.request.method, self.engine.via_host,
                                       body=self._sdp(self.side, self.request.body), headers=headers)
        tx = self.engine.transport.send_request(self.sent, self.other.peer())
        tx.owner = self

    def on_response(self, response: Response | None) -> None:
        if response is None:
            self._answer(408)
            return
        if response.status == 100:
            return
        headers = tuple((k, v) for k, v in response.headers if k in _CARRIED)
        if self.request.method == "INVITE" and response.status < 300:
            headers += (("Contact", self.engine.contact),)
        if self.request.method == "INVITE" and 200 <= response.status < 300:
            self._ack_other()
            self.call.awaiting_ack[self.side] = self.tx
        other = "callee" if self.side == "caller" else "caller"
        self._answer(response.status, headers, self._sdp(other, response.body))

    def _sdp(self, from_side: str, body: bytes) -> bytes:
        """With media anchored, an offer or answer is re-pointed at our ports."""
        anchor = self.call.anchor
        sdp = sdp_of(body) if anchor is not None and self.request.method == "INVITE" else None
        relayed = anchor.relayed(from_side, sdp) if anchor is not None and sdp is not None else None
        return body if relayed is None else relayed.serialise()

    def _ack_other(self) -> None:
        assert self.other is not None and self.sent is not None
        ack = self.other.request("ACK", self.engine.via_host, cseq=self.sent.cseq.number)
        self.engine.transport.send_raw(ack.serialise(), self.other.peer())

    def _answer(self, status: int, headers: tuple[tuple[str, str], ...] = (),
                body: bytes = b"") -> None:
        tag = self.request.to.tag
        response = make_response(self.request, status, to_tag=tag, headers=headers, body=body)
        self.engine.transport.respond(self.tx, response)
