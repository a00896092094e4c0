#!/usr/bin/env python3
"""CPU per call on ringto's SIP forward path, in one process, without sockets.

`bench/sip_cps.sh` answers "how many calls/s on this machine", but its figure moves
with the machine, the kernel and the two sipps sharing the cores. This bench answers
"how much work does ringto do per call" repeatably, so a change to the hot path can
be judged in a minute: it builds the same `Node` as `ringto serve` (SQLite records,
fraud guard and detector on), puts a list where the UDP socket would be, and plays
each call's datagrams as sipp's carrier and ring-to phone would (INVITE, 180, 200,
ACK, BYE, 200; a new caller number per call, as in sip_cps.sh).

Reported per call: the event loop's CPU inside ringto (thread time around each
datagram ringto handles and each timer run; the bench's own message building is not
counted), the other threads' and the record writer process's CPU (record writer,
fraud detector; from /proc), and their sum. `--profile` adds cProfile's top functions of the
loop's share. Syscalls are not in the figure: ringto's `sendto` goes to the list.

Usage: .venv/bin/python bench/call_path.py [--calls 5000] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path

from ringto import config
from ringto.app import Node, _tune_gc
from ringto.numbers.service import add_number
from ringto.sip.build import make_response
from ringto.sip.endpoint import Peer
from ringto.sip.message import Request, Response, parse_datagram

LISTEN = ("127.0.0.1", 25999)
CARRIER = Peer("UDP", "127.0.0.1", 25001)
PHONE = Peer("UDP", "127.0.0.1", 25010)
SERVICE = "+318000200000"
SDP = (b"v=0\r\no=- 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
       b"t=0 0\r\nm=audio 6000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n")


class Wire:
    """Stands in for the UDP socket: what ringto sends, by destination port."""

    def __init__(self) -> None:
        self.sent: list[tuple[bytes, tuple[str, int]]] = []

    def sendto(self, data: bytes, addr: tuple[str, int]) -> None:
        self.sent.append((data, addr))

    def recvmsg(self, *_: int) -> tuple[bytes, list, int, tuple[str, int]]:
        """Nothing waits in this socket: the bench hands datagrams in itself."""
        raise BlockingIOError

    def close(self) -> None:
        self.sent = []

    def take(self, port: int) -> list[bytes]:
        mine = [data for data, addr in self.sent if addr[1] == port]
        self.sent = [(data, addr) for data, addr in self.sent if addr[1] != port]
        return mine


def caller_request(n: int, method: str, cseq: int, to: str, body: bytes = b"") -> bytes:
    caller = f"+3161{n:07d}"
    head = (f"{method} sip:{SERVICE}@{LISTEN[0]}:{LISTEN[1]} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{CARRIER.port};branch=z9hG4bK-{n}-{cseq}\r\n"
            f"From: <sip:{caller}@127.0.0.1:{CARRIER.port}>;tag={n}SIPpTag00\r\n"
            f"To: {to}\r\nCall-ID: {n}-bench@127.0.0.1\r\nCSeq: {cseq} {method}\r\n"
            f"Contact: <sip:{caller}@127.0.0.1:{CARRIER.port}>\r\nMax-Forwards: 70\r\n"
            + ("Subject: ringto bench\r\nContent-Type: application/sdp\r\n" if body else "")
            + f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


def phone_answer(request: Request, status: int, tag: str, body: bytes = b"") -> bytes:
    headers = (("Contact", f"<sip:127.0.0.1:{PHONE.port}>"),)
    if body:
        headers += (("Content-Type", "application/sdp"),)
    return make_response(request, status, to_tag=tag, headers=headers, body=body).serialise()


class Bench:
    def __init__(self, node: Node, wire: Wire, profiler: cProfile.Profile | None) -> None:
        self.node, self.wire, self.profiler = node, wire, profiler
        self.loop_cpu = 0.0

    def deliver(self, data: bytes, peer: Peer) -> None:
        """Hand one datagram to ringto, timing (and profiling) only ringto's work."""
        if self.profiler:
            self.profiler.enable()
        t0 = time.thread_time()
        self.node.transport.received(data, peer)
        self.loop_cpu += time.thread_time() - t0
        if self.profiler:
            self.profiler.disable()

    async def run_timers(self) -> None:
        t0 = time.thread_time()
        await asyncio.sleep(0)
        self.loop_cpu += time.thread_time() - t0

    def call(self, n: int) -> None:
        to = f"<sip:{SERVICE}@{LISTEN[0]}:{LISTEN[1]}>"
        self.deliver(caller_request(n, "INVITE", 1, to, SDP), CARRIER)
        (invite_out,) = [m for m in map(parse_datagram, self.wire.take(PHONE.port))
                         if isinstance(m, Request)]
        assert isinstance(invite_out, Request)
        tag = f"{n}SIPpTag01"
        self.deliver(phone_answer(invite_out, 180, tag), PHONE)
        self.deliver(phone_answer(invite_out, 200, tag, SDP), PHONE)
        answers = [parse_datagram(d) for d in self.wire.take(CARRIER.port)]
        ok = [r for r in answers if isinstance(r, Response) and r.status == 200]
        if not ok:
            raise SystemExit(f"call {n}: no 200 for the caller: {answers!r}")
        to = ok[0].get("To") or to
        self.deliver(caller_request(n, "ACK", 1, to), CARRIER)
        self.deliver(caller_request(n, "BYE", 2, to), CARRIER)
        byes = [m for m in map(parse_datagram, self.wire.take(PHONE.port))
                if isinstance(m, Request) and m.method == "BYE"]
        for bye in byes:
            self.deliver(phone_answer(bye, 200, tag), PHONE)
        self.wire.take(CARRIER.port)


