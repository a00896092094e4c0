"""Anchored media end to end: sipp on both sides carrying real G.711 speech through ringto.

Each test checks what a user would: the recording holds both parties (and the caller's
channel is the audio the caller sent), a PCMU-only caller reaches a PCMA-only phone,
a key press picks a menu branch, a voicemail arrives by mail and leaves no file behind.
"""

from __future__ import annotations

import audioop
import json
import socket
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from ringto.mail.compose import pretty_number
from ringto.media.wav import read_prompt
from ringto.prompts import prompt_path

from .audio_files import (
    SPEECH_PCAP,
    dtmf_pcap,
    pcap_pcm,
    pcap_seconds,
    pcmu_copy,
    rms,
    similarity,
    wav_channels,
)
from .server import Ringto, code_of, when
from .sipp import CALLER, FIRST_TARGET, HOST, SECOND_TARGET, SERVICE_NUMBER, Sipp, free_port

SPEECH = pcap_pcm(SPEECH_PCAP)
SPEECH_S = pcap_seconds(SPEECH_PCAP)
VOICE_RMS = 300  # speech, not comfort noise or silence


def _prompt_s(name: str) -> float:
    return len(read_prompt(prompt_path(name, "en"))) / 2 / 8000


def _caller(sipp: Callable[..., Sipp], server: Ringto, *, fmt: str, pcap: Path, lead_ms: int,
            talk_ms: int, timeout: float = 40) -> Sipp:
    return sipp("uac-media", remote=server.address, timeout=timeout, extra_args=[
        "-mp", str(free_port()), "-key", "fmt", fmt, "-key", "pcap", str(pcap),
        "-key", "lead", str(lead_ms), "-key", "talk", str(talk_ms)])


def _phone(sipp: Callable[..., Sipp], server: Ringto, *, fmt: str = "8", pcap: Path = SPEECH_PCAP,
           timeout: float = 40) -> Sipp:
    return sipp("uas-media", local_port=server.trunk_port, timeout=timeout, extra_args=[
        "-mp", str(free_port()), "-key", "fmt", fmt, "-key", "pcap", str(pcap)]).start().wait_bound()


def _one_call(server: Ringto) -> dict:
    records = server.wait_calls(count=1, timeout=10)
    assert len(records) == 1 and records[0]["disposition"] != "in-progress", records
    return records[0]


def test_recorded_call_holds_both_parties_and_retention_deletes_it(make_ringto, sipp) -> None:
    server = make_ringto()
    server.cli("number", "update", SERVICE_NUMBER, "--record", "--retention-days", "30")
    time.sleep(2.5)  # the running server reloads numbers every 2 s
    phone = _phone(sipp, server)
    lead = int((_prompt_s("recorded") + 1.5) * 1000)  # the announcement, then the phone answers
    caller = _caller(sipp, server, fmt="8 101", pcap=SPEECH_PCAP, lead_ms=lead,
                     talk_ms=int(SPEECH_S * 1000) + 1000).start()
    caller.wait().assert_ok(1)
    phone.wait().assert_ok(1)
    record = _one_call(server)
    assert record["disposition"] == "answered" and record["ring_to"] == FIRST_TARGET
    assert "record" in record["steps"] and "forward" in record["steps"]

    listed = json.loads(server.cli("recordings", "list", "--json").stdout)
    assert len(listed) == 1 and listed[0]["call_id"] == record["call_id"], listed
    path = Path(listed[0]["path"])
    seconds, (left, right) = wav_channels(path)
    bridged_at = when(record["attempts"][0]["end_utc"])
    talked = (when(record["end_utc"]) - bridged_at).total_seconds()
    assert abs(seconds - talked) < 0.5, (seconds, talked)
    assert rms(left) > VOICE_RMS and rms(right) > VOICE_RMS, (rms(left), rms(right))
    assert similarity(SPEECH, left) > 0.9  # the caller's channel is what the caller said
    assert similarity(SPEECH, right) > 0.9  # and the phone's channel what the phone played

    out = server.workdir / "call.mp3"
    server.cli("recordings", "get", str(listed[0]["id"]), "--format", "mp3", "--out", str(out))
    assert abs(MP3(out).info.length - seconds) < 0.3  # the same call (MP3 frames are 72 ms)

    server.cli("number", "update", SERVICE_NUMBER, "--retention-days", "0")
    server.cli("retention", "run")
    assert not path.exists()
    assert json.loads(server.cli("recordings", "list", "--json").stdout) == []


