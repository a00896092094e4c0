"""A number's call flow as the operator sets and reads it (`ringto number flow set|show`).

The stored JSON is exactly what the operator gave (after validation), so `flow show`
gives back their file; a number without one shows the forward flow it runs today.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from ringto.flows import FlowError, FlowIssue, Step, Voicemail, default_flow, flow_to_json, parse_flow
from ringto.flows.steps import Forward, Hours, Menu, Play, Record

from .service import _load  # one lookup, one "not configured" message for every numbers command

SessionFactory = Callable[[], Session]


def set_flow(session_factory: SessionFactory, e164: str, data: Any) -> Step:
    """Validate `data` for number `e164` and store it; FlowError names every problem."""
    flow = parse_flow(data, service_number=e164, check_files=True)
    with session_factory() as session, session.begin():
        row = _load(session, e164)
        if has_voicemail(flow) and not (row.voicemail_email or row.customer.email):
            raise FlowError([FlowIssue("voicemail", "", (
                f"{e164} has no address to mail messages to; set one with "
                "`ringto number update NUMBER --voicemail-email ADDR`"))])
        row.flow = data
        row.updated = datetime.now(UTC)
    return flow


def reset_flow(session_factory: SessionFactory, e164: str) -> None:
    """Forget the stored flow: the number forwards to its ring-to targets again."""
    with session_factory() as session, session.begin():
        row = _load(session, e164)
        row.flow = None
        row.updated = datetime.now(UTC)


def flow_json(session_factory: SessionFactory, e164: str) -> tuple[dict[str, Any], bool]:
    """(the number's flow as JSON, True when it is the default forward flow)."""
    with session_factory() as session:
        row = _load(session, e164)
        if row.flow is not None:
            return row.flow, False
        return flow_to_json(default_flow([t.e164 for t in row.targets], row.strategy, row.ring_time_s)), True


def has_voicemail(step: Step | None) -> bool:
    """Whether any path through `step` can reach a voicemail step."""
    match step:
        case Voicemail():
            return True
        case Forward():
            return has_voicemail(step.on_no_answer) or has_voicemail(step.on_busy)
        case Play() | Record():
            return has_voicemail(step.next)
        case Menu():
            return any(map(has_voicemail, (*step.choices.values(), step.on_timeout, step.on_invalid)))
        case Hours():
            return has_voicemail(step.open) or has_voicemail(step.closed)
    return False
