"""Engines and sessions for the two supported databases.

SQLite is the one-machine default (F23): WAL so readers (`ringto calls list`) never
block the record writer, synchronous=NORMAL because WAL keeps committed transactions
through a process crash (only power loss can cost the last commits), and a busy
timeout so the CLI and a running server can share the file. PostgreSQL is the
scaled-out choice and always goes through psycopg 3.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 5000

_PG_DRIVERS = {"postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"}


def normalise_url(url: str | URL) -> URL:
    """Map any PostgreSQL URL onto the psycopg 3 driver, the one we install and test."""
    parsed = make_url(url)
    if parsed.drivername in _PG_DRIVERS:
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL) -> Engine:
    """An engine for `url`, with SQLite tuned for a writer thread plus concurrent readers."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI types vary
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (services return them)."""
    return sessionmaker(engine, expire_on_commit=False)


def safe_url(url: str | URL) -> str:
    """The URL for messages, with any password hidden."""
    return make_url(url).render_as_string(hide_password=True)
