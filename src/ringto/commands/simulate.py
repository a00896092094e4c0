"""`ringto simulate traffic`: seeded synthetic call records with labelled fraud (F21)."""

from __future__ import annotations

from pathlib import Path

import click

from ringto.fraud.alert import CATEGORIES
from ringto.simulate.run import simulate as run_simulation
from ringto.simulate.run import write


@click.group()
def simulate() -> None:
    """Synthetic data for testing and benchmarking."""


def _categories(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[str, ...]:
    if value is None:
        return CATEGORIES
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in CATEGORIES]
    if unknown:
        raise click.BadParameter(f"unknown {', '.join(unknown)}; choose from {', '.join(CATEGORIES)}")
    return names


@simulate.command()
@click.option("--days", type=click.IntRange(min=1), default=30, show_default=True)
@click.option("--numbers", type=click.IntRange(min=1), default=100, show_default=True,
              help="Service numbers with traffic.")
@click.option("--inject", callback=_categories, help="Comma-separated categories (default: all).")
@click.option("--patterns", type=click.IntRange(min=0), help="Patterns per category (default: numbers/100).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Directory for the files.")
def traffic(days: int, numbers: int, inject: tuple[str, ...], patterns: int | None, seed: int,
            out: str) -> None:
    """Write cdrs.csv, auth_failures.csv, carrier_cdrs.csv, numbers.csv and labels.csv."""
    world = run_simulation(days, numbers, inject, seed, patterns)
    for name, count in write(world, Path(out)).items():
        click.echo(f"{count} row(s) written to {Path(out) / name}", err=True)
