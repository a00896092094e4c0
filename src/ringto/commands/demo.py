"""`ringto demo`: a customer and three numbers, so a fresh install answers calls at once (F23).

The third shows call flows (F6-F8): office hours first; when open, the caller hears
that the call is recorded and a menu (1: the office phones, 2: voicemail); when
closed, voicemail. Voicemail goes to the maildrop folder unless RINGTO_SMTP_URL says
otherwise.
"""

from __future__ import annotations

import click

from ringto.numbers import call_flow, service
from ringto.numbers.errors import DuplicateNumber
from ringto.numbers.service import NumberOptions

from .common import Store, number_errors, open_store

DEMO_CUSTOMER = "Demo"
DEMO_NUMBERS = (
    ("+31 800 020 0000", "sequential", ("+31 20 123 4567", "+31 6 1234 5678")),
    ("+31 10 200 0000", "simultaneous", ("+31 20 123 4567", "+31 6 1234 5678")),
)

FLOW_NUMBER = "+31 20 200 0000"
FLOW_TARGETS = ("+31201234567", "+31612345678")
FLOW_OPTIONS = NumberOptions(record=True, retention_days=30, voicemail_email="demo@example.com")
FLOW = {"hours": {
    "week": {day: ["09:00-17:30"] for day in ("mon", "tue", "wed", "thu", "fri")},
    "holidays": True,
    "open": {"record": {"announce": True, "next": {"menu": {
        "prompt": "menu", "timeout_s": 5, "max_tries": 3,
        "choices": {
            "1": {"forward": {"targets": list(FLOW_TARGETS), "strategy": "sequential", "ring_time_s": 20,
                              "on_no_answer": {"voicemail": {}}, "on_busy": {"voicemail": {}}}},
            "2": {"voicemail": {"max_s": 120, "silence_s": 5}},
        },
        "on_timeout": {"voicemail": {}},
        "on_invalid": {"play": {"prompt": "menu-invalid"}},
    }}}},
    "closed": {"play": {"prompt": "closed", "next": {"voicemail": {}}}},
}}


def _add_flow_number(store: Store) -> bool:
    """The flow demo number; False when it is already there."""
    try:
        info = service.add_number(store.sessions, FLOW_NUMBER, FLOW_TARGETS, customer=DEMO_CUSTOMER,
                                  region=store.settings.default_region, options=FLOW_OPTIONS)
    except DuplicateNumber:
        click.echo(f"{FLOW_NUMBER}: already present, left as it is")
        return False
    call_flow.set_flow(store.sessions, info.e164, FLOW)
    click.echo(f"{info.e164}: office hours; open: recorded menu 1 = {', '.join(FLOW_TARGETS)}, "
               "2 = voicemail; closed: voicemail")
    return True


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
        added += _add_flow_number(store)
    click.echo(f"demo: {added} number(s) added" if added else "demo: already seeded, nothing added")
