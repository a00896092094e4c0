"""Reading call records from CSV files as `ringto calls export --csv` writes them.

Shared by `ringto billing rate` and `ringto calls import`. Rows are read with the csv
module (RFC 4180: quoted fields may hold commas, quotes and line breaks) and every
problem is reported with the line of the file the record starts on (the header is
line 1), so the operator can fix the file instead of guessing.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TextIO

from .cdr import EXPORT_COLUMNS

# Times in rating and import are integer ms since this epoch: exact and fast to compare.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MS = timedelta(milliseconds=1)


class CsvError(ValueError):
    """A malformed file; `line` is the 1-based line the bad record starts on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def to_ms(text: str, column: str, line: int) -> int:
    """An ISO 8601 time as ms since the epoch; a time without offset is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CsvError(line, f"{column} {text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // ONE_MS


def ms_to_datetime(value: int) -> datetime:
    return EPOCH + value * ONE_MS


class CdrReader:
    """Rows of a call-record CSV as lists, with `index[column]` and each row's line."""

    def __init__(self, stream: TextIO, required: Sequence[str] = EXPORT_COLUMNS) -> None:
        self.reader = csv.reader(stream, strict=True)
        try:
            header = next(self.reader)
        except StopIteration:
            raise CsvError(1, "the file is empty; expected a header row") from None
        except csv.Error as exc:
            raise CsvError(1, f"not valid CSV ({exc})") from None
        missing = [c for c in required if c not in header]
        if missing:
            raise CsvError(1, f"missing column(s) {', '.join(missing)} in the header")
        self.header = header
        self.index = {name: header.index(name) for name in header}

    def check_width(self, row: list[str], line: int) -> None:
        """Blank lines are skipped; a row with another number of fields is an error."""
        if row:
            raise CsvError(line, f"expected {len(self.header)} fields as in the header, found {len(row)}")

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line the record starts on, fields) for every record of the right width."""
        reader, width = self.reader, len(self.header)
        line = reader.line_num + 1
        with self.errors_at(lambda: line):
            for row in reader:
                if len(row) == width:
                    yield line, row
                else:
                    self.check_width(row, line)
                line = reader.line_num + 1

    @staticmethod
    @contextmanager
    def errors_at(line: Callable[[], int]) -> Iterator[None]:
        """Turn the csv module's error into one naming the line the record starts on."""
        try:
            yield
        except csv.Error as exc:
            raise CsvError(line(), f"not valid CSV ({exc})") from None