def test_pcmu_caller_reaches_pcma_phone_transcoded(make_ringto, sipp, tmp_path: Path) -> None:
    server = make_ringto()
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind((HOST, 0))
    listener.settimeout(0.5)
    phone = sipp("uas-media-at", local_port=server.trunk_port, timeout=40, extra_args=[
        "-mp", str(free_port()), "-key", "fmt", "8", "-key", "rtp", str(listener.getsockname()[1])])
    phone.start().wait_bound()
    pcmu = pcmu_copy(SPEECH_PCAP, tmp_path / "speech-pcmu.pcap")
    caller = _caller(sipp, server, fmt="0", pcap=pcmu, lead_ms=300,
                     talk_ms=int(SPEECH_S * 1000) + 500).start()
    payload_types, alaw = set(), bytearray()
    deadline = time.monotonic() + SPEECH_S + 8
    while time.monotonic() < deadline and caller.process.poll() is None:
        try:
            data = listener.recv(2048)
        except TimeoutError:
            continue
        payload_types.add(data[1] & 0x7F)
        alaw += data[12:]
    listener.close()
    caller.wait().assert_ok(1)
    phone.wait().assert_ok(1)
    assert payload_types == {8}, payload_types  # the phone only gets the A-law it asked for
    assert similarity(SPEECH, audioop.alaw2lin(bytes(alaw), 2)) > 0.9
    assert _one_call(server)["disposition"] == "answered"


def test_offer_without_g711_gets_488_and_a_record(ringto, sipp) -> None:
    caller = sipp("uac-invite-expect-488", remote=ringto.address, timeout=15).start()
    caller.wait().assert_ok(1)
    record = _one_call(ringto)
    assert code_of(record["sip_code"]) == 488 and record["disposition"] == "failed", record
    assert record["attempts"] == []  # no phone rang for a call nobody could hear


def _set_flow(server: Ringto, flow: dict) -> None:
    path = server.workdir / "flow.json"
    path.write_text(json.dumps(flow))
    server.cli("number", "flow", "set", SERVICE_NUMBER, str(path))
    time.sleep(2.5)


