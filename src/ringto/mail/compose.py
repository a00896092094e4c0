"""The voicemail email in the owner's language: who called, when (their local time), how long.

Texts for EN, NL and BG live here beside each other so a translator sees them as one;
Babel writes the date and time the way each language does (CLDR data), in the number's
time zone. A hidden caller is "anonymous" in every language, never their number (F10).
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers
from babel.dates import format_datetime

TEXTS = {
    "en": {
        "anonymous": "anonymous",
        "subject": "Voicemail from {caller} on {number}",
        "body": ("You have a new voicemail message on {number}.\n\n"
                 "From: {caller}\nTime: {time}\nLength: {seconds} seconds\n\n"
                 "The message is attached as a sound file (WAV). We do not keep a copy.\n"),
    },
    "nl": {
        "anonymous": "anoniem",
        "subject": "Voicemail van {caller} op {number}",
        "body": ("U heeft een nieuw voicemailbericht op {number}.\n\n"
                 "Van: {caller}\nTijd: {time}\nLengte: {seconds} seconden\n\n"
                 "Het bericht zit als geluidsbestand (WAV) in de bijlage. Wij bewaren geen kopie.\n"),
    },
    "bg": {
        "anonymous": "анонимен",
        "subject": "Гласово съобщение от {caller} на {number}",
        "body": ("Имате ново гласово съобщение на {number}.\n\n"
                 "От: {caller}\nЧас: {time}\nПродължителност: {seconds} секунди\n\n"
                 "Съобщението е приложено като звуков файл (WAV). Не пазим копие.\n"),
    },
}


@dataclass(frozen=True, slots=True)
class VoicemailMessage:
    """What the mail says about one message."""

    to_addr: str
    service_number: str
    caller: str | None  # None: the caller hid their number
    call_time_utc: datetime
    language: str
    timezone: str


def pretty_number(e164: str) -> str:
    """'+31 800 020 0000': how people read a number (the raw text if it does not parse)."""
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def wav_seconds(path: Path) -> int:
    """The message's length, rounded to whole seconds."""
    with wave.open(str(path), "rb") as reader:
        return round(reader.getnframes() / reader.getframerate())


def compose(message: VoicemailMessage, wav: Path, from_addr: str) -> EmailMessage:
    """The email for `message`, with the WAV attached."""
    texts = TEXTS.get(message.language, TEXTS["en"])
    fields = {
        "caller": pretty_number(message.caller) if message.caller else texts["anonymous"],
        "number": pretty_number(message.service_number),
        "time": format_datetime(message.call_time_utc, format="full", tzinfo=ZoneInfo(message.timezone),
                                locale=message.language),
        "seconds": wav_seconds(wav),
    }
    mail = EmailMessage()
    mail["From"], mail["To"] = from_addr, message.to_addr
    mail["Subject"] = texts["subject"].format(**fields)
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = make_msgid(domain="ringto.invalid")
    mail["Content-Language"] = message.language
    mail.set_content(texts["body"].format(**fields))
    stamp = message.call_time_utc.astimezone(ZoneInfo(message.timezone)).strftime("%Y%m%d-%H%M%S")
    mail.add_attachment(wav.read_bytes(), maintype="audio", subtype="wav",
                        filename=f"voicemail-{stamp}.wav")
    return mail
