"""Dialogs (§12): the state that makes in-dialog requests and routes them.

A B2BUA holds two kinds: the caller's leg, where we are the UAS (`from_invite`), and
each ring-to leg, where we are the UAC (`from_response`). Both build BYE, ACK and
re-INVITE requests the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from .build import new_branch
from .endpoint import Peer, shared_peer
from .headers import parse_name_addr
from .message import Request, Response
from .uri import SipUri


@dataclass(slots=True)
class Dialog:
    call_id: str
    local_party: str   # our From in requests we send, with our tag
    remote_party: str  # their To in requests we send, with their tag
    remote_target: str
    route_set: list[str]
    local_cseq: int
    transport: str = "UDP"
    fallback: Peer | None = None  # where to send when the target is not an IP address
    local_tag: str = ""  # our tag in local_party: with the Call-ID, how requests find us

    def request(self, method: str, via_host: str, *, cseq: int | None = None,
                body: bytes = b"", headers: tuple[tuple[str, str], ...] = ()) -> Request:
        """A new in-dialog request; ACK and CANCEL reuse the CSeq number they are given."""
        if cseq is None:
            self.local_cseq += 1
            cseq = self.local_cseq
        msg = Request(method=method, uri=self.remote_target, body=body)
        msg.headers = [
            ("Via", f"SIP/2.0/{self.transport} {via_host};branch={new_branch()};rport"),
            ("Max-Forwards", "70"),
            ("From", self.local_party),
            ("To", self.remote_party),
            ("Call-ID", self.call_id),
            ("CSeq", f"{cseq} {method}"),
        ]
        msg.headers += [("Route", route) for route in self.route_set]
        msg.headers += list(headers)
        return msg

    def peer(self) -> Peer:
        """The next hop: the first route, else the remote target (§12.2.1.1, loose routing)."""
        hop = parse_name_addr(self.route_set[0]).uri if self.route_set else None
        target = hop if hop is not None else parse_name_addr(f"<{self.remote_target}>").uri
        if isinstance(target, SipUri) and _is_ip(target.host):
            transport = (target.param("transport") or self.transport).upper()
            return shared_peer(transport, target.host.strip("[]"), target.port or 5060)
        assert self.fallback is not None, "no route to a non-IP target"
        return self.fallback


def from_invite(invite: Request, local_tag: str, peer: Peer) -> Dialog:
    """The UAS side of a dialog, made when we answer an INVITE."""
    contacts = invite.contacts
    target = str(contacts[0].uri) if contacts else str(invite.from_.uri)
    to = invite.to.with_tag(local_tag)
    return Dialog(
        call_id=invite.call_id,
        local_party=str(to),
        remote_party=invite.get("From") or "",
        remote_target=target,
        route_set=invite.get_all("Record-Route"),
        local_cseq=0,
        transport=peer.transport,
        fallback=peer,
        local_tag=local_tag,
    )


def from_response(invite: Request, response: Response, peer: Peer) -> Dialog:
    """The UAC side, made from our INVITE and the 1xx/2xx that carries a To tag."""
    contacts = response.contacts
    target = str(contacts[0].uri) if contacts else invite.uri
    return Dialog(
        call_id=invite.call_id,
        local_party=invite.get("From") or "",
        remote_party=response.get("To") or "",
        remote_target=target,
        route_set=list(reversed(response.get_all("Record-Route"))),
        local_cseq=invite.cseq.number,
        transport=peer.transport,
        fallback=peer,
        local_tag=invite.from_.tag or "",
    )


def _is_ip(host: str) -> bool:
    if host.startswith("["):
        return True
    parts = host.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts)
