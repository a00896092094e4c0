"""A service number as operators see it (CLI now, portal and API later)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from .models import ServiceNumber


@dataclass(frozen=True, slots=True)
class NumberInfo:
    """A service number as an operator sees it."""

    e164: str
    customer: str
    region: str
    number_type: str
    strategy: str
    ring_time_s: float
    targets: tuple[str, ...]
    suspended: bool
    created: datetime
    updated: datetime
    record: bool
    retention_days: int
    voicemail_email: str | None
    language: str
    timezone: str
    flow: str  # "custom" (set with `number flow set`) or "forward" (the default)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: targets as a list, times as ISO 8601 UTC with milliseconds."""
        data = asdict(self)
        data["targets"] = list(self.targets)
        for key in ("created", "updated"):
            data[key] = data[key].isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return data


def info_of(row: ServiceNumber) -> NumberInfo:
    """The operator's view of a loaded `ServiceNumber`."""
    return NumberInfo(
        e164=row.e164, customer=row.customer.name, region=row.region,
        number_type=row.number_type, strategy=row.strategy, ring_time_s=row.ring_time_s,
        targets=tuple(t.e164 for t in row.targets), suspended=row.suspended,
        created=row.created, updated=row.updated, record=row.record,
        retention_days=row.retention_days, voicemail_email=row.voicemail_email,
        language=row.language, timezone=row.timezone,
        flow="forward" if row.flow is None else "custom",
    )
