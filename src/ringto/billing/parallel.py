"""Rating a big CSV on several cores: the file is cut at record boundaries into chunks.

A newline ends a record exactly when an even number of double quotes precede it (RFC
4180 quotes are always paired, and a quoted field may hold newlines), so chunks are
found with two C-speed `bytes.count` calls, never by parsing. The parent rates the
first chunk straight to the output while forked children rate the others into
anonymous temporary files, which are then copied out in order: the output is the same
as the one-process run, byte for byte. Below `MIN_PARALLEL_BYTES` forking costs more
than it saves, so small files run in one process.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import shutil
import tempfile
from multiprocessing.connection import Connection
from typing import BinaryIO

from ringto.calls.cdr_csv import CsvError

from .batch import Summary, rate_csv
from .tariffs import Tariff

MIN_PARALLEL_BYTES = 8_000_000


def default_jobs() -> int:
    """The cores this process may run on, at most 2 (beyond that the copy-out dominates)."""
    return max(1, min(2, len(os.sched_getaffinity(0))))


def record_boundary(data: bytes, near: int) -> int:
    """The offset just after the first record-ending newline at or after `near`."""
    pos = data.find(b"\n", near)
    while pos != -1 and data.count(b'"', 0, pos) % 2:
        pos = data.find(b"\n", pos + 1)
    return len(data) if pos == -1 else pos + 1


def _chunks(data: bytes, jobs: int) -> tuple[bytes, list[tuple[int, int]]]:
    """The header record and (start, end) byte ranges of `jobs` runs of whole records."""
    body = record_boundary(data, 0)
    cuts = [body]
    for j in range(1, jobs):
        cuts.append(max(cuts[-1], record_boundary(data, body + (len(data) - body) * j // jobs)))
    cuts.append(len(data))
    return data[:body], list(zip(cuts, cuts[1:], strict=False))


def _text(header: bytes, data: bytes, start: int, end: int) -> io.TextIOWrapper:
    raw = io.BytesIO(header + data[start:end])
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _child(tariff: Tariff, stream: io.TextIOWrapper, offset: int, out: BinaryIO, conn: Connection) -> None:
    writer = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        summary = rate_csv(stream, writer.write, tariff, line_offset=offset)
        writer.flush()
        conn.send(("ok", summary))
    except CsvError as exc:
        conn.send(("csv", (exc.line, str(exc).split(": ", 1)[1])))
    except UnicodeDecodeError as exc:
        conn.send(("unicode", exc))


def rate_file(path: str, out: io.TextIOBase, tariff: Tariff, jobs: int) -> Summary:
    """`rate_csv` over the file at `path`, on `jobs` processes when it is big enough."""
    if jobs <= 1 or os.path.getsize(path) < MIN_PARALLEL_BYTES:
        with open(path, newline="", encoding="utf-8-sig") as stream:
            return rate_csv(stream, out.write, tariff)
    with open(path, "rb") as raw:
        data = raw.read()
    header, ranges = _chunks(data, jobs)
    context = multiprocessing.get_context("fork")
    children = []
    for start, end in ranges[1:]:
        offset = data.count(b"\n", len(header), start)
        receiver, sender = context.Pipe(duplex=False)
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
        stream = _text(header, data, start, end)
        proc = context.Process(target=_child, args=(tariff, stream, offset, spool, sender))
        proc.start()
        sender.close()
        children.append((proc, receiver, spool))
    try:
        first = rate_csv(_text(header, data, *ranges[0]), out.write, tariff)
        summaries = [first, *(_collect(proc, receiver, spool, out) for proc, receiver, spool in children)]
    finally:
        for proc, _, spool in children:
            if proc.is_alive():
                proc.terminate()
            proc.join()
            spool.close()
    return Summary(
        sum(s.calls for s in summaries), sum(s.charged_calls for s in summaries),
        sum(s.total_units for s in summaries),
    )


def _collect(proc: multiprocessing.process.BaseProcess, receiver: Connection, spool: BinaryIO,
             out: io.TextIOBase) -> Summary:
    """Wait for one child, then copy its output after everything written so far."""
    try:
        kind, value = receiver.recv()
    except EOFError:
        raise RuntimeError(f"rating worker {proc.pid} died (exit code {proc.exitcode})") from None
    if kind == "csv":
        raise CsvError(*value)
    if kind == "unicode":
        raise value
    out.flush()
    spool.seek(0)
    shutil.copyfileobj(spool, out.buffer)
    out.buffer.flush()
    return value
