"""bench/media_relay.py - ringto's media relay under N concurrent 20 ms RTP calls.

Target `ringto` (default): a relay process opens N `MediaSession`s (both sides bridged, optionally recorded to
stereo WAV, optionally transcoding PCMU<->PCMA) on 127.0.0.1; this process is the two
phones of every call: each phone sends a 160-byte G.711 frame every 20 ms to its side
of the session and receives what the other phone sent. Target `rtpengine`: the same
phones through Debian's rtpengine (`rtpengine-daemon`, userspace forwarding:
`--table=-1`, no kernel module), each call
set up with an ng-protocol offer and answer; with both targets in one run the script
prints ringto's ratio. Per step it reports:

* loss: packets sent but never received (after a 0.5 s drain), in %;
* jitter: RFC 3550 interarrival jitter averaged over the streams, in ms, through the
  relay and, for the same load without the relay (the phones sending straight to each
  other), the baseline; "added" is the difference: what the relay adds;
* p99 transit: send-to-receive time through the relay, 99th percentile, in ms;
* CPU: the relay process's user+system time over the step's wall time, in % of one core,
  and per packet it received (the figure that says how many calls one core carries,
  whatever else loads the machine); the phones' own CPU, to see when they are the
  limit; and the share of the step the relay spent runnable but waiting for a CPU
  (schedstat), which says how much a shared machine held it back.

Usage: .venv/bin/python bench/media_relay.py [--calls 50 100 200 300] [--seconds 20]
                                              [--record] [--transcode] [--target ringto rtpengine]
(--record and --transcode apply to ringto; rtpengine always relays PCMU unchanged.)
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import re
import resource
import socket
import statistics
import struct
import subprocess
import tempfile
import time
from array import array
from pathlib import Path

HOST = "127.0.0.1"
FRAME = b"\xff" * 160
_HEADER = struct.Struct("!BBHII")


def _runqueue_wait() -> float:
    """Seconds this process's main thread spent runnable but waiting for a CPU (Linux
    schedstat): how much other load on the machine held the relay back."""
    try:
        return int(Path("/proc/thread-self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return float("nan")


def relay_main(conn, calls: int, record: bool, transcode: bool, port_range: str) -> None:
    """The relay process: open, bridge and (maybe) record `calls` sessions, then report."""
    import uvloop

    from ringto.media.ports import PortPool
    from ringto.media.session import MediaSession

    async def run() -> None:
        pool = PortPool.from_range(port_range)
        sessions = [await MediaSession.open(pool, HOST) for _ in range(calls)]
        assert all(sessions), f"port range too small for the step: {pool.in_use} in use, {pool.free} free"
        conn.send([(s.caller.port, s.callee.port) for s in sessions])
        phones = conn.recv()
        tmp = tempfile.TemporaryDirectory(prefix="ringto-bench-")
        for index, (session, (a, b)) in enumerate(zip(sessions, phones, strict=True)):
            session.caller.set_remote(HOST, a, "PCMU", 0, 101)
            session.callee.set_remote(HOST, b, "PCMA" if transcode else "PCMU", 8 if transcode else 0, 101)
            session.bridge()
            if record:
                session.start_recording(Path(tmp.name) / f"{index}.wav")
        conn.send("ready")
        before, waited = resource.getrusage(resource.RUSAGE_SELF), _runqueue_wait()
        started = time.monotonic()
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # "stop"
        after, waited = resource.getrusage(resource.RUSAGE_SELF), _runqueue_wait() - waited
        wall = time.monotonic() - started
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        for session in sessions:
            session.close()
        tmp.cleanup()
        conn.send((cpu, wall, waited))

    uvloop.run(run())


def bencode(value) -> bytes:
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(map(bencode, value)) + b"e"
    return b"d" + b"".join(bencode(k) + bencode(v) for k, v in sorted(value.items())) + b"e"


def bdecode(data: bytes, i: int = 0):
    """(value, next index) of the bencoded value at data[i]; strings come back as str."""
    kind = data[i:i + 1]
    if kind == b"i":
        end = data.index(b"e", i)
        return int(data[i + 1:end]), end + 1
    if kind in (b"l", b"d"):
        items, i = [], i + 1
        while data[i:i + 1] != b"e":
            item, i = bdecode(data, i)
            items.append(item)
        return (items if kind == b"l" else dict(zip(items[::2], items[1::2], strict=True))), i + 1
    colon = data.index(b":", i)
    end = colon + 1 + int(data[i:colon])
    return data[colon + 1:end].decode(), end


class Rtpengine:
    """Debian's rtpengine in userspace, driven over its ng control protocol."""

    def __init__(self, port_range: str, ng_port: int = 22230) -> None:
        low, high = port_range.split("-")
        self.ng = (HOST, ng_port)
        self.process = subprocess.Popen(
            ["rtpengine", "--config-file=none", "--foreground", "--table=-1", f"--interface={HOST}",
             f"--listen-ng={HOST}:{ng_port}", f"--port-min={low}", f"--port-max={high}", "--log-level=3"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(2)
        self._cookie = 0
        for _ in range(50):
            try:
                self.command({"command": "ping"})
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("rtpengine did not answer ng pings (apt-get install rtpengine-daemon)")

    def command(self, message: dict) -> dict:
        self._cookie += 1
        cookie = b"%d" % self._cookie
        self.sock.sendto(cookie + b" " + bencode(message), self.ng)
        while True:
            reply = self.sock.recv(65535)
            if reply.startswith(cookie + b" "):
                return bdecode(reply, len(cookie) + 1)[0]

    def call(self, index: int, caller_port: int, callee_port: int) -> tuple[int, int]:
        """Set up one call; the ports rtpengine gives the caller and the callee to send to."""
        def sdp(port: int) -> str:
            return (f"v=0\r\no=- 1 1 IN IP4 {HOST}\r\ns=-\r\nc=IN IP4 {HOST}\r\nt=0 0\r\n"
                    f"m=audio {port} RTP/AVP 0\r\na=sendrecv\r\n")
        common = {"call-id": f"bench-{index}", "from-tag": "caller"}
        offer = self.command({"command": "offer", "sdp": sdp(caller_port), **common})
        answer = self.command({"command": "answer", "sdp": sdp(callee_port), "to-tag": "callee", **common})
        ports = [int(re.search(r"m=audio (\d+)", reply["sdp"]).group(1)) for reply in (answer, offer)]
        return ports[0], ports[1]

    def usage(self) -> tuple[float, float]:
        """(CPU seconds, seconds runnable but waiting for a CPU) over all its threads."""
        cpu = waited = 0.0
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            fields = (task / "stat").read_text().rpartition(")")[2].split()
            cpu += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            waited += int((task / "schedstat").read_text().split()[1]) / 1e9
        return cpu, waited

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        self.sock.close()


class Phone(asyncio.DatagramProtocol):
    """One end of one call: sends frame k at sent[k], keeps transit and jitter of arrivals."""

    def __init__(self) -> None:
        self.sent = array("d")
        self.received = 0
        self.jitter = 0.0
        self.transits: list[float] = []
        self._last_transit: float | None = None
        self.peer: Phone | None = None
        self.transport: asyncio.DatagramTransport | None = None

    def datagram_received(self, data: bytes, addr) -> None:
        now = time.monotonic()
        seq = _HEADER.unpack_from(data)[2]
        assert self.peer is not None
        if seq >= len(self.peer.sent):  # a late packet of an earlier step's call on this port
            return
        transit = now - self.peer.sent[seq]
        if self._last_transit is not None:  # RFC 3550 §6.4.1, in seconds
            self.jitter += (abs(transit - self._last_transit) - self.jitter) / 16
        self._last_transit = transit
        self.received += 1
        if self.received % 5 == 0:
            self.transits.append(transit)


async def open_phones(calls: int):
    """Two phones a call, each knowing the other (its peer's send times give transit)."""
    loop = asyncio.get_running_loop()
    pairs = []
    for _ in range(calls):
        pair = []
        for _ in range(2):
            transport, phone = await loop.create_datagram_endpoint(Phone, local_addr=(HOST, 0))
            phone.transport = transport
            pair.append(phone)
        pair[0].peer, pair[1].peer = pair[1], pair[0]
        pairs.append(pair)
    ports = [tuple(_port(p) for p in pair) for pair in pairs]
    return pairs, ports


def _port(phone: Phone) -> int:
    return phone.transport.get_extra_info("sockname")[1]


async def talk(pairs, targets, seconds: float, callee_pt: int = 0) -> None:
    """Every phone sends a frame every 20 ms; four staggered groups smooth the bursts."""
    loop = asyncio.get_running_loop()
    flat = [(phone, targets[i][side] if targets else _port(phone.peer), (0, callee_pt)[side], side)
            for i, pair in enumerate(pairs) for side, phone in enumerate(pair)]
    groups = [flat[g::4] for g in range(4)]
    start = loop.time() + 0.05
    frames = int(seconds / 0.02)
    for k in range(frames):
        for g, group in enumerate(groups):
            delay = start + k * 0.02 + g * 0.005 - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            now = time.monotonic()
            for phone, port, pt, side in group:
                phone.sent.append(now)
                phone.transport.sendto(_HEADER.pack(0x80, pt, k, k * 160, 1000 + side) + FRAME, (HOST, port))
    await asyncio.sleep(0.5)


def summarise(pairs) -> dict[str, float]:
    phones = [p for pair in pairs for p in pair]
    sent = sum(len(p.sent) for p in phones)
    received = sum(p.received for p in phones)
    transits = sorted(t for p in phones for t in p.transits)
    return {
        "loss_pct": 100.0 * (sent - received) / sent,
        "jitter_ms": 1000 * statistics.fmean(p.jitter for p in phones),
        "p99_ms": 1000 * transits[int(0.99 * (len(transits) - 1))] if transits else float("nan"),
    }


async def baseline(calls: int, seconds: float) -> dict[str, float]:
    pairs, _ = await open_phones(calls)
    await talk(pairs, None, seconds)
    for pair in pairs:
        for phone in pair:
            phone.transport.close()
    return summarise(pairs)


async def through_relay(conn, calls: int, seconds: float, callee_pt: int) -> dict[str, float]:
    targets = conn.recv()
    pairs, ports = await open_phones(calls)
    conn.send(ports)
    assert conn.recv() == "ready"
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    await talk(pairs, targets, seconds, callee_pt)
    after = resource.getrusage(resource.RUSAGE_SELF)
    conn.send("stop")
    result = summarise(pairs)
    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    result["phones_cpu_pct"] = 100 * used / (time.monotonic() - started)
    cpu, wall, waited = conn.recv()
    sent = sum(len(p.sent) for pair in pairs for p in pair)
    result.update(cpu_pct=100 * cpu / wall, us_per_packet=1e6 * cpu / sent, starved=waited / wall)
    for pair in pairs:
        for phone in pair:
            phone.transport.close()
    return result


async def through_rtpengine(calls: int, seconds: float, port_range: str) -> dict[str, float]:
    engine = Rtpengine(port_range)
    try:
        pairs, ports = await open_phones(calls)
        targets = [engine.call(i, a, b) for i, (a, b) in enumerate(ports)]
        (cpu, waited), started = engine.usage(), time.monotonic()
        await talk(pairs, targets, seconds)
        (cpu_after, waited_after), wall = engine.usage(), time.monotonic() - started
    finally:
        engine.stop()
    result = summarise(pairs)
    sent = sum(len(p.sent) for pair in pairs for p in pair)
    result.update(cpu_pct=100 * (cpu_after - cpu) / wall, us_per_packet=1e6 * (cpu_after - cpu) / sent,
                  starved=(waited_after - waited) / wall, phones_cpu_pct=float("nan"))
    for pair in pairs:
        for phone in pair:
            phone.transport.close()
    return result


def run_ringto(calls: int, args) -> dict[str, float]:
    import uvloop

    ctx = mp.get_context("spawn")
    ours, theirs = ctx.Pipe()
    relay = ctx.Process(target=relay_main, args=(theirs, calls, args.record, args.transcode, args.ports))
    relay.start()
    result = uvloop.run(through_relay(ours, calls, args.seconds, 8 if args.transcode else 0))
    relay.join(10)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, nargs="+", default=[50, 100, 200, 300])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--transcode", action="store_true")
    parser.add_argument("--target", nargs="+", choices=["ringto", "rtpengine"], default=["ringto"])
    parser.add_argument("--ports", default="45000-49999")
    args = parser.parse_args()
    import uvloop

    print(f"# media relay bench: record={args.record} transcode={args.transcode} "
          f"seconds={args.seconds} nproc={mp.cpu_count()}")
    print("| target | calls | loss % | jitter ms (relay / direct / added) | p99 transit ms "
          "| relay CPU % of a core | relay CPU µs/packet | phones CPU % | relay waiting for a CPU % |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for calls in args.calls:
        direct = uvloop.run(baseline(calls, args.seconds))
        results = {}
        for target in args.target:
            if target == "ringto":
                result = run_ringto(calls, args)
            else:
                result = uvloop.run(through_rtpengine(calls, args.seconds, args.ports))
            results[target] = result
            added = result["jitter_ms"] - direct["jitter_ms"]
            print(f"| {target} | {calls} | {result['loss_pct']:.3f} | "
                  f"{result['jitter_ms']:.2f} / {direct['jitter_ms']:.2f} / {added:+.2f} | "
                  f"{result['p99_ms']:.2f} | {result['cpu_pct']:.0f} | {result['us_per_packet']:.1f} | "
                  f"{result['phones_cpu_pct']:.0f} | {100 * result['starved']:.0f} |", flush=True)
        if len(results) == 2:
            ratio = results["ringto"]["us_per_packet"] / results["rtpengine"]["us_per_packet"]
            print(f"| ratio | {calls} | CPU per packet ringto ÷ rtpengine = {ratio:.2f} |||||||", flush=True)


if __name__ == "__main__":
    main()
