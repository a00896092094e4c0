"""Walks a number's call flow (F6–F8, F24) for one call, as one asyncio task.

A flow is a small tree of steps (`ringto.flows.steps`). Steps that need the caller's
audio (play, menu, voicemail, the recording announcement) answer the call first, with
our anchored SDP; a forward that follows rings the targets while the caller is already
connected to ringto, and bridges the media when one answers. The SIP side stays in
`Call`: the runner only decides what happens next and waits for the outcome.

A coroutine per call reads like the flow it runs; plain forwards without media keep
the callback path in `Call`, so the cheapest calls pay nothing for this.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..flows.hours import hours_open
from ..flows.steps import Audio, Forward, Hours, Menu, Play, Record, Step, Voicemail
from ..media.anchor import Anchor
from .anchor import Refused, open_anchor

if TYPE_CHECKING:
    from .call import Call

log = logging.getLogger("ringto.flows")
BEEP = Audio(name="beep")
GREETING = Audio(name="voicemail-greeting")


class FlowRunner:
    def __init__(self, call: Call, flow: Step) -> None:
        self.call = call
        self.flow = flow
        self.task: asyncio.Task[None] | None = None
        self.recording: Path | None = None  # where the bridged conversation goes, once on
        self.record_wanted = False
        self.digits: asyncio.Queue[str] = asyncio.Queue()
        self._forward: asyncio.Future[str] | None = None
        self._ended = call.engine.loop.create_future()
        self._voicemail = False

    def start(self) -> None:
        self.task = self.call.engine.loop.create_task(self._run())

    # -- events from the call ---------------------------------------------------------
    def forward_answered(self) -> None:
        if self._forward is not None and not self._forward.done():
            self._forward.set_result("answered")

    def forward_failed(self, disposition: str) -> None:
        if self._forward is not None and not self._forward.done():
            self._forward.set_result(disposition)

    def digit(self, side: str, digit: str) -> None:
        if side == "caller":
            self.digits.put_nowait(digit)

    def call_ended(self) -> None:
        """The call is over: stop the flow, except a voicemail still saving its message."""
        if not self._ended.done():
            self._ended.set_result(None)
        anchor = self.call.anchor
        if self._voicemail and anchor is not None:
            anchor.session.close()  # ends the message; the task mails it
        elif self.task is not None and self.task is not asyncio.current_task():
            self.task.cancel()

    # -- the walk ---------------------------------------------------------------------
    async def _run(self) -> None:
        call = self.call
        try:
            call.anchor = await open_anchor(call.engine.media, call.invite.body)
            call.anchor.session.on_dtmf = self.digit
            step: Step | None = self.flow
            while step is not None and not call.ended:
                call.record.steps.append(type(step).__name__.lower())
                step = await self._step(step)
            if not call.ended:
                call.fail()
        except Refused as refused:
            log.info("call %s not anchored: %s", call.record.call_id, refused)
            if not call.ended:
                call.fail(refused.status, "failed")
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("flow of call %s failed", call.record.call_id)
            if not call.ended:
                call.fail(500, "failed")
        finally:
            await self._close()

    async def _step(self, step: Step) -> Step | None:
        match step:
            case Forward():
                return await self._forward_step(step)
            case Play():
                await self._play(step.audio)
                return step.next
            case Record():
                self.record_wanted = True
                if step.announce:
                    await self._play(Audio(name="recorded"))
                return step.next
            case Menu():
                return await self._menu(step)
            case Hours():
                route = self.call.route
                return step.open if hours_open(step, datetime.now(UTC), route.region,
                                               route.timezone) else step.closed
            case Voicemail():
                await self._voicemail_step(step)
        return None

    def _answered(self) -> Anchor:
        """The call's media, with the caller answered (our SDP) if that has not happened."""
        call = self.call
        anchor = call.anchor
        assert anchor is not None and anchor.offer is not None
        if not call.caller_answered:
            answer = anchor.local_answer(anchor.offer)
            assert answer is not None  # open_anchor refused offers without G.711
            call.answer_caller(answer.serialise(), (("Content-Type", "application/sdp"),))
        return anchor

    async def _play(self, audio: Audio) -> None:
        await self._answered().session.play("caller", audio.path(self.call.route.language))

    async def _forward_step(self, step: Forward) -> Step | None:
        call = self.call
        self._forward = call.engine.loop.create_future()
        call.forward(step.targets, step.strategy, step.ring_time_s)
        outcome = await self._forward
        if outcome == "answered":
            if self.record_wanted:
                self.recording = call.engine.keeper.recording_path(call.record)
                self._answered().session.start_recording(self.recording)
            await self._ended
            return None
        follow = step.on_busy if outcome == "busy" else step.on_no_answer
        if follow is None:
            call.fail()
        return follow

    async def _menu(self, step: Menu) -> Step | None:
        self._answered()
        missed = "timeout"
        for attempt in range(step.max_tries):
            if attempt:
                await self._play(Audio(name=f"menu-{missed}"))
            digit = await self._ask(step.prompt, step.timeout_s)
            if digit is None:
                missed = "timeout"
                continue
            if digit in step.choices:
                self.call.record.steps.append(f"menu:{digit}")
                return step.choices[digit]
            missed = "invalid"
        return step.on_timeout if missed == "timeout" else step.on_invalid

    async def _ask(self, prompt: Audio, timeout_s: float) -> str | None:
        """Play `prompt` (a digit cuts it short), then wait `timeout_s` for one digit."""
        while not self.digits.empty():
            self.digits.get_nowait()
        waiting = asyncio.ensure_future(self.digits.get())
        playing = asyncio.ensure_future(self._play(prompt))
        try:
            await asyncio.wait({waiting, playing}, return_when=asyncio.FIRST_COMPLETED)
            if not waiting.done():
                await asyncio.wait({waiting}, timeout=timeout_s)
            return waiting.result() if waiting.done() else None
        finally:
            waiting.cancel()
            playing.cancel()

    async def _voicemail_step(self, step: Voicemail) -> None:
        call = self.call
        if call.route.voicemail_email is None:  # the address was removed after the flow was set
            log.warning("number %s has voicemail but no address: not taking a message", call.route.e164)
            return
        await self._play(step.greeting or GREETING)
        await self._play(BEEP)
        call.record.ring_to = "voicemail"
        path = call.engine.keeper.voicemail_path(call.record)
        self._voicemail = True
        seconds = await self._answered().session.record_side("caller", path, step.max_s,
                                                             step.silence_s, "#")
        await call.engine.keeper.deliver_voicemail(call.record, call.route, path, seconds)
        if not call.ended:
            call.hangup("engine", "voicemail-end")

    async def _close(self) -> None:
        anchor = self.call.anchor
        if anchor is None:
            return
        if self.recording is not None:
            seconds = anchor.session.stop_recording()
            await self.call.engine.keeper.keep_recording(self.call.record, self.call.route,
                                                   self.recording, seconds)
        anchor.close()
