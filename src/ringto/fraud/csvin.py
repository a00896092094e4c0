"""Reading the scanner's CSV inputs, refusing bad input with the file and line at fault.

The call files are the `ringto calls export --csv` columns; a header row is required
so a file with shuffled or missing columns is caught instead of misread.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TextIO, TypeVar

from ringto.calls.cdr import EXPORT_COLUMNS

from .records import NUMBER_TYPES, AuthFailure, Cdr, HeldNumber

AUTH_COLUMNS = ("time_utc", "source_ip", "username", "user_agent")
NUMBER_COLUMNS = ("number", "customer_id", "type", "holder_phones")
T = TypeVar("T")


class InputError(Exception):
    """A file the scanner cannot read: says which file, which line and what is wrong."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}, line {line}: {message}")


def _time(text: str, column: str) -> float:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{column} {text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{column} {text!r} has no time zone (write UTC with Z)")
    return moment.timestamp()


def cdr_from_row(row: list[str]) -> Cdr:
    """One export row (the EXPORT_COLUMNS values, in order) as a `Cdr`; ValueError if bad."""
    (call_id, number, caller, ip, start, answer, _end, duration, disposition, _code,
     ring_to, ani, agent) = row[:13]
    if not call_id:
        raise ValueError("call_id is empty")
    if not number:
        raise ValueError("service_number is empty")
    if answer and not duration:
        raise ValueError("answered call without duration_s")
    try:
        seconds = float(duration) if duration else 0.0
    except ValueError:
        raise ValueError(f"duration_s {duration!r} is not a number") from None
    if seconds < 0:
        raise ValueError(f"duration_s {duration!r} is negative")
    return Cdr(call_id, number, caller, ip, _time(start, "start_utc"), bool(answer), seconds,
               disposition, ring_to, ani, agent)


def _auth(row: list[str]) -> AuthFailure:
    time, ip, username, agent = row[:4]
    if not ip:
        raise ValueError("source_ip is empty")
    return AuthFailure(_time(time, "time_utc"), ip, username, agent)


def _number(row: list[str]) -> HeldNumber:
    number, customer, kind, phones = row[:4]
    if not number:
        raise ValueError("number is empty")
    if kind not in NUMBER_TYPES:
        raise ValueError(f"type {kind!r} is not one of {', '.join(NUMBER_TYPES)}")
    return HeldNumber(number, customer, kind, frozenset(p for p in phones.split(";") if p))


def _open(path: str) -> TextIO:
    try:
        return Path(path).open(newline="", encoding="utf-8")
    except OSError as exc:
        raise InputError(path, 0, exc.strerror or str(exc)) from exc


def _read(path: str, columns: tuple[str, ...], make: Callable[[list[str]], T]) -> list[T]:
    """Every row through `make`, in one C-level pass; should any row fail, the file is read
    again row by row, which finds the first bad line and names it."""
    with _open(path) as stream:
        reader = csv.reader(stream)
        try:
            _check_header(path, next(reader, None), columns)
            return list(map(make, filter(None, reader)))
        except (ValueError, csv.Error, UnicodeDecodeError):
            pass
    return list(_read_rows(path, columns, make))


def _check_header(path: str, header: list[str] | None, columns: tuple[str, ...]) -> None:
    if header is None or tuple(header[:len(columns)]) != columns:
        raise InputError(path, 1, f"header must start with {','.join(columns)}")


def _read_rows(path: str, columns: tuple[str, ...], make: Callable[[list[str]], T]) -> Iterator[T]:
    with _open(path) as stream:
        reader = csv.reader(stream)
        try:
            header = next(reader, None)
            _check_header(path, header, columns)
            for row in reader:
                if not row:
                    continue
                if len(row) < len(columns):
                    raise InputError(path, reader.line_num, f"{len(row)} fields, expected {len(header)}")
                try:
                    yield make(row)
                except ValueError as exc:
                    raise InputError(path, reader.line_num, str(exc)) from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(path, reader.line_num, str(exc)) from None


def read_cdrs(path: str) -> list[Cdr]:
    return _read(path, EXPORT_COLUMNS, cdr_from_row)


def read_auth_failures(path: str) -> list[AuthFailure]:
    return _read(path, AUTH_COLUMNS, _auth)


def read_numbers(path: str) -> list[HeldNumber]:
    return _read(path, NUMBER_COLUMNS, _number)
