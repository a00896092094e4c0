"""`ringto billing ...`: rate call records, hold payouts, run the month, show invoices (F12-F15)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ringto.billing.holds import HoldError, active_holds, hold_payouts, release_payouts
from ringto.billing.invoices import credit_note, find_invoice, invoice_json
from ringto.billing.month import MissingRate
from ringto.billing.parallel import default_jobs, rate_file
from ringto.billing.rating import RatingError
from ringto.billing.run import run_month
from ringto.billing.tariffs import BUILT_IN, TariffFileError, load_tariff_file
from ringto.calls.cdr_csv import CsvError
from ringto.numbers.models import Customer
from ringto.numbers.service import normalise

from .billing_prices import COMMANDS
from .common import Store, database_errors, echo_table, open_store
from .errors import fail


@click.group()
def billing() -> None:
    """Rating, payouts and invoices."""


@billing.command()
@click.option(
    "--cdrs",
    "path",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV as `ringto calls export --csv` writes it.",
)
@click.option(
    "--tariff", default="standard", show_default=True, help="A built-in tariff's name or a tariff TOML file."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per record, then a summary.")
@click.option("--jobs", type=click.IntRange(min=1), help="Processes to use (default: up to 2 cores).")
def rate(path: str, tariff: str, as_json: bool, jobs: int | None) -> None:
    """Rate call records from a CSV file without touching the database."""
    if not as_json:
        raise click.UsageError("choose an output format: --json")
    chosen = BUILT_IN.get(tariff)
    if chosen is None:
        if not tariff.endswith(".toml"):
            fail(f"unknown tariff {tariff!r}: give a .toml file or one of {', '.join(sorted(BUILT_IN))}")
        try:
            chosen = load_tariff_file(tariff)
        except OSError as exc:
            fail(f"{tariff}: {exc.strerror}")
        except TariffFileError as exc:
            fail(f"{tariff}: {exc}")
    try:
        summary = rate_file(path, sys.stdout, chosen, jobs or default_jobs())
    except OSError as exc:
        fail(f"{path}: {exc.strerror}")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")
    except CsvError as exc:
        fail(f"{path}: {exc}")
    sys.stdout.write(summary.to_json() + "\n")


def _month(value: str) -> str:
    """A month that is over: invoices are final, so billing one still running would leave
    the rest of its calls unbilled for ever."""
    try:
        parsed = datetime.strptime(value, "%Y-%m")
    except ValueError:
        fail(f"--month {value!r} is not a month like 2026-10")
    following = datetime(parsed.year + parsed.month // 12, parsed.month % 12 + 1, 1, tzinfo=UTC)
    if datetime.now(UTC) < following:
        fail(f"--month {value}: the month has not ended yet; bill it from {following:%Y-%m-%d} (UTC)")
    return f"{parsed.year:04d}-{parsed.month:02d}"


@billing.command(name="run")
@click.option("--month", required=True, help="The calendar month to bill, e.g. 2026-10.")
def run_(month: str) -> None:
    """Rate the month's calls, apply fair use and issue invoices (a rerun issues nothing new)."""
    month = _month(month)
    store = open_store()
    with database_errors(store.settings.database_url), store.sessions() as session:
        total = session.scalar(select(func.count()).select_from(Customer)) or 0
    try:
        with (
            database_errors(store.settings.database_url),
            click.progressbar(length=total, label=f"Billing {month}", file=sys.stderr) as bar,
        ):
            result = run_month(store.engine, store.sessions, month, progress=bar.update)
    except (MissingRate, RatingError) as exc:
        fail(f"billing {month} stopped before issuing anything: {exc}")
    click.echo(
        f"{len(result.issued)} invoice(s) issued"
        + (f" ({result.issued[0]} .. {result.issued[-1]})" if result.issued else "")
        + f", {result.skipped} customer(s) already invoiced for {month}"
    )
    if result.unknown_numbers:
        click.echo(f"{result.unknown_numbers} call(s) to numbers no longer held were not billed", err=True)


@billing.group()
def invoice() -> None:
    """Issued invoices and credit notes."""


