"""The typed steps of a parsed call flow; the executor walks these, never the raw JSON.

A flow is one `Step`; steps that continue hold their sub-flows (`next`, `on_busy`,
`choices`...). `None` where a sub-flow is optional means "the call ends here" (the
caller hears nothing more and is hung up on, or, for a forward, gets the busy/no
answer response). All are frozen so a route shared between calls cannot change under
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ringto.prompts import prompt_path


@dataclass(frozen=True, slots=True)
class Audio:
    """What to play: a prompt shipped with ringto (by name) or the owner's WAV file."""

    name: str | None = None
    wav: Path | None = None

    def path(self, language: str) -> Path:
        """The file to play for a number whose prompts are in `language`."""
        return self.wav if self.wav is not None else prompt_path(self.name or "", language)


@dataclass(frozen=True, slots=True)
class Forward:
    """Ring `targets` (E.164): one after another for `ring_time_s` each, or all at once."""

    targets: tuple[str, ...]
    strategy: str = "sequential"
    ring_time_s: float = 20.0
    on_no_answer: Step | None = None
    on_busy: Step | None = None


@dataclass(frozen=True, slots=True)
class Play:
    """Play `audio` to the caller, then continue with `next`."""

    audio: Audio
    next: Step | None = None


@dataclass(frozen=True, slots=True)
class Record:
    """Announce the recording (prompt "recorded") when `announce`, then continue with `next`.

    The bridged conversation of any forward inside `next` is recorded, caller left and
    callee right; voicemail messages are never kept as recordings (F7)."""

    next: Step
    announce: bool = True


@dataclass(frozen=True, slots=True)
class Voicemail:
    """Greeting (default: prompt "voicemail-greeting"), beep, then record until hang-up,
    `#`, `silence_s` of silence or `max_s`; the message is mailed to the owner."""

    greeting: Audio | None = None
    max_s: float = 120.0
    silence_s: float = 5.0


@dataclass(frozen=True, slots=True)
class Menu:
    """Play `prompt` and wait `timeout_s` for one DTMF digit, up to `max_tries` times.

    A digit in `choices` continues there; after `max_tries` without a digit the call
    continues with `on_timeout`, after `max_tries` wrong digits with `on_invalid`
    (each retry first plays "menu-timeout" or "menu-invalid")."""

    choices: dict[str, Step]
    prompt: Audio = Audio(name="menu")
    timeout_s: float = 5.0
    max_tries: int = 3
    on_timeout: Step | None = None
    on_invalid: Step | None = None


@dataclass(frozen=True, slots=True)
class OpeningInterval:
    """Open from `start_minute` up to (not including) `end_minute` after local midnight."""

    start_minute: int
    end_minute: int


@dataclass(frozen=True, slots=True)
class Hours:
    """Continue with `open` during opening hours in the number's time zone, else `closed`.

    `week` maps a weekday (0 = Monday) to its intervals; a day not in it is closed.
    With `holidays`, the country's public holidays are closed all day."""

    week: dict[int, tuple[OpeningInterval, ...]]
    open: Step
    closed: Step
    holidays: bool = True


Step = Forward | Play | Record | Voicemail | Menu | Hours
