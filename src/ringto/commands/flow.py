"""`ringto number flow set|show|reset`: a number's call flow from and to a JSON file (F6-F8).

A flow that fails validation is refused with one line per problem, each naming the
step and field, and exit status 2; nothing is stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ringto.flows import FlowError
from ringto.numbers import call_flow, service

from .common import Store, number_argument, number_errors, open_store


def _json_file(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        _refuse([f"{path}: line {exc.lineno} column {exc.colno}: {exc.msg}"])
    except (OSError, UnicodeDecodeError) as exc:
        _refuse([f"{path}: {exc}"])


def _refuse(lines: list[str]) -> None:
    for line in lines:
        click.echo(f"error: {line}", err=True)
    click.get_current_context().exit(2)


def _e164(store: Store, number: str) -> str:
    with number_errors():
        return service.to_e164(number, store.settings.default_region)


@click.group()
def flow() -> None:
    """Set, show or reset a number's call flow (JSON)."""


@flow.command(name="set")
@number_argument
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def set_(number_: str, file: Path) -> None:
    """Validate FILE.json and make it NUMBER's call flow."""
    data = _json_file(file)
    store = open_store()
    e164 = _e164(store, number_)
    with number_errors():
        try:
            call_flow.set_flow(store.sessions, e164, data)
        except FlowError as exc:
            _refuse([f"{file}: {issue}" for issue in exc.issues])
    click.echo(f"{e164}: flow set from {file}")


@flow.command()
@number_argument
def show(number_: str) -> None:
    """Print NUMBER's call flow as JSON (the default forward flow if none was set)."""
    store = open_store()
    e164 = _e164(store, number_)
    with number_errors():
        data, default = call_flow.flow_json(store.sessions, e164)
    if default:
        click.echo(f"# {e164} has no flow of its own: it forwards to its ring-to numbers", err=True)
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@flow.command()
@number_argument
def reset(number_: str) -> None:
    """Forget NUMBER's flow: it forwards to its ring-to numbers again."""
    store = open_store()
    e164 = _e164(store, number_)
    with number_errors():
        call_flow.reset_flow(store.sessions, e164)
    click.echo(f"{e164}: flow reset to forwarding")
