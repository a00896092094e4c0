"""`ringto billing ...`: rate call records, hold payouts, run the month, show invoices (F12-F15)."""

from __future__ import annotations

import sys

import click

from ringto.billing.parallel import default_jobs, rate_file
from ringto.billing.tariffs import BUILT_IN
from ringto.calls.cdr_csv import CsvError

USER_ERROR = 2


@click.group()
def billing() -> None:
    """Rating, payouts and invoices."""


def fail(message: str) -> None:
    """A user error: the message on stderr and exit code 2, never a traceback."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(USER_ERROR)


@billing.command()
@click.option("--cdrs", "path", required=True, type=click.Path(dir_okay=False),
              help="CSV as `ringto calls export --csv` writes it.")
@click.option("--tariff", default="standard", show_default=True, help="Tariff to rate with.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per record, then a summary.")
@click.option("--jobs", type=click.IntRange(min=1), help="Processes to use (default: up to 2 cores).")
def rate(path: str, tariff: str, as_json: bool, jobs: int | None) -> None:
    """Rate call records from a CSV file without touching the database."""
    if not as_json:
        raise click.UsageError("choose an output format: --json")
    chosen = BUILT_IN.get(tariff)
    if chosen is None:
        fail(f"unknown tariff {tariff!r}; known: {', '.join(sorted(BUILT_IN))}")
    try:
        summary = rate_file(path, sys.stdout, chosen, jobs or default_jobs())
    except OSError as exc:
        fail(f"{path}: {exc.strerror}")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")
    except CsvError as exc:
        fail(f"{path}: {exc}")
    sys.stdout.write(summary.to_json() + "\n")
