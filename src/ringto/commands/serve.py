"""`ringto serve`: SIP (and later web) in one process."""

from __future__ import annotations

import asyncio
import logging

import click

from .. import config


def _run(coro) -> None:
    try:
        import uvloop
    except ImportError:
        asyncio.run(coro)
    else:
        uvloop.run(coro)


@click.command()
def serve() -> None:
    """Run the platform: SIP on RINGTO_SIP_LISTEN (UDP and TCP), calls to RINGTO_TRUNK."""
    try:
        settings = config.load()
    except config.ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from ..app import serve as run_server

    try:
        _run(run_server(settings))
    except config.ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
