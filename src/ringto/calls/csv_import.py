"""Loading call records from another platform or a carrier (`ringto calls import --csv`).

The file has the columns `ringto calls export --csv` writes. The whole file is checked
before anything is stored, so a bad row (reported with its line number) leaves the
database untouched; records whose `call_id` is already stored are skipped, which
makes importing the same file twice harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from ringto.calls.cdr import CallRecord
from ringto.numbers.e164 import normalise

from .cdr_csv import CdrReader, CsvError, ms_to_datetime, to_ms
from .record_rows import CALLS, row_of

IMPORT_NODE = "import"
DISPOSITIONS = {
    "answered", "busy", "no-answer", "failed", "cancelled", "rejected", "interrupted", "in-progress",
}


@dataclass(frozen=True)
class ImportResult:
    read: int
    stored: int

    @property
    def skipped(self) -> int:
        return self.read - self.stored


def _time(
    row: list[str], index: dict[str, int], column: str, line: int, *, required: bool = False
) -> datetime | None:
    text = row[index[column]]
    if not text:
        if required:
            raise CsvError(line, f"{column} is empty")
        return None
    return ms_to_datetime(to_ms(text, column, line))


def _record(row: list[str], index: dict[str, int], line: int) -> CallRecord:
    def get(column: str) -> str:
        return row[index[column]]

    call_id, number = get("call_id"), get("service_number")
    if not call_id or len(call_id) > 64:
        raise CsvError(line, "call_id must be 1 to 64 characters")
    if normalise(number) != number:
        raise CsvError(line, f"service number {number!r} is not a valid phone number")
    start = _time(row, index, "start_utc", line, required=True)
    answer, end = _time(row, index, "answer_utc", line), _time(row, index, "end_utc", line)
    if end is not None and end < (answer or start):
        raise CsvError(line, "end_utc is before the call was answered or started")
    if get("disposition") not in DISPOSITIONS:
        known = ", ".join(sorted(DISPOSITIONS))
        raise CsvError(line, f"disposition {get('disposition')!r} is not one of {known}")
    code = get("sip_code")
    if code and not (code.isdigit() and 100 <= int(code) <= 699):
        raise CsvError(line, f"sip_code {code!r} is not a SIP status code")
    return CallRecord(
        call_id=call_id, sip_call_id=call_id, service_number=number, caller=get("caller") or None,
        caller_ip=get("caller_ip") or None, caller_port=None, start=start, answer=answer, end=end,
        disposition=get("disposition"), sip_code=int(code) if code else None, ring_to=get("ring_to") or None,
        access_network_info=get("access_network_info") or None, user_agent=get("user_agent") or None,
    )


def read_records(stream: TextIO) -> list[CallRecord]:
    """Every record of the file, or CsvError for the first bad one (or a repeated call_id)."""
    reader = CdrReader(stream)
    records: dict[str, CallRecord] = {}
    for line, row in reader.rows():
        rec = _record(row, reader.index, line)
        if rec.call_id in records:
            raise CsvError(line, f"call_id {rec.call_id!r} appears twice in the file")
        records[rec.call_id] = rec
    return list(records.values())


def import_records(engine: Engine, records: list[CallRecord]) -> ImportResult:
    """Store the records not stored yet, in one transaction."""
    dialect = sqlite if engine.dialect.name == "sqlite" else postgresql
    with engine.begin() as connection:
        known: set[str] = set()
        ids = [rec.call_id for rec in records]
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            known.update(connection.scalars(select(CALLS.c.call_id).where(CALLS.c.call_id.in_(chunk))))
        rows = [row_of(rec, IMPORT_NODE) for rec in records if rec.call_id not in known]
        if rows:
            connection.execute(dialect.insert(CALLS).on_conflict_do_nothing(index_elements=["call_id"]), rows)
    return ImportResult(len(records), len(rows))
