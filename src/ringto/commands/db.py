"""`ringto db ...`: explicit schema changes, so no other command migrates by surprise."""

from __future__ import annotations

import click

from ringto.store.db import safe_url
from ringto.store.migrate import head_revision

from .common import load_settings, migrate


@click.group()
def db() -> None:
    """Manage the database schema."""


@db.command()
def upgrade() -> None:
    """Migrate the database (RINGTO_DATABASE_URL) to this version of ringto."""
    settings = load_settings()
    migrate(settings)
    click.echo(f"database {safe_url(settings.database_url)} is at revision {head_revision()}")
