"""The record writer: batching, flush, exact round-trips, and closing crashed calls."""

from __future__ import annotations

import os
import signal
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import event, func, select, text

from ringto.calls.cdr import utcnow
from ringto.calls.models import CallRecordRow, NodeRow
from ringto.calls.records import RecordWriter, close_interrupted, list_calls

from .helpers import T0, answered, started


def test_started_then_ended_round_trips_to_the_millisecond(engine, sessions) -> None:
    writer = RecordWriter(engine, "node-a", batch_ms=5)
    writer.start()
    rec = started(1)
    writer.call_started(rec)
    writer.flush()
    [stored] = list_calls(sessions)
    assert stored.disposition == "in-progress" and stored.end is None
    writer.call_ended(answered(rec))
    writer.close()
    [stored] = list_calls(sessions)
    assert stored == rec
    assert stored.start == T0 + timedelta(milliseconds=1)
    assert stored.start.utcoffset() == timedelta(0)
    assert stored.duration_s == 61.457


def test_snapshot_is_a_copy(engine, sessions) -> None:
    writer = RecordWriter(engine, "node-a", batch_ms=200)
    writer.start()
    rec = answered(started(2))
    writer.call_ended(rec)
    rec.disposition, rec.attempts[0].outcome = "failed", "mutated"  # engine keeps using it
    writer.close()
    [stored] = list_calls(sessions)
    assert stored.disposition == "answered" and stored.attempts[0].outcome == "busy"


def test_thousands_of_calls_are_batched(engine, sessions) -> None:
    writer = RecordWriter(engine, "node-a")
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, stmt, *a: statements.append(stmt))
    writer.start()
    recs = [started(n) for n in range(3000)]
    for rec in recs:
        writer.call_started(rec)
    for rec in recs:
        writer.call_ended(answered(rec))
    writer.flush()
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO CALL_RECORDS")]
    assert len(inserts) < 100  # executemany per batch, not one statement per call
    with sessions() as session:
        count = session.scalar(select(func.count()).select_from(CallRecordRow))
        answered_count = session.scalar(
            select(func.count()).where(CallRecordRow.disposition == "answered"))
    assert count == answered_count == 3000
    writer.close()


def test_list_calls_newest_first_and_by_number(engine, sessions) -> None:
    writer = RecordWriter(engine, "node-a", batch_ms=1)
    writer.start()
    first, second = started(0), started(5)
    other = replace(started(9), service_number="+31102000000")
    for rec in (first, second, other):
        writer.call_ended(answered(rec))
    writer.close()
    assert [r.call_id for r in list_calls(sessions, limit=2)] == [other.call_id, second.call_id]
    by_number = list_calls(sessions, number="+318000200000")
    assert [r.call_id for r in by_number] == [second.call_id, first.call_id]


def test_heartbeat_is_written(engine, sessions) -> None:
    before = utcnow()
    writer = RecordWriter(engine, "node-h")
    writer.start()
    writer.flush()
    writer.close()
    with sessions() as session:
        beat = session.scalar(select(NodeRow.last_alive_utc).where(NodeRow.node_id == "node-h"))
    assert beat is not None and beat >= before


def test_close_interrupted_ends_calls_at_the_heartbeat(engine, sessions) -> None:
    writer = RecordWriter(engine, "node-a", batch_ms=1)
    writer.start()
    ringing, talking, late, done = started(0), started(1), started(2), answered(started(3))
    talking.answer = T0 + timedelta(seconds=2)
    late.start = T0 + timedelta(hours=2)  # began after the last heartbeat
    for rec in (ringing, talking, late, done):
        writer.call_started(rec)
    writer.close()
    beat = T0 + timedelta(minutes=5, milliseconds=7)
    with engine.begin() as connection:
        connection.execute(text("UPDATE nodes SET last_alive_utc = :t"), {"t": _bind(engine, beat)})
    assert close_interrupted(engine, "other-node") == 0
    assert close_interrupted(engine, "node-a") == 3
    by_id = {r.call_id: r for r in list_calls(sessions)}
    assert by_id[ringing.call_id].end == by_id[talking.call_id].end == beat
    assert by_id[late.call_id].end == late.start
    assert {by_id[r.call_id].disposition for r in (ringing, talking, late)} == {"interrupted"}
    assert by_id[done.call_id].disposition == "answered"
    assert close_interrupted(engine) == 0


