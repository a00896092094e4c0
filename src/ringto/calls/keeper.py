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

        A number without an address (its own or its customer's) cannot take messages:
        `number flow set` refuses such a flow, so this only happens when the address was
        removed later. The message is then deleted, as it could never be delivered."""
        if route.voicemail_email is None or seconds <= 0:
            log.warning("voicemail of call %s not mailed (%s): deleting it", record.call_id,
                        "no address" if route.voicemail_email is None else "empty")
            path.unlink(missing_ok=True)
            return
        message = VoicemailMessage(route.voicemail_email, route.e164, record.caller, record.start,
                                   route.language, route.timezone)
        await asyncio.to_thread(enqueue_voicemail, self.sessions, path, message, utcnow())