def test_menu_key_press_picks_the_branch(make_ringto, sipp) -> None:
    server = make_ringto()
    server.cli("number", "update", SERVICE_NUMBER, "--voicemail-email", "owner@example.test")
    _set_flow(server, {"menu": {"choices": {
        "1": {"forward": {"targets": [FIRST_TARGET]}},
        "2": {"voicemail": {}}}}})
    phone = sipp("uas-answer", local_port=server.trunk_port, timeout=30).start().wait_bound()
    caller = _caller(sipp, server, fmt="8 101", pcap=dtmf_pcap("1"), lead_ms=800, talk_ms=2000).start()
    caller.wait().assert_ok(1)
    phone.wait().assert_ok(1)
    record = _one_call(server)
    assert record["steps"][:3] == ["menu", "menu:1", "forward"], record["steps"]
    assert record["ring_to"] == FIRST_TARGET and record["disposition"] == "answered"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 keeping what it receives."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self) -> None:
            self.messages: list[bytes] = []

        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
            self.messages.append(envelope.content)
            return "250 OK"

    handler = Keep()
    controller = Controller(handler, hostname=HOST, port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def test_voicemail_is_mailed_with_the_message_and_deleted(make_ringto, sipp, smtp_server) -> None:
    controller, inbox = smtp_server
    server = make_ringto(start=False)
    server.env["RINGTO_SMTP_URL"] = f"smtp://{HOST}:{controller.port}"
    server.cli("number", "update", SERVICE_NUMBER, "--voicemail-email", "owner@example.test")
    path = server.workdir / "flow.json"
    path.write_text(json.dumps({"voicemail": {"max_s": 30, "silence_s": 10}}))
    server.cli("number", "flow", "set", SERVICE_NUMBER, str(path))
    server.start()
    lead = int((_prompt_s("voicemail-greeting") + _prompt_s("beep") + 0.5) * 1000)
    talk = int(SPEECH_S * 1000) + 500
    caller = _caller(sipp, server, fmt="8 101", pcap=SPEECH_PCAP, lead_ms=lead, talk_ms=talk).start()
    caller.wait().assert_ok(1)
    deadline = time.monotonic() + 15
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(inbox.messages) == 1, server.log()
    mail = message_from_bytes(inbox.messages[0], policy=policy.default)
    assert "owner@example.test" in mail["To"]
    wavs = [part for part in mail.walk() if part.get_content_type() in ("audio/wav", "audio/x-wav")]
    assert len(wavs) == 1
    message = server.workdir / "message.wav"
    message.write_bytes(wavs[0].get_payload(decode=True))
    seconds, (audio,) = wav_channels(message)
    assert SPEECH_S - 0.5 < seconds < talk / 1000 + 1.0, seconds  # from the beep to the hang-up
    assert similarity(SPEECH, audio) > 0.9
    assert pretty_number(CALLER) in mail.get_body(("plain",)).get_content()  # who called
    assert list((server.data_dir / "voicemail").glob("*")) == []  # mailed, so not kept
    record = _one_call(server)
    assert record["steps"] == ["voicemail"] and record["ring_to"] == "voicemail"


def test_silent_call_is_hung_up_at_the_media_timeout(make_ringto, sipp) -> None:
    server = make_ringto(start=False)
    server.env["RINGTO_MEDIA_TIMEOUT_S"] = "2"
    server.start()
    phone = sipp("uas-answer", local_port=server.trunk_port, timeout=30).start().wait_bound()
    caller = sipp("uac-invite-callee-bye", remote=server.address, timeout=30).start()
    started = time.monotonic()
    caller.wait().assert_ok(1)  # the caller got ringto's BYE: nobody sent RTP
    phone.wait().assert_ok(1)  # and so did the phone
    assert time.monotonic() - started < 10
    record = _one_call(server)
    assert record["disposition"] == "answered" and record["end_reason"] == "media-timeout", record
    talked = (when(record["end_utc"]) - when(record["answer_utc"])).total_seconds()
    assert 2 <= talked < 4, talked


def test_no_rtp_ports_left_gives_503_and_calls_go_on(make_ringto, sipp) -> None:
    server = make_ringto(start=False)
    server.env["RINGTO_RTP_PORTS"] = "45000-45003"  # two RTP ports: one anchored call
    server.start()
    phone = sipp("uas-answer", local_port=server.trunk_port, timeout=30, calls=2).start().wait_bound()
    first = sipp("uac-invite-answered", remote=server.address, timeout=30, duration_ms=4000).start()
    server.wait_calls(lambda records: len(records) == 1 and records[0]["answer_utc"], timeout=10)
    second = sipp("uac-invite-expect-503", remote=server.address, timeout=15).start()
    second.wait().assert_ok(1)
    first.wait().assert_ok(1)
    third = sipp("uac-invite-answered", remote=server.address, timeout=30, duration_ms=500).start()
    third.wait().assert_ok(1)  # the first call's ports came back
    phone.wait().assert_ok(2)
    records = server.wait_calls(count=3, timeout=10)
    codes = sorted(code_of(r["sip_code"]) for r in records)
    assert codes == [200, 200, 503], records


def test_menu_key_press_by_sip_info_picks_the_branch(make_ringto, sipp) -> None:
    server = make_ringto()
    _set_flow(server, {"menu": {"choices": {
        "1": {"forward": {"targets": [FIRST_TARGET]}},
        "2": {"forward": {"targets": [SECOND_TARGET]}}}}})
    phone = sipp("uas-answer", local_port=server.trunk_port, timeout=30).start().wait_bound()
    caller = sipp("uac-info-digit", remote=server.address, timeout=30, extra_args=[
        "-mp", str(free_port()), "-key", "fmt", "8 101", "-key", "digit", "2",
        "-key", "lead", "800", "-key", "talk", "2000"]).start()
    caller.wait().assert_ok(1)
    phone.wait().assert_ok(1)
    record = _one_call(server)
    assert record["steps"][:3] == ["menu", "menu:2", "forward"], record["steps"]
    assert record["ring_to"] == SECOND_TARGET
