"""The fraud desk: what happens to the detector's alerts (in the detector's thread).

Each batch is one transaction: every alert opens or updates its case and the category's
policy applies its automatic measures (measures.POLICIES); after the commit the new
measures are put in force in this process's guard at once, and the other nodes pick
them up from the table at their next reload. A caller with a case but no automatic
measure is put under watch.
"""

from __future__ import annotations

from collections.abc import Callable

import structlog
from sqlalchemy.orm import Session

from .cases import Alert, record_alert
from .measures import apply_policy
from .models import FraudMeasure
from .verdict import Guard

log = structlog.get_logger(__name__)


class Desk:
    def __init__(self, session_factory: Callable[[], Session], guard: Guard | None = None) -> None:
        self._sessions = session_factory
        self._guard = guard

    def __call__(self, alerts: list[Alert]) -> None:
        applied: list[FraudMeasure] = []
        watch: list[str] = []
        with self._sessions() as session, session.begin():
            for alert in alerts:
                case, new = record_alert(session, alert)
                measures = apply_policy(session, case, alert)
                applied.extend(measures)
                if not measures and alert.caller:
                    watch.append(alert.caller)
                if new:
                    log.warning("fraud case opened", case=case.id, category=case.category,
                                subject=case.subject, number=case.number_e164,
                                measures=[m.kind for m in measures])
        if self._guard is not None:
            self._guard.put_in_force(applied)
            self._guard.watched.update(watch)
