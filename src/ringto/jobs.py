"""Background jobs of `ringto serve`: the hourly recording retention run and the voicemail outbox.

Both do their database work off the event loop (worker threads), so a slow delete or a
slow mail server never delays a call. Retention runs once at start, then every hour:
a server that was down past a deadline deletes at once what is overdue.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import structlog
from sqlalchemy.orm import Session

from .config import Settings
from .mail.outbox import OutboxWorker
from .mail.transport import transport_for
from .recordings.retention import run_retention

log = structlog.get_logger(__name__)
RETENTION_EVERY_S = 3600.0


async def retention_hourly(
    session_factory: Callable[[], Session], every_s: float = RETENTION_EVERY_S,
) -> None:
    """Run the retention job now and then every `every_s` seconds; failures are logged and retried."""
    while True:
        try:
            deleted = await asyncio.to_thread(run_retention, session_factory, datetime.now(UTC))
            if deleted:
                log.info("retention run", recordings_deleted=len(deleted))
        except Exception:
            log.exception("retention run failed; retrying at the next run")
        await asyncio.sleep(every_s)


def start_jobs(settings: Settings, session_factory: Callable[[], Session]) -> list[asyncio.Task]:
    """Start the background jobs on the running loop; cancel the returned tasks to stop them."""
    outbox = OutboxWorker(session_factory, transport_for(settings.smtp_url, settings.data_dir),
                          settings.mail_from)
    return [asyncio.create_task(retention_hourly(session_factory), name="retention"),
            asyncio.create_task(outbox.run(), name="voicemail-outbox")]
