"""The SIP shell: UDP and TCP sockets, one clock, and the pure transaction layer.

Bytes come in, `sanity` frames and checks them, `Endpoint` matches transactions, and
whatever the TU must see goes to the `handler` (the call engine). One loop timer is
kept at the endpoint's next deadline. Received requests get `received`/`rport` filled
in their top Via (RFC 3581) and responses go back to the address they came from.

The UDP socket is read here rather than through an asyncio datagram transport, for two
things a transport hides. Each datagram carries its kernel receive time
(`SO_TIMESTAMPNS`), so the handler knows how long it waited in the socket: that wait is
the engine's true queue depth, which the overload guard sheds on. And when the
endpoint's timer fires, datagrams already waiting are handled first: the event loop runs
due timers before it reads, so under a backlog Timer A would resend INVITEs whose 180 is
sitting in our own buffer, and the retransmissions would add to the load that caused
them (and a strict peer drops a call on an INVITE it already answered).
"""

from __future__ import annotations

import asyncio
import logging
import math
import socket
import struct
import time
from typing import Protocol, cast

from ..sip import sanity
from ..sip.endpoint import Endpoint, Output, Peer, Transmit, shared_peer
from ..sip.errors import SipError
from ..sip.framing import FramingError, StreamFramer
from ..sip.headers import parse_via, split_commas
from ..sip.message import Message, Request, Response
from ..sip.transaction import ClientTransaction, ServerTransaction

log = logging.getLogger("ringto.sip")
UDP_BUFFER = 8 * 1024 * 1024
MAX_DATAGRAM = 65535
READ_BATCH = 64  # datagrams per readiness callback; timers and other callbacks run between
DRAIN_MAX = 50_000  # a bound on reading ahead of a timer run, beyond the 8 MiB it can hold
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux <asm-generic/socket.h>
_STAMP = struct.Struct("@qq")  # struct timespec
_STAMP_SPACE = socket.CMSG_SPACE(_STAMP.size)


class Handler(Protocol):
    def on_sip(self, output: Output) -> None: ...
    def admit(self, request: Request, peer: Peer, waited: float) -> bool: ...


class SipTransport:
    """Owns the sockets and the endpoint; the engine talks to the network only here."""

    def __init__(self, loop: asyncio.AbstractEventLoop, host: str, port: int) -> None:
        self.loop = loop
        self.host = host
        self.port = port
        self.endpoint = Endpoint()
        self.handler: Handler | None = None
        self.counters: dict[str, int] = {"received": 0, "malformed": 0, "sent": 0,
                                         "send_dropped": 0}
        self._udp: socket.socket | None = None
        self._tcp_server: asyncio.AbstractServer | None = None
        self._streams: dict[tuple[str, int], asyncio.Transport] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._timer_due: float | None = None

    async def start(self) -> None:
        family, _, _, _, address = (await self.loop.getaddrinfo(
            self.host, self.port, type=socket.SOCK_DGRAM))[0]
        self._udp = udp = socket.socket(family, socket.SOCK_DGRAM)
        try:
            udp.bind(address)
            udp.setblocking(False)
            _grow_buffers(udp)
            udp.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        except OSError:
            udp.close()
            self._udp = None
            raise
        self.port = udp.getsockname()[1]
        self.loop.add_reader(udp.fileno(), self._read_udp, READ_BATCH)
        self._tcp_server = await self.loop.create_server(
            lambda: _Stream(self), self.host, self.port, reuse_address=True)

    def close(self) -> None:
        if self._udp:
            self.loop.remove_reader(self._udp.fileno())
            self._udp.close()
            self._udp = None
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
                self._send_udp(data, (peer.host, peer.port))
            return
        stream = self._streams.get((peer.host, peer.port))
        if stream is not None and not stream.is_closing():
            stream.write(data)
        else:
            self.loop.create_task(self._connect_and_send(data, peer))

    def _send_udp(self, data: bytes, address: tuple[str, int]) -> None:
        try:
            self._udp.sendto(data, address)  # type: ignore[union-attr]
        except BlockingIOError:  # 8 MiB of sends queued: lost like on the wire, resent later
            self.counters["send_dropped"] += 1
        except OSError as exc:
            log.debug("udp send to %s:%s failed: %s", address[0], address[1], exc)

    async def _connect_and_send(self, data: bytes, peer: Peer) -> None:
        try:
            await self.loop.create_connection(lambda: _Stream(self, data), peer.host, peer.port)
        except OSError as exc:
            log.warning("tcp connect to %s:%s failed: %s", peer.host, peer.port, exc)

    # -- inbound --------------------------------------------------------------------
    def _read_udp(self, limit: int, arrived_by: float = math.inf) -> None:
        """Handle up to `limit` waiting datagrams, each with the time it spent queued,
        stopping after the first that reached the socket at `arrived_by` or later."""
        for _ in range(limit):
            udp = self._udp
            if udp is None:  # closed by what the last datagram set off
                return
            try:
                data, ancillary, _, addr = udp.recvmsg(MAX_DATAGRAM, _STAMP_SPACE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # e.g. ICMP port unreachable reported on the socket
                log.debug("udp error: %s", exc)
                continue
            now = time.time()
            stamp = now
            if ancillary:
                seconds, nanos = _STAMP.unpack_from(ancillary[0][2])
                stamp = min(now, seconds + nanos * 1e-9)
            if data.strip():  # else a keep-alive
                self.received(data, shared_peer("UDP", addr[0], addr[1]), now - stamp)
            if stamp >= arrived_by:
                return

    def received(self, data: bytes, peer: Peer, waited: float = 0.0) -> None:
        """One datagram (or framed stream message); `waited` is its time in the socket."""
        self.counters["received"] += 1
        try:
            message = sanity.parse_inbound(data)
        except SipError as err:
            self._refuse(data, err, peer)
            return
        self.received_message(message, peer, waited)

    def received_message(self, message: Message, peer: Peer, waited: float = 0.0) -> None:
        try:
            if isinstance(message, Response):
                sanity.check_response(message)
                self._dispatch(self.endpoint.on_response(message, self.loop.time()))
                return
            assert isinstance(message, Request)
            sanity.check_request(message)
            self._stamp_via(message, peer)
            if self.handler is not None and not self.handler.admit(message, peer, waited):
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
        self._read_udp(DRAIN_MAX, time.time())  # all that came before this run (docstring)
        self._dispatch(self.endpoint.tick(self.loop.time()))


def _grow_buffers(sock: socket.socket) -> None:
    """A burst of datagrams while the loop is busy must wait in the kernel, not be dropped:
    every drop costs a retransmission later, which is how overload turns into collapse."""
    for option, force in ((socket.SO_RCVBUF, 33), (socket.SO_SNDBUF, 32)):  # *BUFFORCE
        try:
            sock.setsockopt(socket.SOL_SOCKET, force, UDP_BUFFER)
        except OSError:  # not privileged: the kernel caps it at net.core.[rw]mem_max
            sock.setsockopt(socket.SOL_SOCKET, option, UDP_BUFFER)


class _Stream(asyncio.Protocol):
    def __init__(self, owner: SipTransport, first: bytes | None = None) -> None:
        self.owner = owner
        self.first = first
        self.framer = StreamFramer()
        self.transport: asyncio.Transport | None = None
        self.peer: Peer | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        stream = cast(asyncio.Transport, transport)  # uvloop's is not a subclass: no check
        self.transport = stream
        host, port = stream.get_extra_info("peername")[:2]
        self.peer = Peer("TCP", host, port)
        self.owner._streams[(host, port)] = stream
        if self.first:
            stream.write(self.first)

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
