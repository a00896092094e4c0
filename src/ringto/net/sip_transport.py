"""The SIP shell: UDP and TCP sockets, one clock, and the pure transaction layer.

Bytes come in, `sanity` frames and checks them, `Endpoint` matches transactions, and
whatever the TU must see goes to the `handler` (the call engine). One loop timer is
kept at the endpoint's next deadline. Received requests get `received`/`rport` filled
in their top Via (RFC 3581) and responses go back to the address they came from.

When that timer fires, datagrams already waiting in the socket are handled first: the
event loop runs due timers before it reads, so under a backlog Timer A would resend
INVITEs whose 180 is sitting in our own buffer, and the retransmissions would add to the
load that caused them (and a strict peer drops a call on an INVITE it already answered).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from typing import Protocol

from ..sip import sanity
from ..sip.endpoint import Endpoint, Output, Peer, Transmit
from ..sip.errors import SipError
from ..sip.framing import FramingError, StreamFramer
from ..sip.headers import parse_via, split_commas
from ..sip.message import Message, Request, Response
from ..sip.transaction import ClientTransaction, ServerTransaction

log = logging.getLogger("ringto.sip")
UDP_BUFFER = 8 * 1024 * 1024
DRAIN_MAX = 1000  # datagrams read ahead of a timer run: bounds how late timers can be


class Handler(Protocol):
    def on_sip(self, output: Output) -> None: ...
    def admit(self, request: Request, peer: Peer) -> bool: ...


class SipTransport:
    """Owns the sockets and the endpoint; the engine talks to the network only here."""

    def __init__(self, loop: asyncio.AbstractEventLoop, host: str, port: int) -> None:
        self.loop = loop
        self.host = host
        self.port = port
        self.endpoint = Endpoint()
        self.handler: Handler | None = None
        self.counters: dict[str, int] = {"received": 0, "malformed": 0, "sent": 0}
        self._udp: asyncio.DatagramTransport | None = None
        self._tcp_server: asyncio.AbstractServer | None = None
        self._streams: dict[tuple[str, int], asyncio.Transport] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._timer_due: float | None = None
        self._reader: socket.socket | None = None  # the UDP socket, for reading ahead of timers

    async def start(self) -> None:
        self._udp, _ = await self.loop.create_datagram_endpoint(
            lambda: _Datagram(self), local_addr=(self.host, self.port))
        sock = self._udp.get_extra_info("socket")
        _grow_buffers(sock)
        self._reader = socket.socket(fileno=os.dup(sock.fileno()))
        self._reader.setblocking(False)
        self._tcp_server = await self.loop.create_server(
            lambda: _Stream(self), self.host, self.port, reuse_address=True)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        if self._udp:
            self._udp.close()
        if self._tcp_server:
            self._tcp_server.close()
        for stream in list(self._streams.values()):
            stream.close()

    # -- outbound -------------------------------------------------------------------
    def send_request(self, request: Request, peer: Peer) -> ClientTransaction:
        tx, outputs = self.endpoint.send_request(request, peer, self.loop.time())
        self._dispatch(outputs)
        return tx

    def respond(self, tx: ServerTransaction, response: Response) -> None:
        self._dispatch(self.endpoint.respond(tx, response, self.loop.time()))

    def acknowledge(self, tx: ServerTransaction) -> None:
        self._dispatch(self.endpoint.acknowledge(tx, self.loop.time()))

    def send_raw(self, data: bytes, peer: Peer) -> None:
        """Stateless sends: ACK for 2xx, errors answered without a transaction."""
        self.counters["sent"] += 1
        if peer.transport == "UDP":
            if self._udp is not None:
                self._udp.sendto(data, (peer.host, peer.port))
            return
        stream = self._streams.get((peer.host, peer.port))
        if stream is not None and not stream.is_closing():
            stream.write(data)
        else:
            self.loop.create_task(self._connect_and_send(data, peer))

    async def _connect_and_send(self, data: bytes, peer: Peer) -> None:
        try:
            await self.loop.create_connection(lambda: _Stream(self, data), peer.host, peer.port)
        except OSError as exc:
            log.warning("tcp connect to %s:%s failed: %s", peer.host, peer.port, exc)

    # -- inbound --------------------------------------------------------------------
    def received(self, data: bytes, peer: Peer) -> None:
        self.counters["received"] += 1
        try:
            message = sanity.parse_inbound(data)
        except SipError as err:
            self._refuse(data, err, peer)
            return
        self.received_message(message, peer, data)

    def received_message(self, message: Message, peer: Peer, data: bytes = b"") -> None:
        try:
            if isinstance(message, Response):
                sanity.check_response(message)
                self._dispatch(self.endpoint.on_response(message, self.loop.time()))
                return
            assert isinstance(message, Request)
            sanity.check_request(message)
            self._stamp_via(message, peer)
            if self.handler is not None and not self.handler.admit(message, peer):
                return
            self._dispatch(self.endpoint.on_request(message, peer, self.loop.time()))
        except SipError as err:
            self._refuse(message, err, peer)

    def _refuse(self, data: bytes | Message, err: SipError, peer: Peer) -> None:
        self.counters["malformed"] += 1
        log.info("refused message from %s:%s: %s", peer.host, peer.port, err)
        answer = sanity.error_response(data, err) if err.status else None
        if answer is not None:
            self.send_raw(answer, peer)

    @staticmethod
    def _stamp_via(request: Request, peer: Peer) -> None:
        top = request.top_via
        if top.host == peer.host and top.param("rport") is None and top.param("received") is None:
            return  # sent from where it says, no rport asked: nothing to add (most requests)
        for i, (key, value) in enumerate(request.headers):
            if key == "Via":
                parts = split_commas(value)
                parts[0] = str(parse_via(parts[0]).with_received(peer.host, peer.port))
                request.replace_at(i, "Via", ", ".join(parts))
                return

    # -- dispatch and time ----------------------------------------------------------
    def _dispatch(self, outputs: list[Output]) -> None:
        for output in outputs:
            if isinstance(output, Transmit):
                self.send_raw(output.data, output.peer)
            elif self.handler is not None:
                try:
                    self.handler.on_sip(output)
                except Exception:  # one broken call must not take the server down
                    log.exception("engine failed on %s", type(output).__name__)
        self._arm_timer()

    def _arm_timer(self) -> None:
        due = self.endpoint.next_deadline()
        if due is None or (self._timer_due is not None and self._timer_due <= due):
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_due = due
        self._timer = self.loop.call_at(due, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._timer_due = None
        self._drain()
        self._dispatch(self.endpoint.tick(self.loop.time()))

    def _drain(self) -> None:
        """Handle the datagrams that arrived before this timer run (module docstring)."""
        if self._reader is None:
            return
        for _ in range(DRAIN_MAX):
            try:
                data, addr = self._reader.recvfrom(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # e.g. ICMP port unreachable reported on the socket
                log.debug("udp error: %s", exc)
                continue
            if data.strip():
                self.received(data, Peer("UDP", addr[0], addr[1]))


def _grow_buffers(sock: socket.socket) -> None:
    """A burst of datagrams while the loop is busy must wait in the kernel, not be dropped:
    every drop costs a retransmission later, which is how overload turns into collapse."""
    for option, force in ((socket.SO_RCVBUF, 33), (socket.SO_SNDBUF, 32)):  # *BUFFORCE
        try:
            sock.setsockopt(socket.SOL_SOCKET, force, UDP_BUFFER)
        except OSError:  # not privileged: the kernel caps it at net.core.[rw]mem_max
            sock.setsockopt(socket.SOL_SOCKET, option, UDP_BUFFER)


class _Datagram(asyncio.DatagramProtocol):
    def __init__(self, owner: SipTransport) -> None:
        self.owner = owner

    def datagram_received(self, data: bytes, addr: tuple) -> None:
        if data.strip() == b"":
            return  # keep-alive
        self.owner.received(data, Peer("UDP", addr[0], addr[1]))

    def error_received(self, exc: Exception) -> None:
        log.debug("udp error: %s", exc)


class _Stream(asyncio.Protocol):
    def __init__(self, owner: SipTransport, first: bytes | None = None) -> None:
        self.owner = owner
        self.first = first
        self.framer = StreamFramer()
        self.transport: asyncio.Transport | None = None
        self.peer: Peer | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass
        host, port = transport.get_extra_info("peername")[:2]
        self.peer = Peer("TCP", host, port)
        self.owner._streams[(host, port)] = transport
        if self.first:
            transport.write(self.first)

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None and self.peer is not None
        pings = self.framer.pings
        try:
            messages = self.framer.feed(data)
        except FramingError as err:
            self._deliver(err.messages)
            self.owner._refuse(err.data, err, self.peer)
            if err.fatal:
                self.transport.close()
            return
        if self.framer.pings > pings:
            self.transport.write(b"\r\n" * (self.framer.pings - pings))  # RFC 5626 pong
        self._deliver(messages)

    def _deliver(self, messages: list[Message]) -> None:
        assert self.peer is not None
        for message in messages:
            self.owner.received_message(message, self.peer)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.peer is not None:
            self.owner._streams.pop((self.peer.host, self.peer.port), None)