def thread_cpu_s(writer_pid: int | None) -> dict[int, float]:
    """CPU seconds of each of our threads, and of the record writer process's."""
    tasks = [*Path("/proc/self/task").iterdir()]
    if writer_pid is not None:
        tasks += Path(f"/proc/{writer_pid}/task").iterdir()
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for task in tasks:
        fields = (task / "stat").read_text().rpartition(")")[2].split()
        out[int(task.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return out


async def main(calls: int, profile: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = config.load({
            "RINGTO_DATA_DIR": tmp, "RINGTO_SIP_LISTEN": f"{LISTEN[0]}:{LISTEN[1]}",
            "RINGTO_TRUNK": f"127.0.0.1:{PHONE.port}", "RINGTO_MEDIA_ANCHOR": "needed",
            "RINGTO_LOG_LEVEL": "warning"})
        node = Node.build(settings, asyncio.get_running_loop())
        add_number(node.sessions, SERVICE, ["+31201234567"])
        node.directory.refresh()
        wire = Wire()
        node.transport._udp = wire  # type: ignore[assignment]
        _tune_gc()
        profiler = cProfile.Profile() if profile else None
        bench = Bench(node, wire, profiler)
        for n in range(200):  # warm caches and the database file
            bench.call(n)
        node.writer.flush()
        bench.loop_cpu = 0.0
        main_tid = os.getpid()
        writer_pid = node.writer.process.pid if node.writer.process else None
        before, wall = thread_cpu_s(writer_pid), time.perf_counter()
        for n in range(1000, 1000 + calls):
            bench.call(n)
            await bench.run_timers()
        node.writer.flush()
        node.detector.flush()
        after, wall = thread_cpu_s(writer_pid), time.perf_counter() - wall
        others = sum(after[t] - before.get(t, 0.0) for t in after if t != main_tid)
        node.transport._udp = None  # the Wire was never registered with the loop
        node.close()
    loop_us, other_us = bench.loop_cpu / calls * 1e6, others / calls * 1e6
    print(f"{calls} calls in {wall:.1f} s")
    print(f"event loop   {loop_us:7.1f} us/call")
    print(f"others       {other_us:7.1f} us/call  (record writer process, fraud detector)")
    print(f"total        {loop_us + other_us:7.1f} us/call")
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    import uvloop

    uvloop.run(main(args.calls, args.profile))
