"""`ringto demo`: a customer and two numbers, so a fresh install answers calls at once (F23)."""

from __future__ import annotations

import click

from ringto.numbers import service
from ringto.numbers.errors import DuplicateNumber

from .common import number_errors, open_store

DEMO_CUSTOMER = "Demo"
DEMO_NUMBERS = (
    ("+31 800 020 0000", "sequential", ("+31 20 123 4567", "+31 6 1234 5678")),
    ("+31 10 200 0000", "simultaneous", ("+31 20 123 4567", "+31 6 1234 5678")),
)


@click.command()
def demo() -> None:
    """Migrate, then add the demo numbers (safe to run again: nothing is duplicated)."""
    store = open_store(migrate_first=True)
    added = 0
    with number_errors():
        for number, strategy, forward in DEMO_NUMBERS:
            try:
                info = service.add_number(
                    store.sessions, number, forward, strategy=strategy,
                    customer=DEMO_CUSTOMER, region=store.settings.default_region,
                )
            except DuplicateNumber:
                click.echo(f"{number}: already present, left as it is")
                continue
            added += 1
            click.echo(f"{info.e164}: {strategy} to {', '.join(info.targets)}")
    click.echo(f"demo: {added} number(s) added" if added else "demo: already seeded, nothing added")
