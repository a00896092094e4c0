"""`ringto calls ...`: read and export call detail records (F11, F16)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from typing import TextIO

import click

from ringto.calls.cdr import EXPORT_COLUMNS, CallRecord, attempt_to_json, export_row
from ringto.calls.cdr_csv import CsvError
from ringto.calls.csv_import import import_records, read_records
from ringto.calls.records import iter_calls, list_calls
from ringto.numbers.service import normalise

from .common import Store, database_errors, echo_table, open_store


@click.group()
def calls() -> None:
    """Call detail records."""


def _number_filter(store: Store, number: str | None) -> str | None:
    if number is None:
        return None
    e164 = normalise(number, store.settings.default_region)
    if e164 is None:
        raise click.ClickException(f"{number!r} is not a valid phone number")
    return e164


number_option = click.option("--number", help="Only calls to this service number.")


@calls.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Export field names plus attempts.")
@number_option
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
def list_(as_json: bool, number: str | None, limit: int) -> None:
    """The newest calls first; times in UTC."""
    store = open_store()
    records = list_calls(store.sessions, limit=limit, number=_number_filter(store, number))
    if as_json:
        click.echo(json.dumps([_json(rec) for rec in records], indent=2))
        return
    echo_table(
        ("START (UTC)", "NUMBER", "CALLER", "DURATION", "DISPOSITION", "RING-TO"),
        [_row(rec) for rec in records],
    )


def _json(rec: CallRecord) -> dict[str, object]:
    return {**export_row(rec), "attempts": [attempt_to_json(a) for a in rec.attempts],
            "steps": rec.steps, "end_reason": rec.end_reason}


def _row(rec: CallRecord) -> tuple[str, ...]:
    row = export_row(rec)
    return (
        row["start_utc"], row["service_number"], row["caller"] or "anonymous",
        f"{row['duration_s']}s" if row["duration_s"] else "-", row["disposition"],
        row["ring_to"] or "-",
    )


@calls.command()
@click.option("--csv", "as_csv", is_flag=True, help="RFC 4180 CSV (the one format so far).")
@click.option("--out", type=click.Path(dir_okay=False), help="File to write (default stdout).")
@number_option
def export(as_csv: bool, out: str | None, number: str | None) -> None:
    """Every call, oldest first, as CSV with a header row and CRLF line ends."""
    if not as_csv:
        raise click.UsageError("choose an export format: --csv")
    store = open_store()
    records = iter_calls(store.sessions, number=_number_filter(store, number))
    if out is None:
        _write_csv(sys.stdout, records)
        return
    with open(out, "w", newline="", encoding="utf-8") as stream:
        count = _write_csv(stream, records)
    click.echo(f"{count} call(s) written to {out}", err=True)


def _write_csv(stream: TextIO, records: Iterable[CallRecord]) -> int:
    writer = csv.DictWriter(stream, fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for rec in records:
        writer.writerow(export_row(rec))
        count += 1
    return count


@calls.command(name="import")
@click.option("--csv", "path", required=True, type=click.Path(dir_okay=False),
              help="CSV with the columns `ringto calls export --csv` writes.")
def import_(path: str) -> None:
    """Load call records from a CSV file; records already stored (same call_id) are skipped."""
    store = open_store()
    try:
        with open(path, newline="", encoding="utf-8-sig") as stream:
            records = read_records(stream)
    except (OSError, UnicodeDecodeError, CsvError) as exc:
        click.echo(f"Error: {path}: {getattr(exc, 'strerror', None) or exc}", err=True)
        sys.exit(2)
    with database_errors(store.settings.database_url):
        result = import_records(store.engine, records)
    click.echo(f"{result.stored} call(s) imported, {result.skipped} already stored")
