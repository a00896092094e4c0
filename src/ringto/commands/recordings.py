"""`ringto recordings ...` and `ringto retention run`: recorded calls for owners and operators (F6, F24)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click

from ringto.numbers.service import to_e164
from ringto.recordings import service
from ringto.recordings.export import FORMATS
from ringto.recordings.retention import run_retention

from .common import echo_table, number_errors, open_store


@contextmanager
def recording_errors() -> Iterator[None]:
    """A recording that is missing or cannot be written: its message, exit 2."""
    try:
        yield
    except (service.RecordingError, OSError, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        click.get_current_context().exit(2)


@click.group()
def recordings() -> None:
    """List, fetch and delete call recordings."""


@recordings.command(name="list")
@click.option("--number", "number_", metavar="NUMBER", help="Only this service number's recordings.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_(number_: str | None, as_json: bool) -> None:
    """List recordings, oldest first."""
    store = open_store()
    e164 = None
    if number_ is not None:
        with number_errors():
            e164 = to_e164(number_, store.settings.default_region)
    infos = service.list_recordings(store.sessions, e164)
    if as_json:
        click.echo(json.dumps([info.as_dict() for info in infos], indent=2))
        return
    echo_table(("ID", "NUMBER", "CREATED (UTC)", "SECONDS", "DELETE AFTER (UTC)", "CALL"),
               [(str(i.id), i.service_number, f"{i.created_utc:%Y-%m-%d %H:%M:%S}", f"{i.duration_s:.1f}",
                 f"{i.delete_after_utc:%Y-%m-%d %H:%M}", i.call_id) for i in infos])


@recordings.command()
@click.argument("recording_id", metavar="ID", type=int)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="wav", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
def get(recording_id: int, fmt: str, out: Path) -> None:
    """Write recording ID to --out as WAV or MP3."""
    store = open_store()
    with recording_errors():
        service.export_recording(store.sessions, recording_id, fmt, out)
    click.echo(f"recording {recording_id} written to {out} ({fmt})")


@recordings.command()
@click.argument("recording_id", metavar="ID", type=int)
def delete(recording_id: int) -> None:
    """Permanently delete recording ID: its file and its row."""
    store = open_store()
    with recording_errors():
        info = service.delete_recording(store.sessions, recording_id)
    click.echo(f"recording {info.id} of {info.service_number} deleted ({info.path})")


@click.group()
def retention() -> None:
    """Retention jobs (also run hourly by `ringto serve`)."""


@retention.command()
def run() -> None:
    """Permanently delete recordings past their owner's retention days, now."""
    store = open_store()
    deleted = run_retention(store.sessions, datetime.now(UTC))
    for info in deleted:
        click.echo(f"deleted recording {info.id} of {info.service_number} ({info.path})")
    click.echo(f"retention: {len(deleted)} recording(s) deleted")
