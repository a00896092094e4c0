"""`ringto billing deck|premium|fee|standard-rates|tasks`: the price data and staff decisions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click
from sqlalchemy import select

from ringto.billing.models import FairUseMonth, Fee, StaffTask
from ringto.billing.prices import (
    PriceError,
    add_tariff_version,
    read_deck,
    set_premium_maximum,
    set_premium_tariff,
    store_deck,
)
from ringto.calls.cdr_csv import CsvError
from ringto.numbers.models import Customer
from ringto.numbers.service import normalise

from .common import database_errors, echo_table, open_store
from .errors import fail

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group()
def deck() -> None:
    """The destination rate deck for forwarding abroad."""


@deck.command(name="import")
@click.option(
    "--csv",
    "path",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV with the header prefix,per_minute,effective_from.",
)
def deck_import(path: str) -> None:
    """Add a rate deck; the whole file is checked before anything is stored."""
    store = open_store()
    try:
        with open(path, newline="", encoding="utf-8-sig") as stream:
            rows = read_deck(stream)
        with database_errors(store.settings.database_url), store.sessions.begin() as session:
            added = store_deck(session, rows)
    except (OSError, UnicodeDecodeError, CsvError, PriceError) as exc:
        fail(f"{path}: {getattr(exc, 'strerror', None) or exc}")
    click.echo(f"{added} rate(s) added, {len(rows) - added} already known")


@click.group()
def premium() -> None:
    """Premium-rate caller tariffs and their maxima per number type."""


@premium.command(name="maximum")
@click.option("--prefix", required=True, help="Number type as E.164 prefix, e.g. +31900.")
@click.option("--per-call", required=True)
@click.option("--per-minute", required=True)
def premium_maximum(prefix: str, per_call: str, per_minute: str) -> None:
    """Set the most a holder may charge callers on numbers with this prefix."""
    store = open_store()
    try:
        with database_errors(store.settings.database_url), store.sessions.begin() as session:
            set_premium_maximum(session, prefix, per_call, per_minute)
    except PriceError as exc:
        fail(str(exc))
    click.echo(f"maximum for {prefix}: {per_call} per call, {per_minute} per minute")


@premium.command(name="set")
@click.argument("number")
@click.option("--per-call", default="0", show_default=True)
@click.option("--per-minute", default="0", show_default=True)
@click.option("--from", "effective", type=DATE, required=True, help="First day the tariff applies.")
def premium_set(number: str, per_call: str, per_minute: str, effective) -> None:  # noqa: ANN001
    """Set what callers of premium NUMBER pay from a date."""
    store = open_store()
    e164 = normalise(number, store.settings.default_region) or number
    try:
        with database_errors(store.settings.database_url), store.sessions.begin() as session:
            set_premium_tariff(session, e164, per_call, per_minute, effective.date())
    except PriceError as exc:
        fail(str(exc))
    click.echo(f"{e164}: {per_call} per call + {per_minute} per minute from {effective.date()}")


@click.command(name="fee")
@click.option("--customer", required=True)
@click.option("--kind", type=click.Choice(["monthly", "one-off"]), required=True)
@click.option("--amount", required=True, help="Euro, excluding VAT.")
@click.option("--description", required=True)
@click.option("--number", help="The service number the fee is for.")
@click.option("--from", "start", type=DATE, required=True, help="Order date (monthly fees: pro rata).")
def fee(customer: str, kind: str, amount: str, description: str, number: str | None, start) -> None:  # noqa: ANN001
    """Record a shop order line: a monthly number fee or a one-off fee."""
    try:
        value = Decimal(amount)
    except InvalidOperation:
        fail(f"--amount {amount!r} is not an amount in euro")
    store = open_store()
    with database_errors(store.settings.database_url), store.sessions.begin() as session:
        owner = _customer(session, customer)
        session.add(
            Fee(
                customer_id=owner.id,
                number_e164=number,
                kind=kind,
                description=description,
                amount=value,
                start_date=start.date(),
            )
        )
    click.echo(f"{kind} fee {value} for {customer} from {start.date()}")


@click.command(name="standard-rates")
@click.option("--customer", required=True)
@click.option("--from", "start", type=DATE, required=True, help="First day charged at standard rates.")
def standard_rates(customer: str, start) -> None:  # noqa: ANN001
    """Staff decision after the heavy-user call: charge local and national traffic from a date."""
    store = open_store()
    with database_errors(store.settings.database_url), store.sessions.begin() as session:
        _customer(session, customer).standard_rates_from = start.date()
    click.echo(f"{customer} pays standard rates for local and national traffic from {start.date()}")


@click.command(name="tasks")
def tasks() -> None:
    """Open staff tasks, e.g. heavy users to call."""
    store = open_store()
    with database_errors(store.settings.database_url), store.sessions() as session:
        rows = session.execute(
            select(StaffTask, Customer.name)
            .join(Customer, Customer.id == StaffTask.customer_id)
            .where(StaffTask.done_utc.is_(None))
            .order_by(StaffTask.id)
        ).all()
    echo_table(
        ("ID", "CUSTOMER", "KIND", "MONTH", "NOTE"),
        [(str(t.id), name, t.kind, t.month, t.note) for t, name in rows],
    )


@click.command(name="fair-use")
@click.option("--month", required=True, help="A billed month, e.g. 2026-10.")
def fair_use_(month: str) -> None:
    """Customers above fair use in a billed month (heavy users marked), for staff."""
    store = open_store()
    with database_errors(store.settings.database_url), store.sessions() as session:
        rows = session.execute(
            select(FairUseMonth, Customer.name)
            .join(Customer, Customer.id == FairUseMonth.customer_id)
            .where(FairUseMonth.month == month, FairUseMonth.above)
            .order_by(FairUseMonth.calls.desc())
        ).all()
    echo_table(
        ("CUSTOMER", "CALLS", "THRESHOLD", "HEAVY USER"),
        [(name, str(f.calls), f"{f.threshold:.1f}", "yes" if f.heavy else "") for f, name in rows],
    )


def _customer(session, name: str) -> Customer:  # noqa: ANN001
    found = session.scalar(select(Customer).where(Customer.name == name))
    if found is None:
        fail(f"no customer named {name!r}")
    return found


@click.command(name="tariff")
@click.option("--name", default="standard", show_default=True)
@click.option("--from", "effective", type=DATE, required=True, help="First day of the new version.")
@click.option("--start", "start_fee", required=True, help="Euro per answered call.")
@click.option("--day", "day_rate", required=True, help="Euro per minute, Mon-Fri 08:00-19:00.")
@click.option("--offpeak", "offpeak_rate", required=True, help="Euro per minute otherwise.")
def tariff(name: str, effective, start_fee: str, day_rate: str, offpeak_rate: str) -> None:  # noqa: ANN001
    """Add a tariff version from a date; months before it keep the rates they had."""
    store = open_store()
    try:
        with database_errors(store.settings.database_url), store.sessions.begin() as session:
            add_tariff_version(session, name, effective.date(), start_fee, day_rate, offpeak_rate)
    except PriceError as exc:
        fail(str(exc))
    click.echo(
        f"tariff {name} from {effective.date()}: {start_fee} per call + {day_rate}/{offpeak_rate} per minute"
    )


@click.command(name="customer")
@click.argument("name")
@click.option("--country", help="ISO country code, e.g. NL or BG (decides VAT).")
@click.option("--vat-number", help="EU VAT number (with --business outside NL: reverse charge).")
@click.option("--business/--consumer", default=None)
@click.option("--language", type=click.Choice(["en", "nl", "bg"]), help="Language of invoices.")
def customer_(
    name: str, country: str | None, vat_number: str | None, business: bool | None, language: str | None
) -> None:
    """Set a customer's billing details."""
    store = open_store()
    with database_errors(store.settings.database_url), store.sessions.begin() as session:
        row = _customer(session, name)
        if country:
            row.country = country.upper()
        if vat_number is not None:
            row.vat_number = vat_number or None
        if business is not None:
            row.is_business = business
        if language:
            row.language = language
        click.echo(
            f"{row.name}: country {row.country}, VAT number {row.vat_number or '-'}, "
            f"{'business' if row.is_business else 'consumer'}, invoices in {row.language}"
        )


COMMANDS = (deck, premium, fee, standard_rates, tasks, tariff, customer_, fair_use_)
