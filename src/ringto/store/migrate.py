"""Run the packaged Alembic migrations from code, so no alembic.ini is needed at run time.

`ringto db upgrade` and `ringto demo` call `upgrade`; every other command asks
`is_current` first and tells the operator to migrate instead of failing on a missing
table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from .db import make_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    """An in-memory Alembic config whose env.py runs on `engine`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Migrate the database at `url` up to `revision` (idempotent)."""
    _migrate(command.upgrade, url, revision)


def downgrade(url: str | URL, revision: str = "base") -> None:
    """Migrate the database at `url` down to `revision`."""
    _migrate(command.downgrade, url, revision)


def _migrate(step: Callable[[Config, str], None], url: str | URL, revision: str) -> None:
    engine = make_engine(url)
    try:
        step(alembic_config(engine), revision)
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The newest revision shipped with this version of ringto."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def is_current(engine: Engine) -> bool:
    """True when the database is at the shipped head revision."""
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current == head_revision()