@invoice.command(name="show")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="The whole invoice as JSON.")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False), help="Also write it as PDF here.")
def show(number: str, as_json: bool, pdf_path: str | None) -> None:
    """Show invoice NUMBER (e.g. 2026-000001)."""
    store = open_store()
    with database_errors(store.settings.database_url):
        found = find_invoice(store.engine, number)
    if found is None:
        fail(f"no invoice numbered {number}")
    data = invoice_json(found)
    if as_json:
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(f"{data['kind']} {data['number']}  customer {data['customer_id']}  month {data['month']}")
        echo_table(
            ("SECTION", "DESCRIPTION", "NUMBER", "AMOUNT"),
            [
                (ln["section"], ln["description"], ln.get("number") or "", ln["amount"])
                for ln in data["lines"]
            ],
        )
        click.echo(
            f"net {data['net']}  VAT {data['vat_rate']}% {data['vat']}  payouts {data['payouts']}  "
            f"total {data['total']}"
        )
    if pdf_path:
        with database_errors(store.settings.database_url), store.sessions() as session:
            customer = session.get(Customer, found.customer_id)
        # Imported here: fpdf2 takes about a second to import, which every other command would pay.
        from ringto.billing.pdf import PdfError, write_pdf

        try:
            write_pdf(data, customer.name, pdf_path)
        except (PdfError, OSError) as exc:
            fail(str(exc))
        click.echo(f"PDF written to {pdf_path}", err=True)


@invoice.command(name="credit")
@click.argument("number")
@click.option("--reason", required=True, help="Why the invoice is corrected (printed on the credit note).")
def credit(number: str, reason: str) -> None:
    """Issue a credit note cancelling invoice NUMBER (issued invoices never change)."""
    store = open_store()
    try:
        with database_errors(store.settings.database_url):
            issued = credit_note(store.sessions, number, reason)
    except ValueError as exc:
        fail(str(exc))
    click.echo(f"credit note {issued} issued for {number}")


@billing.group()
def payout() -> None:
    """Premium-rate payouts on hold."""


def _customer_id(session: Session, name: str) -> int:
    found = session.scalar(select(Customer.id).where(Customer.name == name))
    if found is None:
        fail(f"no customer named {name!r}")
    return found


@payout.command(name="hold")
@click.option("--customer", required=True, help="Customer name.")
@click.option("--number", help="Only this premium number (default: all the customer's).")
@click.option("--by", "held_by", required=True, help="Who places the hold.")
@click.option("--reason", required=True)
def hold(customer: str, number: str | None, held_by: str, reason: str) -> None:
    """Stop paying out a customer's premium-rate revenue until released."""
    store = open_store()
    with database_errors(store.settings.database_url), store.sessions.begin() as session:
        e164 = None if number is None else _number(store, number)
        try:
            placed = hold_payouts(
                session,
                customer_id=_customer_id(session, customer),
                number_e164=e164,
                held_by=held_by,
                reason=reason,
            )
        except HoldError as exc:
            fail(str(exc))
        click.echo(f"payout hold {placed.id} placed on {e164 or 'all premium numbers'} of {customer}")


def _number(store: Store, number: str) -> str:
    e164 = normalise(number, store.settings.default_region)
    if e164 is None:
        fail(f"{number!r} is not a valid phone number")
    return e164


@payout.command(name="release")
@click.argument("hold_id", type=int)
@click.option("--by", "released_by", required=True, help="Who releases the hold.")
def release(hold_id: int, released_by: str) -> None:
    """Release hold HOLD_ID; the next billing run pays what it kept back."""
    store = open_store()
    try:
        with database_errors(store.settings.database_url), store.sessions.begin() as session:
            release_payouts(session, hold_id, released_by=released_by)
    except HoldError as exc:
        fail(str(exc))
    click.echo(f"payout hold {hold_id} released")


@payout.command(name="list")
@click.option("--customer", required=True, help="Customer name.")
def list_holds(customer: str) -> None:
    """The customer's active payout holds."""
    store = open_store()
    with database_errors(store.settings.database_url), store.sessions() as session:
        holds = active_holds(session, _customer_id(session, customer))
    echo_table(
        ("ID", "NUMBER", "HELD (UTC)", "BY", "REASON"),
        [
            (str(h.id), h.number_e164 or "all", h.held_utc.strftime("%Y-%m-%d %H:%M"), h.held_by, h.reason)
            for h in holds
        ],
    )


for _command in COMMANDS:
    billing.add_command(_command)
