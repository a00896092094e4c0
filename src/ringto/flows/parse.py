"""From JSON to typed steps: the schema first, then the rules a schema cannot say.

Those rules: ring-to targets are numbers libphonenumber accepts, listed once and never
the service number itself; audio is a shipped prompt or an absolute .wav path (that
exists, when asked); an opening interval ends after it starts. All schema problems are
reported at once, else all of these, each naming its step and field.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ringto.numbers.e164 import normalise
from ringto.prompts import PROMPTS

from .schema import FlowIssue, schema_issues
from .steps import Audio, Forward, Hours, Menu, OpeningInterval, Play, Record, Step, Voicemail

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_DEPTH = 16


class FlowError(ValueError):
    """A flow that cannot be used; `issues` lists every problem, each naming step and field."""

    def __init__(self, issues: list[FlowIssue]) -> None:
        super().__init__("\n".join(str(issue) for issue in issues))
        self.issues = issues


@dataclass
class _Context:
    service_number: str | None
    check_files: bool
    issues: list[FlowIssue] = field(default_factory=list)

    def problem(self, step: str, name: str, message: str) -> None:
        self.issues.append(FlowIssue(step, name, message))


def parse_flow(data: Any, *, service_number: str | None = None, check_files: bool = False) -> Step:
    """The typed flow for JSON `data`, or FlowError listing everything wrong with it.

    `service_number` (E.164) refuses forwarding a number to itself; `check_files`
    refuses owner WAV files that do not exist or are not WAV (the CLI sets it; a
    server reloading stored flows does not, so a moved file cannot unroute a number)."""
    issues = schema_issues(data)
    if issues:
        raise FlowError(issues)
    context = _Context(service_number, check_files)
    step = _step(data, "", context, 1)
    if context.issues:
        raise FlowError(context.issues)
    return step


def _step(data: dict[str, Any], parent: str, context: _Context, depth: int) -> Step:
    (kind, body), = data.items()
    path = f"{parent}.{kind}" if parent else kind
    if depth > MAX_DEPTH:
        context.problem(path, "", f"flows nest at most {MAX_DEPTH} steps deep")
    return _PARSERS[kind](body, path, context, depth)


def _sub(body: dict[str, Any], name: str, path: str, context: _Context, depth: int) -> Step | None:
    if name not in body:
        return None
    return _step(body[name], f"{path}.{name}", context, depth + 1)


def _forward(body: dict[str, Any], path: str, context: _Context, depth: int) -> Forward:
    targets = tuple(body["targets"])
    for i, target in enumerate(targets):
        if normalise(target) != target:
            context.problem(path, f"targets.{i}", f"{target!r} is not a valid E.164 phone number")
        elif target == context.service_number:
            context.problem(path, f"targets.{i}", "forwarding a number to itself would loop")
        elif target in targets[:i]:
            context.problem(path, f"targets.{i}", f"{target} is listed twice")
    return Forward(
        targets=targets, strategy=body.get("strategy", "sequential"),
        ring_time_s=float(body.get("ring_time_s", 20.0)),
        on_no_answer=_sub(body, "on_no_answer", path, context, depth),
        on_busy=_sub(body, "on_busy", path, context, depth),
    )


def _play(body: dict[str, Any], path: str, context: _Context, depth: int) -> Play:
    return Play(audio=_audio(body["prompt"], path, "prompt", context),
                next=_sub(body, "next", path, context, depth))


def _record(body: dict[str, Any], path: str, context: _Context, depth: int) -> Record:
    return Record(next=_step(body["next"], f"{path}.next", context, depth + 1),
                  announce=body.get("announce", True))


def _voicemail(body: dict[str, Any], path: str, context: _Context, _depth: int) -> Voicemail:
    greeting = body.get("greeting")
    return Voicemail(
        greeting=None if greeting is None else _audio(greeting, path, "greeting", context),
        max_s=float(body.get("max_s", 120.0)), silence_s=float(body.get("silence_s", 5.0)),
    )


def _menu(body: dict[str, Any], path: str, context: _Context, depth: int) -> Menu:
    choices = {
        digit: _step(sub, f"{path}.choices.{digit}", context, depth + 1)
        for digit, sub in sorted(body["choices"].items())
    }
    prompt = body.get("prompt")
    return Menu(
        choices=choices,
        prompt=Audio(name="menu") if prompt is None else _audio(prompt, path, "prompt", context),
        timeout_s=float(body.get("timeout_s", 5.0)), max_tries=body.get("max_tries", 3),
        on_timeout=_sub(body, "on_timeout", path, context, depth),
        on_invalid=_sub(body, "on_invalid", path, context, depth),
    )


def _hours(body: dict[str, Any], path: str, context: _Context, depth: int) -> Hours:
    week: dict[int, tuple[OpeningInterval, ...]] = {}
    for day, texts in body["week"].items():
        intervals = tuple(_interval(text) for text in texts)
        for i, interval in enumerate(intervals):
            if interval.start_minute >= interval.end_minute:
                context.problem(path, f"week.{day}.{i}", f"{texts[i]!r} ends before it starts")
        if intervals:
            week[WEEKDAYS.index(day)] = intervals
    return Hours(
        week=dict(sorted(week.items())),
        open=_step(body["open"], f"{path}.open", context, depth + 1),
        closed=_step(body["closed"], f"{path}.closed", context, depth + 1),
        holidays=body.get("holidays", True),
    )


def _interval(text: str) -> OpeningInterval:
    start, end = (int(t[:2]) * 60 + int(t[3:]) for t in text.split("-"))
    return OpeningInterval(start, end)


def _audio(text: str, path: str, name: str, context: _Context) -> Audio:
    if text in PROMPTS:
        return Audio(name=text)
    wav = Path(text)
    if not (wav.is_absolute() and wav.suffix.lower() == ".wav"):
        context.problem(path, name, f"{text!r}: expected a prompt ({', '.join(PROMPTS)}) "
                                    "or an absolute path to a .wav file")
    elif context.check_files:
        _check_wav(wav, path, name, context)
    return Audio(wav=wav)


def _check_wav(wav: Path, path: str, name: str, context: _Context) -> None:
    try:
        with wave.open(str(wav), "rb") as reader:
            reader.getnframes()
    except FileNotFoundError:
        context.problem(path, name, f"{wav}: no such file")
    except (OSError, EOFError, wave.Error) as exc:
        context.problem(path, name, f"{wav}: not a readable WAV file ({exc})")


_PARSERS = {
    "forward": _forward, "play": _play, "record": _record, "voicemail": _voicemail,
    "menu": _menu, "hours": _hours,
}
