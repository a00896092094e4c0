"""The `ringto` command line: one group, one module per command family in `commands/`."""

from __future__ import annotations

import click

from .commands.serve import serve


@click.group()
@click.version_option(package_name="ringto")
def main() -> None:
    """ringto - run a service-number telephone company."""


main.add_command(serve)
