"""Rating a whole CSV of call records to JSON lines, fast (`ringto billing rate`).

This is the hot loop behind the ≥ 200,000 records/s target, so it trades a little
elegance for speed on purpose: rows stay lists, times go through the C
`datetime.fromisoformat`, amounts stay integers (see `money`), places and boundary
tables are cached by `Rater`, and the JSON tail of a record is cached by its
(billed, day, amount) because synthetic and real traffic repeat those a lot.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from ringto.calls.cdr_csv import EPOCH, ONE_MS, CdrReader, CsvError, to_ms

from .money import format_cents, format_micro
from .rating import RatedCall, Rater, RatingError, format_seconds
from .tariffs import Tariff

RATE_COLUMNS = ("call_id", "service_number", "start_utc", "answer_utc", "end_utc")
_FLUSH_EVERY = 8192
_fromiso = datetime.fromisoformat


@dataclass(frozen=True)
class Summary:
    calls: int
    charged_calls: int
    total_units: int

    def to_json(self) -> str:
        total = format_cents(self.total_units)
        return json.dumps({"calls": self.calls, "charged_calls": self.charged_calls, "total": total})


def _tail(billed: int, day: int, units: int) -> str:
    return (
        f', "billed_s": {billed // 1000}, "day_s": "{format_seconds(day)}", '
        f'"offpeak_s": "{format_seconds(billed - day)}", "charge": "{format_micro(units)}"}}\n'
    )


_UNCHARGED = _tail(0, 0, 0)


def _quoted(text: str) -> str:
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text)


def _checked(rater: Rater, row: list[str], cols: tuple[int, ...], line: int) -> RatedCall | None:
    """The slow path for a record the fast loop choked on: the error naming its field."""
    _, i_num, i_start, i_answer, i_end = cols
    number, answer, end = row[i_num], row[i_answer], row[i_end]
    try:
        to_ms(row[i_start], "start_utc", line)
        answer_ms = to_ms(answer, "answer_utc", line) if answer else None
        end_ms = to_ms(end, "end_utc", line) if end else None
        if answer_ms is None or end_ms is None:
            rater.place(number)
            return None
        return rater.rate(number, answer_ms, end_ms)
    except RatingError as exc:
        raise CsvError(line, str(exc)) from None


def rate_csv(stream: TextIO, write: Callable[[str], object], tariff: Tariff, line_offset: int = 0) -> Summary:
    """Write one JSON line per record in input order; raises CsvError for a bad row.

    `line_offset` is how many lines of the file come before the stream's first record
    beyond its header (a chunk of a bigger file, see `parallel`), so errors name the
    line of the file.

    The loop body is the fast path (aware ISO times, known numbers); anything it cannot
    handle is redone by `_checked`, which either rates it or names what is wrong.
    """
    reader = CdrReader(stream, RATE_COLUMNS)
    cols = tuple(reader.index[c] for c in RATE_COLUMNS)
    i_id, i_num, i_start, i_answer, i_end = cols
    rater, tails = Rater(tariff), {}
    place, rate = rater.place, rater.rate
    fromiso, epoch, one_ms, width = _fromiso, EPOCH, ONE_MS, len(reader.header)
    calls = charged = total = 0
    out: list[str] = []
    csv_reader = reader.reader
    line = csv_reader.line_num + 1 + line_offset
    with reader.errors_at(lambda: line):
        for row in csv_reader:
            if len(row) != width:
                reader.check_width(row, line)
                line = csv_reader.line_num + 1 + line_offset
                continue
            calls += 1
            answer, end = row[i_answer], row[i_end]
            try:
                fromiso(row[i_start]) - epoch
                if answer and end:
                    answer_ms = (fromiso(answer) - epoch) // one_ms
                    rated = rate(row[i_num], answer_ms, (fromiso(end) - epoch) // one_ms)
                else:
                    rated = None
                    place(row[i_num])
                    if answer:
                        fromiso(answer) - epoch
            except (ValueError, TypeError):  # RatingError is a ValueError
                rated = _checked(rater, row, cols, line)
            if rated is None:
                tail = _UNCHARGED
            else:
                tail = tails.get(rated)
                if tail is None:
                    tail = tails[rated] = _tail(*rated)
                charged += 1
                total += rated.units
            out.append('{"call_id": ' + _quoted(row[i_id]) + tail)
            if len(out) >= _FLUSH_EVERY:
                write("".join(out))
                out.clear()
            line = csv_reader.line_num + 1 + line_offset
    write("".join(out))
    return Summary(calls, charged, total)
