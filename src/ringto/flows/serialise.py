"""Typed steps back to the JSON `parse_flow` reads, with every field spelt out.

`flow show` prints the default flow of a number that never had one set, so an operator
can start editing from exactly what the number does today.
"""

from __future__ import annotations

from typing import Any

from .parse import WEEKDAYS
from .steps import Audio, Forward, Hours, Menu, OpeningInterval, Play, Record, Step, Voicemail


def flow_to_json(step: Step) -> dict[str, Any]:
    """The JSON tree of `step`; `parse_flow(flow_to_json(s)) == s`."""
    match step:
        case Forward():
            body: dict[str, Any] = {"targets": list(step.targets), "strategy": step.strategy,
                                    "ring_time_s": step.ring_time_s}
            return {"forward": _with_subs(body, on_no_answer=step.on_no_answer, on_busy=step.on_busy)}
        case Play():
            return {"play": _with_subs({"prompt": _audio(step.audio)}, next=step.next)}
        case Record():
            return {"record": {"announce": step.announce, "next": flow_to_json(step.next)}}
        case Voicemail():
            body = {"max_s": step.max_s, "silence_s": step.silence_s}
            if step.greeting is not None:
                body["greeting"] = _audio(step.greeting)
            return {"voicemail": body}
        case Menu():
            body = {"prompt": _audio(step.prompt), "timeout_s": step.timeout_s,
                    "max_tries": step.max_tries,
                    "choices": {digit: flow_to_json(sub) for digit, sub in step.choices.items()}}
            return {"menu": _with_subs(body, on_timeout=step.on_timeout, on_invalid=step.on_invalid)}
        case Hours():
            week = {WEEKDAYS[day]: [_interval(i) for i in intervals] for day, intervals in step.week.items()}
            return {"hours": {"week": week, "holidays": step.holidays,
                              "open": flow_to_json(step.open), "closed": flow_to_json(step.closed)}}
    raise TypeError(f"not a flow step: {step!r}")


def _with_subs(body: dict[str, Any], **subs: Step | None) -> dict[str, Any]:
    body.update({name: flow_to_json(sub) for name, sub in subs.items() if sub is not None})
    return body


def _audio(audio: Audio) -> str:
    return str(audio.wav) if audio.wav is not None else audio.name or ""


def _interval(interval: OpeningInterval) -> str:
    return f"{_clock(interval.start_minute)}-{_clock(interval.end_minute)}"


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
