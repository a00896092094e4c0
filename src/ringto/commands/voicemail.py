"""`ringto voicemail outbox`: messages still waiting for the mail server, and why (F7)."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from ringto.mail.outbox import pending_mail

from .common import echo_table, open_store


@click.group()
def voicemail() -> None:
    """Voicemail mail."""


@voicemail.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def outbox(as_json: bool) -> None:
    """List voicemail messages not mailed yet (they are retried until the server takes them)."""
    pending = pending_mail(open_store().sessions)
    if as_json:
        click.echo(json.dumps([asdict(p) for p in pending], indent=2, default=str))
        return
    if not pending:
        click.echo("outbox empty: every voicemail message was mailed")
        return
    echo_table(("ID", "NUMBER", "TO", "CALL (UTC)", "TRIES", "NEXT TRY (UTC)", "LAST ERROR"),
               [(str(p.id), p.service_number, p.to_addr, f"{p.call_time_utc:%Y-%m-%d %H:%M:%S}",
                 str(p.attempts), f"{p.next_try_utc:%Y-%m-%d %H:%M:%S}", p.last_error or "")
                for p in pending])
