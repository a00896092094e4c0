"""The packaged migrations build exactly the tables the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import ringto.billing.models
import ringto.calls.models
import ringto.fraud.models
import ringto.mail.models
import ringto.numbers.models
import ringto.recordings.models  # noqa: F401 - registers the tables on Base.metadata
from ringto.store.base import Base
from ringto.store.db import make_engine
from ringto.store.migrate import downgrade, is_current, upgrade

TABLES = {"customers", "service_numbers", "ring_targets", "call_records", "nodes", "recordings",
          "voicemail_outbox"}


def test_upgrade_creates_tables_matching_models(db_url: str) -> None:
    engine = make_engine(db_url)
    assert not is_current(engine)
    upgrade(db_url)
    assert is_current(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    indexed = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("call_records")}
    assert {("start_utc",), ("service_number",)} <= indexed
    engine.dispose()


def test_upgrade_is_idempotent_and_reversible(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)
    downgrade(db_url)
    engine = make_engine(db_url)
    assert not TABLES & set(inspect(engine).get_table_names())
    engine.dispose()
    upgrade(db_url)


def test_sqlite_engine_is_tuned_and_creates_its_directory(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a' / 'b' / 'r.db'}")
    with engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert pragma("PRAGMA busy_timeout").scalar() > 0
    assert (tmp_path / "a" / "b" / "r.db").exists()
    engine.dispose()


def test_postgresql_urls_use_psycopg() -> None:
    for url in ("postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg2://u@h/db"):
        assert make_engine(url).dialect.driver == "psycopg"
