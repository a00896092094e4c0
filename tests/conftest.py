"""Database fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL is never skipped: if RINGTO_TEST_PG_URL does not answer, the tests fail.
Each PostgreSQL test gets its own schema (selected through the connection's
search_path), so tests, and other checkouts sharing the server, cannot see each other.
And no test runs against a compiled hot-path module older than its source.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from ringto import compiled
from ringto.store.db import make_engine, make_session_factory
from ringto.store.migrate import upgrade

PG_URL = os.environ.get("RINGTO_TEST_PG_URL", "postgresql://postgres@127.0.0.1/test")


def pytest_configure(config: pytest.Config) -> None:
    """Refuse to test old code: a compiled module shadows its newer `.py` source."""
    if stale := compiled.stale():
        pytest.exit(f"compiled modules are older than their source: {', '.join(stale)}; "
                    "run `make install` (or `make test`) to rebuild them", returncode=4)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (not migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'ringto.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def migrated_url(db_url: str) -> str:
    upgrade(db_url)
    return db_url


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = make_engine(migrated_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine):  # noqa: ANN201 - sessionmaker generics are noisy here
    return make_session_factory(engine)
