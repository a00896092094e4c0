"""What every command needs: settings, an opened (and migrated) store, plain tables.

Failures become `click.ClickException`s whose message says what to fix (the setting,
the number, the command to run), never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import click
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ringto import config
from ringto.numbers.errors import NumberError
from ringto.store.db import make_engine, make_session_factory, safe_url
from ringto.store.migrate import is_current, upgrade


@dataclass(frozen=True)
class Store:
    settings: config.Settings
    engine: Engine
    sessions: sessionmaker[Session]


def load_settings() -> config.Settings:
    """The settings, or a clean exit naming the bad one."""
    try:
        return config.load()
    except config.ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Turn a database failure into a message naming the (password-less) URL."""
    try:
        yield
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        raise click.ClickException(f"database {safe_url(url)}: {cause}") from exc


@contextmanager
def number_errors() -> Iterator[None]:
    """Turn a refusal of the numbers service into its message."""
    try:
        yield
    except NumberError as exc:
        raise click.ClickException(str(exc)) from exc


def migrate(settings: config.Settings) -> None:
    """Bring the configured database to the shipped schema."""
    with database_errors(settings.database_url):
        upgrade(settings.database_url)


def open_store(*, migrate_first: bool = False) -> Store:
    """The configured database, refusing one that is not migrated to this version."""
    settings = load_settings()
    if migrate_first:
        migrate(settings)
    engine = make_engine(settings.database_url)
    click.get_current_context().call_on_close(engine.dispose)
    with database_errors(settings.database_url):
        current = is_current(engine)
    if not current:
        raise click.ClickException(
            f"database {safe_url(settings.database_url)} is not migrated for this version "
            "of ringto; run `ringto db upgrade`"
        )
    return Store(settings, engine, make_session_factory(engine))


def join_words(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> str:
    """`number add 0800 020 0000` works without quotes: the words are one number."""
    return " ".join(values)


number_argument = click.argument(
    "number_", metavar="NUMBER", nargs=-1, required=True, callback=join_words)


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns padded to their widest cell, for people reading a terminal."""
    columns = zip(headers, *rows, strict=False)
    widths = [max(len(str(cell)) for cell in column) for column in columns]
    for line in (headers, *rows):
        click.echo("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
