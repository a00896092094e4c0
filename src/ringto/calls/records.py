"""Call records written off the event loop's hot path (F11, principle 6).

The engine hands `RecordWriter` a copy of a record when a call starts and when it
ends; a daemon thread drains the queue and writes each batch in one transaction with
executemany upserts, so thousands of calls a second never wait on storage. A commit is
durable through a process crash (SQLite WAL, PostgreSQL), so once `flush` returns a
kill -9 loses nothing; calls still in progress at a crash are closed by
`close_interrupted` when the node starts again, ending at its last heartbeat.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import structlog
from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from ringto.calls.cdr import CallRecord, snapshot, utcnow
from ringto.calls.models import CallRecordRow
from ringto.store.types import UtcDateTime

from .record_rows import CALLS, NODES, RawUpsert, record_of, upsert

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


class RecordWriter:
    """Stores call records and this node's heartbeat from a background thread."""

    def __init__(self, engine: Engine, node_id: str, *, batch_ms: int = 50) -> None:
        self._engine = engine
        self._node_id = node_id
        self._batch_s = batch_ms / 1000
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._calls_upsert = RawUpsert(engine)
        self._node_upsert = upsert(engine, NODES)
        self._next_beat = 0.0

    def start(self) -> None:
        """Start the writer thread; it writes the first heartbeat straight away."""
        if self._thread is not None:
            raise RuntimeError("RecordWriter already started")
        self._thread = threading.Thread(target=self._run, name="ringto-records", daemon=True)
        self._thread.start()

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
        """Flush, then stop the thread."""
        if self._thread is None:
            return
        self.flush()
        self._queue.put(_STOP)
        self._thread.join()
        self._thread = None

    def _run(self) -> None:
        while True:
            batch = self._collect()
            self._write(batch)
            for waiter in batch.waiters:
                waiter.set()
            if batch.stop:
                return

    def _get(self, timeout: float) -> object | None:
        try:
            return self._queue.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            return None

    def _collect(self) -> _Batch:
        """Wait for work (or the next heartbeat), let a batch gather for batch_ms, then take
        it all at once: one wake-up per batch, not one per record, so the writer does not
        take the GIL from the event loop every time a call changes."""
        batch = _Batch()
        first = self._get(self._next_beat - time.monotonic())
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

    def _write(self, batch: _Batch) -> None:
        """Commit the batch, retrying while the database is unreachable or locked."""
        rows = self._calls_upsert.rows(list(batch.records.values()), self._node_id)
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
        beat = time.monotonic() >= self._next_beat
        with self._engine.begin() as connection:
            if rows:
                self._calls_upsert.execute(connection, rows)
            if beat:
                connection.execute(
                    self._node_upsert, {"node_id": self._node_id, "last_alive_utc": utcnow()}
                )
        if beat:
            self._next_beat = time.monotonic() + HEARTBEAT_S

    def _commit_one_by_one(self, rows: list[Any]) -> None:
        """A row the database refuses must not hold back the others: log it and move on."""
        for row in rows:
            try:
                with self._engine.begin() as connection:
                    self._calls_upsert.execute(connection, [row])
            except SQLAlchemyError as exc:
                log.error("call record refused", call_id=self._calls_upsert.call_id_of(row),
                          error=str(exc))


def close_interrupted(engine: Engine, node_id: str | None = None) -> int:
    """End every in-progress call of `node_id` (all nodes if None) at its last heartbeat.

    Run at startup before the writer starts. The end is never before the call's start
    or answer; without a heartbeat it is the answer (or start) itself.
    """
    query = select(CALLS.c.call_id, CALLS.c.node_id, CALLS.c.start_utc, CALLS.c.answer_utc)
    query = query.where(CALLS.c.disposition == "in-progress")
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
