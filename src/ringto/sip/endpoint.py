"""The transaction layer (§17.1.3, §17.2.3): matching, timers, and what goes to the TU.

Pure: messages and `now` in, `Transmit` and TU events out. One heap holds every
transaction's next deadline; `next_deadline()` tells the shell when to call `tick`.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from functools import lru_cache
from itertools import count
from typing import NamedTuple

from .headers import MAGIC_COOKIE
from .message import Request, Response
from .transaction import ClientTransaction, Deliver, Send, ServerTransaction, TimedOut


class Peer(NamedTuple):
    """Where a message came from or goes to; for TCP the connection is found by address."""

    transport: str
    host: str
    port: int


@lru_cache(maxsize=4096)
def shared_peer(transport: str, host: str, port: int) -> Peer:
    """One Peer per address, shared by every message from or to it: a call's transactions
    hold their peer for 32 s, and a new tuple per datagram or request was garbage the
    collector kept walking. Bounded, so a scan from random ports cannot grow it."""
    return Peer(transport, host, port)


@dataclass(slots=True)
class Transmit:
    data: bytes
    peer: Peer


@dataclass(slots=True)
class NewRequest:
    """A request that starts a server transaction (ACK for 2xx has `tx` None)."""

    request: Request
    peer: Peer
    tx: ServerTransaction | None


@dataclass(slots=True)
class ClientResult:
    tx: ClientTransaction
    response: Response | None  # None: timed out


@dataclass(slots=True)
class ServerTimeout:
    """A final response was never ACKed (Timer H / L)."""

    tx: ServerTransaction


Output = Transmit | NewRequest | ClientResult | ServerTimeout


def server_key(request: Request) -> tuple[str, ...]:
    via = request.top_via
    method = "INVITE" if request.method == "ACK" else request.method
    branch = via.branch or ""
    if branch.startswith(MAGIC_COOKIE):
        return (branch, via.sent_by.lower(), method)
    # RFC 2543 peers: no usable branch, match on the dialog-identifying fields (§17.2.3)
    return (request.call_id, request.from_.tag or "", str(request.cseq.number), via.sent_by, method)


def client_key(branch: str, method: str) -> tuple[str, str]:
    return (branch, "INVITE" if method == "ACK" else method)


class Endpoint:
    def __init__(self) -> None:
        self.servers: dict[tuple[str, ...], ServerTransaction] = {}
        self.clients: dict[tuple[str, ...], ClientTransaction] = {}
        self._heap: list[tuple[float, int, ClientTransaction | ServerTransaction]] = []
        self._seq = count()

    # -- inbound --------------------------------------------------------------------
    def on_request(self, request: Request, peer: Peer, now: float) -> list[Output]:
        key = server_key(request)
        tx = self.servers.get(key)
        if request.method == "ACK":
            if tx is not None:
                return self._run(tx, tx.on_ack(now))
            return [NewRequest(request, peer, None)]  # ACK for a 2xx: the TU's business
        if tx is not None:
            return self._run(tx, tx.on_retransmission())
        tx = ServerTransaction(request, peer.transport != "UDP", now, peer=peer, key=key)
        self.servers[key] = tx
        return [NewRequest(request, peer, tx)]

    def on_response(self, response: Response, now: float) -> list[Output]:
        via = response.top_via
        tx = self.clients.get(client_key(via.branch or "", response.cseq.method))
        if tx is None:
            return []  # stray: a retransmitted 2xx after Timer M is handled by dialogs
        return self._run(tx, tx.on_response(response, now))

    # -- from the TU ----------------------------------------------------------------
    def send_request(
        self, request: Request, peer: Peer, now: float
    ) -> tuple[ClientTransaction, list[Output]]:
        key = client_key(request.top_via.branch or "", request.method)
        tx = ClientTransaction(request, peer.transport != "UDP", now, peer=peer, key=key)
        self.clients[key] = tx
        return tx, self._run(tx, tx.start())

    def respond(self, tx: ServerTransaction, response: Response, now: float) -> list[Output]:
        return self._run(tx, tx.respond(response, now))

    def acknowledge(self, tx: ServerTransaction, now: float) -> list[Output]:
        """The TU matched an ACK for this transaction's 2xx: stop retransmitting it."""
        return self._run(tx, tx.on_ack(now))

    # -- time -----------------------------------------------------------------------
    def next_deadline(self) -> float | None:
        while self._heap:
            due, _, tx = self._heap[0]
            if tx.deadline() == due:
                return due
            heapq.heappop(self._heap)  # stale entry
        return None

    def tick(self, now: float) -> list[Output]:
        out: list[Output] = []
        while self._heap and self._heap[0][0] <= now:
            due, _, tx = heapq.heappop(self._heap)
            if tx.deadline() == due:
                out += self._run(tx, tx.on_timer(now))
        return out

    # -- internals ------------------------------------------------------------------
    def _run(self, tx: ClientTransaction | ServerTransaction, actions: list) -> list[Output]:
        peer = tx.peer
        if peer is None:  # forgotten: a late ACK or answer for a finished transaction
            return []
        out: list[Output] = []
        for action in actions:
            if isinstance(action, Send):
                out.append(Transmit(action.data, peer))
            elif isinstance(action, Deliver):
                out.append(ClientResult(tx, action.response))  # type: ignore[arg-type]
            elif isinstance(action, TimedOut):
                out.append(ClientResult(tx, None) if isinstance(tx, ClientTransaction)
                           else ServerTimeout(tx))
        if tx.terminated:
            self._forget(tx)
        else:
            due = tx.deadline()
            if due is not None:
                heapq.heappush(self._heap, (due, next(self._seq), tx))
        return out

    def _forget(self, tx: ClientTransaction | ServerTransaction) -> None:
        if tx.peer is None:
            return
        tx.peer = None
        if isinstance(tx, ClientTransaction):
            self.clients.pop(tx.key, None)
        else:
            self.servers.pop(tx.key, None)

    def __len__(self) -> int:
        return len(self.servers) + len(self.clients)
