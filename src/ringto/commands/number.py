"""`ringto number ...`: configure service numbers and where their calls ring (F1, F4)."""

from __future__ import annotations

import json

import click

from ringto.numbers import service
from ringto.numbers.locale import LANGUAGES
from ringto.numbers.service import NumberInfo, NumberOptions

from .common import echo_table, number_argument, number_errors, open_store
from .flow import flow


def _split(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    """--forward A,B --forward C -> [A, B, C]."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


forward_option = click.option(
    "--forward", multiple=True, callback=_split, metavar="NUMBER[,NUMBER...]",
    help="Ring-to number(s), in ringing order; repeat or separate with commas.",
)
strategy_option = click.option("--strategy", type=click.Choice(service.STRATEGIES))
ring_time_option = click.option("--ring-time", type=float, help="Seconds to ring each target.")
customer_option = click.option("--customer", help="Owner's name (created if new).")
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def options_of(record: bool | None, retention_days: int | None, voicemail_email: str | None,
               language: str | None) -> NumberOptions:
    return NumberOptions(record=record, retention_days=retention_days, voicemail_email=voicemail_email,
                         language=language)


def media_options(command):  # noqa: ANN001, ANN201 - click decorators are untyped
    """--record/--no-record, --retention-days, --voicemail-email, --language (F6-F8, F19)."""
    for option in reversed((
        click.option("--record/--no-record", default=None,
                     help="Record forwarded conversations (announced to the caller)."),
        click.option("--retention-days", type=click.IntRange(0, 3650),
                     help="Days recordings are kept before deletion (default 30)."),
        click.option("--voicemail-email", metavar="ADDR",
                     help="Where voicemail is mailed ('' = the customer's email)."),
        click.option("--language", type=click.Choice(LANGUAGES),
                     help="Prompts and voicemail mail language (default: the number's country)."),
    )):
        command = option(command)
    return command


@click.group()
def number() -> None:
    """Manage service numbers."""


def settings_options(command):  # noqa: ANN001, ANN201 - click decorators are untyped
    """What `add` and `update` both take: the number, where it rings, whose it is, media."""
    for option in reversed((number_argument, forward_option, strategy_option, ring_time_option,
                            customer_option, media_options)):
        command = option(command)
    return command


@number.command()
@settings_options
def add(number_: str, forward: list[str], strategy: str | None, ring_time: float | None,
        customer: str | None, **media: object) -> None:
    """Add NUMBER (national or international form), forwarding to --forward."""
    store = open_store()
    with number_errors():
        info = service.add_number(
            store.sessions, number_, forward, strategy=strategy or "sequential",
            ring_time_s=ring_time or 20.0, customer=customer or service.DEFAULT_CUSTOMER,
            region=store.settings.default_region, options=options_of(**media),
        )
    click.echo(f"added {_describe(info)}")


@number.command()
@settings_options
def update(number_: str, forward: list[str], strategy: str | None, ring_time: float | None,
           customer: str | None, **media: object) -> None:
    """Change NUMBER; options not given keep their value."""
    store = open_store()
    with number_errors():
        info = service.update_number(
            store.sessions, number_, forward=forward or None, strategy=strategy,
            ring_time_s=ring_time, customer=customer, region=store.settings.default_region,
            options=options_of(**media),
        )
    click.echo(f"updated {_describe(info)}")


@number.command(name="list")
@json_option
def list_(as_json: bool) -> None:
    """List all service numbers."""
    infos = service.list_numbers(open_store().sessions)
    if as_json:
        click.echo(json.dumps([info.as_dict() for info in infos], indent=2))
        return
    echo_table(
        ("NUMBER", "TYPE", "STRATEGY", "RING", "TARGETS", "STATE", "CUSTOMER"),
        [(i.e164, i.number_type, i.strategy, f"{i.ring_time_s:g}s", ",".join(i.targets),
          "suspended" if i.suspended else "active", i.customer) for i in infos],
    )


@number.command()
@number_argument
@json_option
def show(number_: str, as_json: bool) -> None:
    """Show one service number."""
    store = open_store()
    with number_errors():
        info = service.get_number(store.sessions, number_, store.settings.default_region)
    data = info.as_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    data["targets"] = ", ".join(info.targets)
    for key, value in data.items():
        click.echo(f"{key:<15} {value}")


@number.command()
@number_argument
def remove(number_: str) -> None:
    """Delete NUMBER and its routing."""
    store = open_store()
    with number_errors():
        e164 = service.remove_number(store.sessions, number_, store.settings.default_region)
    click.echo(f"removed {e164}")


@number.command()
@number_argument
def suspend(number_: str) -> None:
    """Refuse calls to NUMBER, keeping its configuration."""
    _set_suspended(number_, True)


@number.command()
@number_argument
def unsuspend(number_: str) -> None:
    """Route calls to a suspended NUMBER again."""
    _set_suspended(number_, False)


def _set_suspended(number_: str, suspended: bool) -> None:
    store = open_store()
    with number_errors():
        info = service.set_suspended(
            store.sessions, number_, suspended, store.settings.default_region)
    click.echo(f"{'suspended' if suspended else 'unsuspended'} {info.e164}")


def _describe(info: NumberInfo) -> str:
    recorded = f", recorded ({info.retention_days} days)" if info.record else ""
    return (f"{info.e164} ({info.number_type}): {info.strategy}, {info.ring_time_s:g}s, "
            f"to {', '.join(info.targets)}{recorded}, {info.language}")


number.add_command(flow)
