"""The files a call leaves behind: recordings (F7) and voicemail messages (F8).

Recordings are registered with their deletion date (the owner's retention days) so the
retention job can delete them; voicemail messages are queued in the outbox, mailed to
the owner and then deleted, never kept. The database work runs in a thread so the
event loop never waits on storage.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from ..mail.compose import VoicemailMessage
from ..mail.outbox import enqueue_voicemail, voicemail_path
from ..numbers.service import NumberRoute
from ..recordings.service import add_recording, recording_path
from .cdr import CallRecord, utcnow

log = logging.getLogger("ringto.calls")
MIN_MESSAGE_S = 1.0


class Keeper:
    def __init__(self, data_dir: Path, sessions: Callable[[], Session]) -> None:
        self.data_dir = data_dir
        self.sessions = sessions

    def recording_path(self, record: CallRecord) -> Path:
        path = recording_path(self.data_dir, record.service_number, record.call_id, record.start)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def voicemail_path(self, record: CallRecord) -> Path:
        path = voicemail_path(self.data_dir, record.call_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    async def keep_recording(self, record: CallRecord, route: NumberRoute, path: Path,
                             seconds: float) -> None:
        """Register a finished recording; a recording without a row would never be deleted,
        so a failure to register deletes the file instead of leaving it behind."""
        try:
            await asyncio.to_thread(add_recording, self.sessions, record.call_id, route.e164, path,
                                    seconds, utcnow())
        except Exception:
            log.exception("recording of call %s not registered: deleting its file", record.call_id)
            path.unlink(missing_ok=True)

    async def deliver_voicemail(self, record: CallRecord, route: NumberRoute, path: Path,
                                seconds: float) -> None:
        """Queue the message for the owner's mailbox; the outbox mails and deletes it.

        A caller who hangs up at the beep left no message: under a second is deleted
        rather than mailed, as answering machines do. (The runner takes no message at
        all for a number without an address.)"""
        assert route.voicemail_email is not None
        if seconds < MIN_MESSAGE_S:
            log.info("voicemail of call %s is %.1f s: not mailed, deleted", record.call_id, seconds)
            path.unlink(missing_ok=True)
            return
        message = VoicemailMessage(route.voicemail_email, route.e164, record.caller, record.start,
                                   route.language, route.timezone)
        await asyncio.to_thread(enqueue_voicemail, self.sessions, path, message, utcnow())
