"""The request pipeline's first stage: is this datagram a SIP message we will handle?

Pure functions over bytes and messages (RFC 3261 §8.2, §16.3; RFC 4475). Each refusal
is a `SipError` whose status is the answer to send; status 0 means drop silently (a
broken response, a keep-alive). `error_response` turns a refusal into the stateless
answer, reading whatever headers it can, so even a message the parser rejected gets
its 400 when its Via, From, To, Call-ID and CSeq are legible.

Where RFC 4475 allows a lenient or a strict answer, this module is strict: an element
that guesses what a broken message meant is how torture messages become real calls.
"""

from __future__ import annotations

import re

from .build import REASONS, make_response, token
from .errors import SipError
from .headers import MAGIC_COOKIE, CSeq, Via, parse_uint
from .message import (
    SINGLE,
    Message,
    Request,
    Response,
    canonical,
    head_lines,
    parse_datagram,
    split_head,
)
from .uri import SipUri, Uri

ALLOWED = frozenset({"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "INFO", "UPDATE", "PRACK"})
"""Methods the B2BUA handles; a known method outside this set is answered 405."""
KNOWN = ALLOWED | {"REGISTER", "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH"}
"""Methods defined by an RFC: outside `methods` they get 405, anything else 501."""
REQUIRED = ("Via", "From", "To", "Call-ID", "CSeq")
OFFER_METHODS = frozenset({"INVITE", "UPDATE", "PRACK"})
"""Methods whose body is an SDP offer or answer, so its media type matters to us."""
SDP = "application/sdp"
MAX_DELTA = 2**32 - 1
_DATE = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\Z")
_BAD_CALL_ID = re.compile(r"\s|\A\Z")


def parse_inbound(data: bytes) -> Message:
    """Parse one datagram; a response we cannot read is dropped (status 0), never answered."""
    if not data.strip(b"\r\n"):
        raise SipError(0, "keep-alive or empty datagram")
    try:
        return parse_datagram(data)
    except SipError as err:
        if data.lstrip(b"\r\n").startswith(b"SIP/"):
            raise SipError(0, err.reason) from err
        raise


def check_request(
    req: Request, *, supported: frozenset[str] = frozenset(), methods: frozenset[str] = ALLOWED
) -> None:
    """Raise the SipError a UAS answers to `req` (§8.2 order: syntax, method, headers, body)."""
    cseq, ruri = _check_syntax(req)
    _check_method(req, cseq, methods)
    _check_uri(req, ruri)
    _check_require(req, supported)
    _check_body(req)


def check_response(resp: Response) -> None:
    """Raise SipError(0) for a response to drop rather than hand to a transaction."""
    try:
        vias, _ = _check_common(resp, addresses=False)
        if len(vias) != 1:  # §8.1.3.3: a UAC discards a response with several Vias
            raise SipError(0, "response with more than one Via")
        _check_delta(resp, "Retry-After")
    except SipError as err:
        raise SipError(0, err.reason) from err


def _check_common(msg: Message, *, addresses: bool = True) -> tuple[list[Via], CSeq]:
    """What requests and responses share: the headers that identify a transaction.

    Responses skip the From/To/Contact parse (`addresses=False`): they only reach a
    transaction we started, and the engine parses what it uses of them.
    """
    firsts = msg.first_values()
    for name in REQUIRED:
        if name not in firsts:
            raise SipError(400, f"missing {name}")
    if msg.has_repeats():
        names = [key for key, _ in msg.headers]
        for name in SINGLE:
            if names.count(name) > 1:
                raise SipError(400, f"several {name} headers")
    if _BAD_CALL_ID.search(msg.call_id):
        raise SipError(400, "malformed Call-ID")
    if addresses:
        _ = (msg.from_, msg.to, msg.contacts)  # parsing is the check
    # Content-Length was checked by whoever framed the message (parse_datagram, StreamFramer)
    return msg.vias, msg.cseq


def _check_syntax(req: Request) -> tuple[CSeq, Uri]:
    vias, cseq = _check_common(req)
    if vias[0].branch == MAGIC_COOKIE:  # RFC 4475 badbranch: claims 3261, no id
        raise SipError(400, "Via branch is only the magic cookie")
    _ = (req.routes, req.record_routes, req.max_forwards)
    _check_delta(req, "Expires")
    date = req.get("Date")
    if date is not None and not _DATE.match(date):
        raise SipError(400, "Date is not an RFC 1123 GMT date")
    return cseq, req.ruri


def _check_delta(msg: Message, name: str) -> None:
    value = msg.get(name)
    if value is None:
        return
    number = value.partition(";")[0].partition("(")[0]
    if parse_uint(number, MAX_DELTA) is None:
        raise SipError(400, f"{name} out of range")


def _check_method(req: Request, cseq: CSeq, methods: frozenset[str]) -> None:
    allow = (("Allow", ", ".join(sorted(methods))),)
    if req.method not in methods and req.method not in KNOWN:
        raise SipError(501, f"method {req.method[:40]} not implemented", extra_headers=allow)
    if cseq.method != req.method:
        raise SipError(400, "CSeq method does not match the request method")
    if req.method not in methods:
        raise SipError(405, f"method {req.method} not allowed", extra_headers=allow)


def _check_uri(req: Request, ruri: Uri) -> None:
    if not isinstance(ruri, SipUri):
        raise SipError(416, f"unsupported URI scheme {ruri.scheme[:20]}")
    if ruri.headers is not None:  # §19.1.1: headers are not allowed in a Request-URI
        raise SipError(400, "headers in the Request-URI")
    if req.method == "REGISTER" and not isinstance(req.to.uri, SipUri):
        raise SipError(400, "To of a REGISTER is not a SIP address of record")


def _check_require(req: Request, supported: frozenset[str]) -> None:
    if req.method in ("ACK", "CANCEL"):  # §8.2.2.3: never rejected for Require
        return
    wanted = req.get_all("Require") + req.get_all("Proxy-Require")
    missing = [option for option in wanted if option not in supported]
    if missing:
        unsupported = (("Unsupported", ", ".join(dict.fromkeys(missing))),)
        raise SipError(420, "unsupported extension", extra_headers=unsupported)


def _check_body(req: Request) -> None:
    if req.method not in OFFER_METHODS:
        return
    if req.body:
        _check_content_type(req)
    accept = req.get_all("Accept")
    if req.method == "INVITE" and accept and not any(map(_accepts_sdp, accept)):
        warning = (("Warning", '399 ringto "only application/sdp bodies can be sent"'),)
        raise SipError(406, "Accept excludes application/sdp", extra_headers=warning)


def _check_content_type(req: Request) -> None:
    encoding = req.get("Content-Encoding")
    if encoding is not None and encoding.strip().lower() != "identity":
        raise SipError(415, "content encoding", extra_headers=(("Accept-Encoding", "identity"),))
    content_type = req.get("Content-Type")
    if content_type is None:
        raise SipError(400, "body without Content-Type")  # §7.4.1
    kind, _, params = content_type.partition(";")
    kind = kind.strip().lower()
    if kind == SDP or (kind == "multipart/mixed" and _has_sdp_part(req.body, params)):
        return
    raise SipError(415, f"unsupported body {kind[:40]}", extra_headers=(("Accept", SDP),))


def _has_sdp_part(body: bytes, params: str) -> bool:
    """Whether a multipart/mixed body (RFC 2046) holds an application/sdp part."""
    found = re.search(r'boundary\s*=\s*"?([^";]+)"?', params, re.I)
    if not found:
        return False
    delimiter = b"--" + found.group(1).strip().encode("utf-8", "surrogateescape")
    return any(_part_type(part) == SDP for part in body.split(delimiter))


def _part_type(part: bytes) -> str:
    for line in head_lines(split_head(part.lstrip(b"\r\n"))[0]):
        name, _, value = line.partition(":")
        if canonical(name.strip()) == "Content-Type":
            return value.partition(";")[0].strip().lower()
    return "text/plain"  # RFC 2046 §5.1: the default type of a body part


def _accepts_sdp(media_range: str) -> bool:
    kind = media_range.partition(";")[0].strip().lower()
    return kind in (SDP, "application/*", "*/*")


def error_response(data: bytes | Message, err: SipError) -> bytes | None:
    """The stateless answer to a refused request, or None when none can be sent.

    None for a drop (status 0), a response, an ACK (never answered), or a request with no
    readable Via. Copies every Via and the first value of From, To, Call-ID and CSeq that
    are there (RFC 4475 §3.3.1: a request missing some of them still gets its 400); adds a
    To tag (§8.2.6.2) and the error's extra headers.
    """
    if err.status < 300:
        return None
    start, headers = _readable(data)
    if start.startswith("SIP/") or start.split(" ", 1)[0] == "ACK":
        return None
    copied = [(k, v) for k, v in headers if k == "Via"]
    if not copied:
        return None
    for name in REQUIRED[1:]:
        value = next((v for k, v in headers if k == name), None)
        if value is not None:
            copied.append((name, value))
    request = Request(headers=copied)
    reason = REASONS.get(err.status, "Error")
    answer = make_response(request, err.status, reason, to_tag=token(), headers=err.extra_headers)
    return answer.serialise()


def _readable(data: bytes | Message) -> tuple[str, list[tuple[str, str]]]:
    """The start line and (name, value) headers of a message, however broken its bytes."""
    if isinstance(data, Message):
        return (f"{data.method} " if isinstance(data, Request) else "SIP/2.0"), data.headers
    lines = head_lines(split_head(data)[0])
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon and name.strip():
            headers.append((canonical(name.strip()), value.strip()))
    return lines[0], headers
