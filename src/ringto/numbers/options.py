"""Per-number call handling settings beside the ring-to targets: recording, voicemail, language.

`NumberOptions` carries what an operator gave (None keeps the stored value), so `add`
and `update` share one validation that names the bad value.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address

from .errors import InvalidRouting
from .locale import LANGUAGES, language_for, timezone_for
from .models import ServiceNumber

DEFAULT_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650


@dataclass(frozen=True, slots=True)
class NumberOptions:
    """Settings to change; None keeps the stored (or, for a new number, the default) value.

    `voicemail_email=""` clears the address, so voicemail goes to the customer's email."""

    record: bool | None = None
    retention_days: int | None = None
    voicemail_email: str | None = None
    language: str | None = None


def check_email(text: str) -> str:
    """`text` as a single plain mail address, or InvalidRouting naming it."""
    try:
        address = Address(addr_spec=text.strip())
    except (HeaderParseError, ValueError, IndexError):  # IndexError: the parser on "a@"
        address = None
    if address is None or not address.username or not address.domain:
        raise InvalidRouting(f"voicemail email {text!r}: not a mail address; expected name@domain")
    return address.addr_spec


def apply_options(row: ServiceNumber, options: NumberOptions, *, new: bool) -> None:
    """Validate `options` and set them on `row`; a new row also gets its locale defaults."""
    if new:
        row.record, row.retention_days, row.voicemail_email = False, DEFAULT_RETENTION_DAYS, None
        row.language, row.timezone = language_for(row.region), timezone_for(row.e164)
    if options.retention_days is not None:
        if not 0 <= options.retention_days <= MAX_RETENTION_DAYS:
            raise InvalidRouting(f"retention {options.retention_days} days: expected 0 to "
                                 f"{MAX_RETENTION_DAYS} (0 deletes recordings at the next retention run)")
        row.retention_days = options.retention_days
    if options.language is not None:
        if options.language not in LANGUAGES:
            raise InvalidRouting(f"language {options.language!r}: expected one of {', '.join(LANGUAGES)}")
        row.language = options.language
    if options.voicemail_email is not None:
        row.voicemail_email = check_email(options.voicemail_email) if options.voicemail_email else None
    if options.record is not None:
        row.record = options.record
