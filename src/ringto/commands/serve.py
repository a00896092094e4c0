"""`ringto serve`: SIP (and later web) in one process."""

from __future__ import annotations

import click


@click.command()
def serve() -> None:
    """Run the platform: SIP on RINGTO_SIP_LISTEN (UDP and TCP)."""
    raise click.ClickException("not yet wired")
