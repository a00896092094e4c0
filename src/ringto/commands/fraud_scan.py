"""`ringto fraud scan`: look for fraud in exported call records, without a database (F21)."""

from __future__ import annotations

import click

from ringto.fraud.csvin import InputError
from ringto.fraud.scan import scan_files

_file = click.Path(dir_okay=False)


@click.command()
@click.option("--cdrs", required=True, type=_file, help="Our records (`ringto calls export --csv`).")
@click.option("--auth-failures", type=_file, help="SIP authentication failures (time_utc,source_ip,…).")
@click.option("--carrier-cdrs", type=_file, help="A carrier's records of the same calls.")
@click.option("--numbers", type=_file, help="Numbers held: number,customer_id,type,holder_phones.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per alert per line.")
def scan(cdrs: str, auth_failures: str | None, carrier_cdrs: str | None, numbers: str | None,
         as_json: bool) -> None:
    """Scan call records for the eleven fraud categories; one alert per line."""
    try:
        alerts = scan_files(cdrs, auth_failures, carrier_cdrs, numbers)
    except InputError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from None
    for alert in alerts:
        if as_json:
            click.echo(alert.to_json())
        else:
            click.echo(f"{alert.severity:8} {alert.category:20} {alert.subject}  "
                       f"{len(alert.call_ids)} call(s)")
