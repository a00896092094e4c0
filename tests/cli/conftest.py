"""Run `ringto` commands in-process against the parametrised test database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ringto.cli import main

Invoke = Callable[..., Result]


@pytest.fixture
def ringto(db_url: str, tmp_path: Path) -> Invoke:
    """`ringto(*args, **env)`: invoke the CLI with settings pointing at `db_url`."""

    def invoke(*args: str, **env: str) -> Result:
        environ = {
            "RINGTO_DATABASE_URL": db_url,
            "RINGTO_DATA_DIR": str(tmp_path / "var"),
            "RINGTO_CONFIG": str(tmp_path / "absent.toml"),
            **env,
        }
        return CliRunner().invoke(main, list(args), env=environ, catch_exceptions=False)

    return invoke
