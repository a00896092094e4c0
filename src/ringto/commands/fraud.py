"""`ringto fraud ...`: cases, measures and violation reports for staff (F21, F22).

Until the back office exists this is where staff see cases and apply or lift measures.
Every change names who made it (`--by`, default the login name). Wrong input (an
unknown case, a time without zone, a measure missing its subject) exits 2 with a
message naming it.
"""

from __future__ import annotations

import getpass
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import click
from sqlalchemy import select

from ringto.fraud import cases as case_service
from ringto.fraud.cases import Alert
from ringto.fraud.measures import KINDS, MeasureError, apply_measure, lift_measure, list_measures
from ringto.fraud.models import FraudCase, FraudMeasure
from ringto.numbers.e164 import normalise
from ringto.numbers.models import Customer, ServiceNumber

from .common import echo_table, open_store

json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
by_option = click.option("--by", default=getpass.getuser, show_default="your login name",
                         help="Who takes this action (kept in the log).")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@click.group()
def fraud() -> None:
    """Fraud cases, measures and violation reports."""


@contextmanager
def _user_errors() -> Iterator[None]:
    try:
        yield
    except (MeasureError, LookupError, ValueError) as exc:
        raise click.UsageError(str(exc).strip("'\"")) from exc


def _time(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _e164(value: str | None, what: str, region: str) -> str | None:
    if value is None:
        return None
    e164 = normalise(value, region)
    if e164 is None:
        raise click.UsageError(f"{what} {value!r} is not a valid phone number (region {region})")
    return e164


def _duration(_ctx: click.Context, _param: click.Parameter, value: str | None) -> float | None:
    if value is None:
        return None
    match = _DURATION.match(value.strip().lower())
    if not match or float(match.group(1)) <= 0:
        raise click.BadParameter(f"{value!r}: expected a positive duration like 90s, 15m, 1h or 2d")
    return float(match.group(1)) * _UNIT_S[match.group(2)]


def case_json(case: FraudCase) -> dict[str, Any]:
    return {"id": case.id, "category": case.category, "subject": case.subject,
            "number": case.number_e164, "customer_id": case.customer_id, "severity": case.severity,
            "status": case.status, "source": case.source, "first_seen": _time(case.first_seen_utc),
            "last_seen": _time(case.last_seen_utc), "alerts": case.alerts, "call_ids": case.call_ids,
            "summary": case.summary, "closed_by": case.closed_by}


def measure_json(m: FraudMeasure) -> dict[str, Any]:
    return {"id": m.id, "kind": m.kind, "case_id": m.case_id, "customer_id": m.customer_id,
            "number": m.number_e164, "caller": m.caller, "source_ip": m.source_ip,
            "hold_id": m.hold_id, "reason": m.reason, "applied_by": m.applied_by,
            "applied_utc": _time(m.applied_utc), "expires_utc": _time(m.expires_utc),
            "lifted_by": m.lifted_by, "lifted_utc": _time(m.lifted_utc)}


# -- cases ----------------------------------------------------------------------------
@fraud.command(name="cases")
@click.option("--status", type=click.Choice(["open", "closed", "all"]), default="open",
              show_default=True)
@json_option
def cases_command(status: str, as_json: bool) -> None:
    """List fraud cases, the most recently active first."""
    store = open_store()
    with store.sessions() as session:
        found = case_service.list_cases(session, None if status == "all" else status)
        if as_json:
            click.echo(json.dumps([case_json(c) for c in found], indent=2))
            return
        echo_table(("ID", "CATEGORY", "SUBJECT", "NUMBER", "SEVERITY", "STATUS", "LAST SEEN", "CALLS"),
                   [(str(c.id), c.category, c.subject, c.number_e164 or "", c.severity, c.status,
                     _time(c.last_seen_utc), str(len(c.call_ids))) for c in found])


@fraud.group()
def case() -> None:
    """One case: show or close it."""


@case.command(name="show")
@click.argument("case_id", type=int)
@json_option
def case_show(case_id: int, as_json: bool) -> None:
    """Show case CASE_ID with its evidence and measures."""
    store = open_store()
    with store.sessions() as session, _user_errors():
        found = case_service.get_case(session, case_id)
        measures = list_measures(session, case_id=case_id)
        data = {**case_json(found), "measures": [measure_json(m) for m in measures]}
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    for key, value in data.items():
        if key not in ("call_ids", "measures"):
            click.echo(f"{key:12} {'' if value is None else value}")
    click.echo(f"evidence     {len(data['call_ids'])} calls: {' '.join(data['call_ids'])}")
    for m in data["measures"]:
        state = f"lifted by {m['lifted_by']}" if m["lifted_by"] else "in force"
        click.echo(f"measure {m['id']:<4} {m['kind']:18} by {m['applied_by']} ({state})")


@case.command(name="close")
@click.argument("case_id", type=int)
@by_option
def case_close(case_id: int, by: str) -> None:
    """Close case CASE_ID (its measures stay until lifted)."""
    store = open_store()
    with store.sessions() as session, session.begin(), _user_errors():
        case_service.close_case(session, case_id, closed_by=by)
    click.echo(f"closed case {case_id}")


# -- measures -------------------------------------------------------------------------
@fraud.group()
def measure() -> None:
    """Apply, lift and list measures."""


def _apply(kind: str, *, by: str, case_id: int | None = None, number: str | None = None,
           caller: str | None = None, ip: str | None = None, customer: str | None = None,
           duration_s: float | None = None, reason: str = "") -> None:
    store = open_store()
    region = store.settings.default_region
    with store.sessions() as session, session.begin(), _user_errors():
        customer_id = None
        if customer is not None:
            customer_id = session.scalar(select(Customer.id).where(Customer.name == customer))
            if customer_id is None:
                raise MeasureError(f"customer {customer!r} does not exist")
        if case_id is not None:
            case_service.get_case(session, case_id)
        applied = apply_measure(
            session, kind, applied_by=by, case_id=case_id, number=_e164(number, "--number", region),
            caller=_e164(caller, "caller", region), source_ip=ip, customer_id=customer_id,
            duration_s=duration_s, reason=reason)
        click.echo(f"measure {applied.id}: {kind} applied by {applied.applied_by}"
                   + (f", until {_time(applied.expires_utc)}" if applied.expires_utc else ""))


@measure.command(name="apply")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.option("--case", "case_id", type=int, help="The case this measure answers.")
@click.option("--number", help="The service number.")
@click.option("--caller", help="The calling number (block_caller).")
@click.option("--ip", help="The source IP address (ban_ip).")
@click.option("--customer", help="The customer's name (warn, hold_payouts, end_agreement).")
@click.option("--for", "duration_s", callback=_duration, help="Lasts this long (90s, 15m, 1h, 2d).")
@click.option("--reason", default="", help="Why, for the log and the customer's notice.")
@by_option
def measure_apply(kind: str, case_id: int | None, number: str | None, caller: str | None,
                  ip: str | None, customer: str | None, duration_s: float | None, reason: str,
                  by: str) -> None:
    """Apply a measure of KIND."""
    _apply(kind, by=by, case_id=case_id, number=number, caller=caller, ip=ip, customer=customer,
           duration_s=duration_s, reason=reason)


@measure.command(name="lift")
@click.argument("measure_id", type=int)
@by_option
def measure_lift(measure_id: int, by: str) -> None:
    """Lift measure MEASURE_ID and undo its effects."""
    store = open_store()
    with store.sessions() as session, session.begin(), _user_errors():
        lifted = lift_measure(session, measure_id, lifted_by=by)
        click.echo(f"measure {lifted.id}: {lifted.kind} lifted by {by}")


@measure.command(name="list")
@click.option("--active", "only_active", is_flag=True, help="Only measures in force.")
@click.option("--case", "case_id", type=int)
@json_option
def measure_list(only_active: bool, case_id: int | None, as_json: bool) -> None:
    """List measures, oldest first."""
    store = open_store()
    with store.sessions() as session:
        found = [measure_json(m) for m in list_measures(session, only_active=only_active, case_id=case_id)]
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    echo_table(("ID", "KIND", "CASE", "SUBJECT", "BY", "APPLIED", "EXPIRES", "LIFTED BY"),
               [(str(m["id"]), m["kind"], str(m["case_id"] or ""),
                 " ".join(str(v) for v in (m["number"], m["caller"], m["source_ip"]) if v),
                 m["applied_by"], m["applied_utc"], m["expires_utc"], m["lifted_by"] or "")
                for m in found])


@fraud.command()
@click.argument("caller")
@click.option("--number", help="Block only on this service number (default: everywhere).")
@click.option("--reason", default="")
@by_option
def block(caller: str, number: str | None, reason: str, by: str) -> None:
    """Block CALLER (on --number, or on every number)."""
    _apply("block_caller", by=by, caller=caller, number=number, reason=reason)


@fraud.command()
@click.argument("ip")
@click.option("--for", "duration_s", callback=_duration, default="1h", show_default=True)
@click.option("--reason", default="")
@by_option
def ban(ip: str, duration_s: float, reason: str, by: str) -> None:
    """Ban source IP address IP for a time."""
    _apply("ban_ip", by=by, ip=ip, duration_s=duration_s, reason=reason)


# -- reports --------------------------------------------------------------------------
def _reported_time(_ctx: click.Context, _param: click.Parameter, value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise click.BadParameter(f"{value!r}: give date and time with the time zone, "
                                 "e.g. 2026-11-25T14:03+01:00 or 2026-11-25T13:03Z")
    return moment.astimezone(UTC)


@fraud.command()
@click.option("--number", required=True, help="The service the violation used.")
@click.option("--at", "moment", required=True, callback=_reported_time,
              help="Date and time of the violation, with time zone.")
@click.option("--evidence", required=True, help="What was seen (text, or where the proof is).")
@click.option("--call-id", "call_ids", multiple=True, help="A call id as evidence; repeatable.")
@click.option("--category", type=click.Choice([case_service.REPORTED, *case_service.CATEGORIES]),
              default=case_service.REPORTED, show_default=True)
@by_option
def report(number: str, moment: datetime, evidence: str, call_ids: tuple[str, ...], category: str,
           by: str) -> None:
    """File a violation report (seed: "Melden van overtredingen"); it becomes a case."""
    store = open_store()
    e164 = _e164(number, "--number", store.settings.default_region)
    assert e164 is not None
    with store.sessions() as session, session.begin(), _user_errors():
        owner = session.scalar(select(ServiceNumber.customer_id).where(ServiceNumber.e164 == e164))
        alert = Alert(category, e164, moment, moment, "medium", call_ids, e164, owner,
                      summary=f"reported by {by}: {evidence}", source="report")
        filed, new = case_service.record_alert(session, alert)
        click.echo(f"{'opened' if new else 'added to'} case {filed.id} ({category} on {e164})")