def test_a_late_snapshot_does_not_reopen_an_interrupted_call(engine, sessions) -> None:
    """The killed node's writer process commits its last batch after the restarted node
    closed the call: the call stays interrupted unless that batch says how it ended."""
    ringing, talking = started(0), started(1)
    writer = RecordWriter(engine, "node-a", batch_ms=1)
    writer.start()
    writer.call_started(ringing)
    writer.call_started(talking)
    writer.flush()
    assert close_interrupted(engine, "node-a") == 2
    writer.call_started(ringing)  # the old writer's late batch: one still ringing...
    writer.call_ended(answered(talking))  # ...and one that had really ended
    writer.close()
    by_id = {r.call_id: r for r in list_calls(sessions)}
    assert by_id[ringing.call_id].disposition == "interrupted"
    assert by_id[talking.call_id].disposition == "answered"


def test_close_interrupted_without_heartbeat_uses_answer_or_start(engine, sessions) -> None:
    ringing, talking = started(0), started(1)
    talking.answer = T0 + timedelta(seconds=3)
    writer = RecordWriter(engine, "node-b", batch_ms=1)
    writer.start()
    writer.call_started(ringing)
    writer.call_started(talking)
    writer.close()
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM nodes"))
    assert close_interrupted(engine) == 2
    by_id = {r.call_id: r for r in list_calls(sessions)}
    assert by_id[ringing.call_id].end == ringing.start
    assert by_id[talking.call_id].end == talking.answer


def _bind(engine, moment):
    """A raw SQL parameter for a UTC time in the column's storage form."""
    return moment.replace(tzinfo=None) if engine.dialect.name == "sqlite" else moment


def test_writer_stores_what_sqlalchemy_would_store(engine, sessions) -> None:
    """The writer hands the driver pre-formatted values (RawUpsert); a row it writes must
    hold exactly what the SQLAlchemy column types store, or time-range queries (text on
    SQLite) and readers would see two formats."""
    from ringto.calls.record_rows import CALLS, RawUpsert, row_of, upsert_calls

    raw, orm = answered(started(3)), answered(started(3))
    raw.steps, orm.steps = ["menu", "forward"], ["menu", "forward"]
    orm.call_id = raw.call_id[:-4] + "beef"
    with engine.begin() as connection:
        writer = RawUpsert(engine)
        writer.execute(connection, writer.rows([raw], "node-a"))
        connection.execute(upsert_calls(engine), [row_of(orm, "node-a")])
    columns = ", ".join(c.name for c in CALLS.columns if c.name != "call_id")
    with engine.connect() as connection:
        stored = connection.exec_driver_sql(
            f"SELECT {columns} FROM call_records ORDER BY call_id").fetchall()
    assert len(stored) == 2 and stored[0] == stored[1]
    assert {rec.call_id for rec in list_calls(sessions)} == {raw.call_id, orm.call_id}


def test_writer_process_commits_and_the_thread_takes_over_when_it_dies(engine, sessions) -> None:
    writer = RecordWriter(engine, "node-p", batch_ms=1, process=True)
    writer.start()
    assert writer.process is not None and writer.process.pid != os.getpid()
    first, second = answered(started(0)), answered(started(1))
    writer.call_ended(first)
    writer.flush()
    assert [r.call_id for r in list_calls(sessions)] == [first.call_id]

    os.kill(writer.process.pid, signal.SIGKILL)
    writer.process.join(5)
    writer.call_ended(second)
    writer.flush()
    writer.close()
    assert {r.call_id for r in list_calls(sessions)} == {first.call_id, second.call_id}


def test_writer_process_ends_with_its_pipe(engine) -> None:
    writer = RecordWriter(engine, "node-q", process=True)
    writer.start()
    child = writer.process
    assert child is not None
    writer.close()
    assert child.exitcode == 0
