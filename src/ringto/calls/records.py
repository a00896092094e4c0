"""Call records written off the event loop's hot path (F11, principle 6).

The engine hands `RecordWriter` a copy of a record when a call starts and when it
ends; a daemon thread drains the queue and writes each batch in one transaction with
executemany upserts, so thousands of calls a second never wait on storage. A commit is
durable through a process crash (SQLite WAL, PostgreSQL), so once `flush` returns a
kill -9 loses nothing; calls still in progress at a crash are closed by
`close_interrupted` when the node starts again, ending at its last heartbeat.

`ringto serve` runs the writing itself in a child process (`process=True`): formatting
rows and binding them held the GIL for about a third of what the event loop spent per
call, and the loop is what bounds calls/s. The thread then only gathers a batch, pickles
it down a pipe and waits for the child's word that it is committed, so `flush` means the
same. The child keeps the heartbeat and ends when the pipe closes, also when ringto is
killed, after committing what it already holds. If it dies, the thread writes itself.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

import structlog
from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from ringto.calls.cdr import CallRecord, snapshot, utcnow
from ringto.calls.models import CallRecordRow
from ringto.store.db import make_engine
from ringto.store.types import UtcDateTime

from .record_rows import CALLS, IN_PROGRESS, NODES, RawUpsert, record_of, upsert

log = structlog.get_logger(__name__)

HEARTBEAT_S = 5.0
MAX_BATCH = 5000
_STOP = object()


class _Batch:
    """What one transaction writes: the latest snapshot per call, plus who waits for it."""

    def __init__(self) -> None:
        self.records: dict[str, CallRecord] = {}
        self.waiters: list[threading.Event] = []
        self.stop = False

    def add(self, item: object) -> None:
        if isinstance(item, CallRecord):
            self.records[item.call_id] = item  # a later snapshot of a call replaces the earlier
        elif isinstance(item, threading.Event):
            self.waiters.append(item)
        else:
            self.stop = True

    @property
    def closed(self) -> bool:
        return bool(self.waiters) or self.stop or len(self.records) >= MAX_BATCH


class _Store:
    """Commits batches of call records and the node's heartbeat, in the writer thread or
    in the writer process."""

    def __init__(self, engine: Engine, node_id: str) -> None:
        self._engine = engine
        self._node_id = node_id
        self._calls_upsert = RawUpsert(engine)
        self._node_upsert = upsert(engine, NODES)
        self.next_beat = 0.0

    def write(self, records: list[CallRecord]) -> None:
        """Commit the batch, retrying while the database is unreachable or locked."""
        rows = self._calls_upsert.rows(records, self._node_id)
        delay = 0.1
        while True:
            try:
                self._commit(rows)
                return
            except SQLAlchemyError as exc:
                if not isinstance(exc, OperationalError | InterfaceError):
                    self._commit_one_by_one(rows)
                    return
                log.warning("call records not written, retrying", error=str(exc), rows=len(rows))
                time.sleep(delay)
                delay = min(delay * 2, 2.0)

    def _commit(self, rows: list[Any]) -> None:
        beat = time.monotonic() >= self.next_beat
        with self._engine.begin() as connection:
            if rows:
                self._calls_upsert.execute(connection, rows)
            if beat:
                connection.execute(
                    self._node_upsert, {"node_id": self._node_id, "last_alive_utc": utcnow()}
                )
        if beat:
            self.next_beat = time.monotonic() + HEARTBEAT_S

    def _commit_one_by_one(self, rows: list[Any]) -> None:
        """A row the database refuses must not hold back the others: log it and move on."""
        for row in rows:
            try:
                with self._engine.begin() as connection:
                    self._calls_upsert.execute(connection, [row])
            except SQLAlchemyError as exc:
                log.error("call record refused", call_id=self._calls_upsert.call_id_of(row),
                          error=str(exc))


def _serve_store(url: str, node_id: str, pipe: Connection) -> None:
    """The writer process: commit what the parent sends, say when it is durable, keep the
    heartbeat, and end when the pipe closes (ringto stopped, or was killed)."""
    for sig in (signal.SIGINT, signal.SIGTERM):  # ^C or a stop sent to the whole group:
        signal.signal(sig, signal.SIG_IGN)  # the parent flushes, then closes the pipe
    store = _Store(make_engine(url), node_id)
    try:
        while True:
            if not pipe.poll(max(store.next_beat - time.monotonic(), 0.0)):
                store.write([])  # heartbeat
                continue
            records = pipe.recv()
            store.write(records)
            pipe.send(len(records))
    except (EOFError, OSError):
        return


class RecordWriter:
    """Stores call records and this node's heartbeat from a background thread."""

    def __init__(self, engine: Engine, node_id: str, *, batch_ms: int = 50,
                 process: bool = False) -> None:
        self._engine = engine
        self._node_id = node_id
        self._batch_s = batch_ms / 1000
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._store: _Store | None = None if process else _Store(engine, node_id)
        self._pipe: Connection | None = None
        self.process: multiprocessing.process.BaseProcess | None = None

    def start(self) -> None:
        """Start the writer (thread, and process if asked); the first heartbeat follows."""
        if self._thread is not None:
            raise RuntimeError("RecordWriter already started")
        if self._store is None:
            self._start_process()
        self._thread = threading.Thread(target=self._run, name="ringto-records", daemon=True)
        self._thread.start()

    def _start_process(self) -> None:
        spawn = multiprocessing.get_context("spawn")  # no fork of a threaded process
        self._pipe, theirs = spawn.Pipe()
        url = self._engine.url.render_as_string(hide_password=False)
        self.process = spawn.Process(target=_serve_store, args=(url, self._node_id, theirs),
                                     name="ringto-records", daemon=True)
        self.process.start()
        theirs.close()

    def call_started(self, rec: CallRecord) -> None:
        """Queue the call's first snapshot (in-progress); never blocks."""
        self._queue.put(snapshot(rec))

    def call_answered(self, rec: CallRecord) -> None:
        """Queue the snapshot taken at answer (still in-progress): a crash keeps the answer time."""
        self._queue.put(snapshot(rec))

    def call_ended(self, rec: CallRecord) -> None:
        """Queue the call's final snapshot; never blocks."""
        self._queue.put(snapshot(rec))

    def flush(self, timeout: float = 5.0) -> None:
        """Return once everything queued before this call is committed."""
        done = threading.Event()
        self._queue.put(done)
        if not done.wait(timeout):
            raise TimeoutError(f"call records not committed within {timeout} s")

    def close(self) -> None:
        """Flush, then stop the thread and the process."""
        if self._thread is None:
            return
        self.flush()
        self._queue.put(_STOP)
        self._thread.join()
        self._thread = None
        if self._pipe is not None:
            self._pipe.close()
        if self.process is not None:
            self.process.join(5)

    def _run(self) -> None:
        while True:
            batch = self._collect()
            self._write(list(batch.records.values()))
            for waiter in batch.waiters:
                waiter.set()
            if batch.stop:
                return

    def _write(self, records: list[CallRecord]) -> None:
        if self._store is not None:
            self._store.write(records)
            return
        assert self._pipe is not None
        try:
            self._pipe.send(records)
            self._pipe.recv()
        except (EOFError, OSError):
            log.error("record writer process ended; writing from this process")
            self._store = _Store(self._engine, self._node_id)
            self._store.write(records)

    def _get(self, timeout: float | None) -> object | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def _collect(self) -> _Batch:
        """Wait for work (or the next heartbeat), let a batch gather for batch_ms, then take
        it all at once: one wake-up per batch, not one per record, so the writer does not
        take the GIL from the event loop every time a call changes."""
        batch = _Batch()
        beat = None if self._store is None else max(self._store.next_beat - time.monotonic(), 0.0)
        first = self._get(beat)
        if first is None:
            return batch
        batch.add(first)
        if not batch.closed:
            time.sleep(self._batch_s)
        while not batch.closed:
            try:
                batch.add(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch


def close_interrupted(engine: Engine, node_id: str | None = None) -> int:
    """End every in-progress call of `node_id` (all nodes if None) at its last heartbeat.

    Run at startup before the writer starts. The end is never before the call's start
    or answer; without a heartbeat it is the answer (or start) itself.
    """
    query = select(CALLS.c.call_id, CALLS.c.node_id, CALLS.c.start_utc, CALLS.c.answer_utc)
    query = query.where(CALLS.c.disposition == IN_PROGRESS)
    if node_id is not None:
        query = query.where(CALLS.c.node_id == node_id)
    with engine.begin() as connection:
        beats = dict(connection.execute(select(NODES.c.node_id, NODES.c.last_alive_utc)).all())
        ends = [
            {"b_call_id": row.call_id, "b_end": max(
                moment for moment in (beats.get(row.node_id), row.start_utc, row.answer_utc)
                if moment is not None
            )}
            for row in connection.execute(query)
        ]
        if ends:
            connection.execute(
                update(CALLS)
                .where(CALLS.c.call_id == bindparam("b_call_id"))
                .values(disposition="interrupted", end_utc=bindparam("b_end", type_=UtcDateTime())),
                ends,
            )
    return len(ends)


def list_calls(
    session_factory: Callable[[], Session], limit: int | None = 100, number: str | None = None,
) -> list[CallRecord]:
    """The newest calls first, optionally only those to service number `number` (E.164)."""
    query = select(CallRecordRow).order_by(CallRecordRow.start_utc.desc()).limit(limit)
    if number is not None:
        query = query.where(CallRecordRow.service_number == number)
    with session_factory() as session:
        return [record_of(row) for row in session.scalars(query)]


def iter_calls(
    session_factory: Callable[[], Session], number: str | None = None,
) -> Iterator[CallRecord]:
    """Every call, oldest first, streamed in chunks (for exports of any size)."""
    query = select(CallRecordRow).order_by(CallRecordRow.start_utc, CallRecordRow.call_id)
    if number is not None:
        query = query.where(CallRecordRow.service_number == number)
    with session_factory() as session:
        for row in session.scalars(query.execution_options(yield_per=1000)):
            yield record_of(row)
