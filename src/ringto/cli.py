"""The `ringto` command line: one group, one module per command family in `commands/`."""

from __future__ import annotations

import click

from .commands.billing import billing
from .commands.calls import calls
from .commands.db import db
from .commands.demo import demo
from .commands.fraud import fraud
from .commands.fraud_scan import scan
from .commands.number import number
from .commands.recordings import recordings, retention
from .commands.serve import serve
from .commands.simulate import simulate
from .commands.voicemail import voicemail


@click.group()
@click.version_option(package_name="ringto")
def main() -> None:
    """ringto - run a service-number telephone company."""


for command in (db, demo, number, calls, serve, billing):
    main.add_command(command)
for command in (recordings, retention, voicemail):
    main.add_command(command)
main.add_command(fraud)
main.add_command(simulate)
fraud.add_command(scan)
