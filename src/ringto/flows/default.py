"""The flow a number runs when its owner never set one, and the number-wide record switch.

A number without a stored flow forwards to its ring-to targets with its strategy and
ring time, exactly as before flows existed, so existing numbers keep working unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .steps import Forward, Hours, Menu, Play, Record, Step


def default_flow(targets: Sequence[str], strategy: str, ring_time_s: float) -> Forward:
    """Forward to the number's own ring-to targets."""
    return Forward(targets=tuple(targets), strategy=strategy, ring_time_s=ring_time_s)


def effective_flow(flow: Step, record: bool) -> Step:
    """`flow` with every forward not already under a record step recorded, when `record` is on.

    The number's record switch (`ringto number update --record`) means "record my
    conversations"; only a forward has a conversation, so menus, voicemail and closed
    announcements are never wrapped."""
    return _wrap(flow) if record else flow


def _wrap(step: Step | None) -> Step | None:
    match step:
        case None | Record():
            return step
        case Forward():
            return Record(next=replace(step, on_no_answer=_wrap(step.on_no_answer),
                                       on_busy=_wrap(step.on_busy)))
        case Play():
            return replace(step, next=_wrap(step.next))
        case Menu():
            return replace(step, choices={d: _wrap(s) for d, s in step.choices.items()},
                           on_timeout=_wrap(step.on_timeout), on_invalid=_wrap(step.on_invalid))
        case Hours():
            return replace(step, open=_wrap(step.open), closed=_wrap(step.closed))
    return step  # Voicemail: nothing to record
