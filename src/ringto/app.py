"""Wiring one ringto process: settings → store → numbers → SIP shell → call engine."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import compiled
from .calls.anchor import MediaSettings
from .calls.engine import Engine
from .calls.keeper import Keeper
from .calls.overload import Overload
from .calls.records import RecordWriter, close_interrupted
from .config import ConfigError, Settings
from .fraud.detector import Detector
from .fraud.live import keep_guard_current, start_fraud
from .fraud.verdict import Guard
from .jobs import start_jobs
from .media.ports import PortPool
from .net.sip_transport import SipTransport
from .numbers.service import NumberDirectory
from .sip.endpoint import Peer
from .store.db import make_engine, make_session_factory
from .store.migrate import upgrade

log = logging.getLogger("ringto")
REFRESH_S = 2.0
MEDIA_CHECK_S = 1.0
GC_YOUNG = 5_000


async def _refresh_numbers(directory: NumberDirectory) -> None:
    """Reload the number table off the loop, so `ringto number add` reaches a running server."""
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(REFRESH_S)
        try:
            await loop.run_in_executor(None, directory.refresh)
        except Exception:
            log.exception("number refresh failed; keeping the last table")


async def _watch_media(engine: Engine) -> None:
    """Once a second: hang up calls whose media stopped (the engine's media timeout)."""
    while True:
        await asyncio.sleep(MEDIA_CHECK_S)
        engine.check_media(time.monotonic())


def _tune_gc() -> None:
    """Everything loaded so far lives as long as the process: keep it out of collections.

    Calls free themselves by reference counting (no cycles outlive a call), so the
    collector only walks young objects; a moderately raised first threshold makes those
    walks rarer. Under steady load they still hold far more than the threshold (the
    counter is net allocations, and old objects dying offset new ones): at 550 calls/s
    a young collection walked 30,000-50,000 objects in 20-60 ms (docs/benchmarks.md)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG, 10, 10)


@dataclass
class Node:
    """One ringto process's parts, wired but not yet listening: `serve` runs one, and
    `bench/call_path.py` drives one without sockets."""

    settings: Settings
    db: sa.Engine
    writer: RecordWriter
    transport: SipTransport
    overload: Overload
    engine: Engine
    directory: NumberDirectory
    guard: Guard
    detector: Detector
    sessions: Callable[[], Session]

    @classmethod
    def build(cls, settings: Settings, loop: asyncio.AbstractEventLoop) -> Node:
        db = make_engine(settings.database_url)
        upgrade(settings.database_url)
        closed = close_interrupted(db)
        if closed:
            log.warning("closed %d calls left in progress by an earlier run as interrupted", closed)
        sessions = make_session_factory(db)
        directory = NumberDirectory(sessions)
        directory.refresh()
        writer = RecordWriter(db, f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}",
                              process=True)
        writer.start()
        transport = SipTransport(loop, settings.sip_listen.host, settings.sip_listen.port)
        overload = Overload(loop, settings.max_loop_lag_ms, settings.max_queue_ms,
                            settings.max_pending, settings.retry_after_s)
        guard, detector = start_fraud(settings, sessions, directory)
        media = MediaSettings(PortPool(*settings.rtp_ports), settings.rtp_host,
                              settings.media_anchor == "always", settings.media_timeout_s)
        engine = Engine(loop, transport, directory, writer,
                        Peer("UDP", settings.trunk.host, settings.trunk.port),
                        settings.default_region, overload, media=media,
                        keeper=Keeper(settings.data_dir, sessions), guard=guard)
        transport.handler = engine
        return cls(settings, db, writer, transport, overload, engine, directory, guard,
                   detector, sessions)

    def close(self) -> None:
        """After the engine has ended its calls: stop listening, flush records and alerts."""
        self.overload.stop()
        self.transport.close()
        self.writer.close()
        self.detector.close()


def _report_hot_path() -> None:
    """Say whether the SIP hot path runs compiled: it sets how many calls/s a node takes."""
    built = len(compiled.compiled())
    log.info("SIP hot path: %d of %d modules compiled%s", built, len(compiled.HOT_PATH),
             "" if built else " (pure Python: no C compiler at install, or RINGTO_PURE=1)")
    if stale := compiled.stale():
        log.warning("compiled modules older than their source, running old code: %s "
                    "(run make install)", ", ".join(stale))


async def serve(settings: Settings) -> None:
    loop = asyncio.get_running_loop()
    node = Node.build(settings, loop)
    try:
        await node.transport.start()
    except OSError as exc:  # taken by another process, or not an address of this host
        node.close()
        raise ConfigError(f"RINGTO_SIP_LISTEN={settings.sip_listen}: cannot listen there "
                          f"({exc.strerror})") from exc
    _tune_gc()
    node.overload.start()
    tasks = [loop.create_task(_refresh_numbers(node.directory)),
             loop.create_task(_watch_media(node.engine)),
             loop.create_task(keep_guard_current(node.guard, node.sessions)),
             *start_jobs(settings, node.sessions)]  # retention hourly, voicemail outbox
    log.info("ringto listening for SIP on %s (UDP, TCP); trunk %s", settings.sip_listen,
             settings.trunk)
    _report_hot_path()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        log.info("stopping: ending %d live calls", len(node.engine.calls))
        node.engine.shutdown()
        for task in tasks:
            task.cancel()
        await asyncio.sleep(0.2)  # let the BYEs leave
        node.close()
