"""Property tests: what we serialise parses back the same, and no input breaks the parser.

Generated values stay inside the RFC 3261 / RFC 4566 grammars; messages go on the wire
in randomly chosen but equivalent spellings (compact names, odd case, space before the
colon, folded lines) and must parse to the same canonical message. The fuzz properties
feed arbitrary bytes and mutated RFC 4475 messages through the first pipeline stage,
which may refuse them only with a SipError.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ringto.sip.errors import SipError
from ringto.sip.headers import parse_name_addr, parse_via
from ringto.sip.message import COMPACT, Message, Request, Response, canonical, parse_datagram
from ringto.sip.sanity import check_request, check_response, error_response, parse_inbound
from ringto.sip.sdp import SessionDescription
from ringto.sip.uri import parse_uri

DATA = Path(__file__).parents[1] / "data" / "rfc4475"
TORTURE = [p.read_bytes() for p in sorted(DATA.glob("*.dat"))]
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
TOKEN = ALNUM + "-.!%*_+`'~"
UNRESERVED = ALNUM + "-_.!~*'()"
ESCAPED = st.sampled_from(["%41", "%00", "%3A", "%40", "%25", "%20"])
LONG_NAMES = {v.lower(): k for k, v in COMPACT.items()}

tokens = st.text(TOKEN, min_size=1, max_size=10)
labels = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
hosts = st.one_of(
    st.lists(labels, min_size=1, max_size=3).map(".".join),
    st.tuples(*[st.integers(0, 255)] * 4).map(lambda t: ".".join(map(str, t))),
)
ports = st.none() | st.integers(1, 65535)


def _chars(alphabet: str, max_size: int = 8) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(alphabet), ESCAPED)
    return st.lists(piece, min_size=1, max_size=max_size).map("".join)


user_parts = _chars(UNRESERVED + "&=+$,;?/")
passwords = _chars(UNRESERVED + "&=+$,")
param_chars = _chars(UNRESERVED + "[]/:&+$")
uri_params = st.lists(st.tuples(param_chars, st.none() | param_chars), max_size=3)
uri_headers = st.lists(st.tuples(param_chars, param_chars), min_size=1, max_size=2)


@st.composite
def sip_uris(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(["sip:", "sips:"]))
    if draw(st.booleans()):
        text += draw(user_parts)
        if draw(st.booleans()):
            text += ":" + draw(passwords)
        text += "@"
    port = draw(ports)
    text += draw(hosts) + ("" if port is None else f":{port}")
    text += "".join(f";{k}" if v is None else f";{k}={v}" for k, v in draw(uri_params))
    if draw(st.booleans()):
        text += "?" + "&".join(f"{k}={v}" for k, v in draw(uri_headers))
    return text


gen_params = st.lists(st.tuples(tokens, st.none() | tokens), max_size=3)


def _params(params: list[tuple[str, str | None]]) -> str:
    return "".join(f";{k}" if v is None else f";{k}={v}" for k, v in params)


@st.composite
def vias(draw: st.DrawFn) -> str:
    port = draw(ports)
    hostport = draw(hosts) + ("" if port is None else f":{port}")
    transport = draw(st.sampled_from(["UDP", "TCP", "TLS", "SCTP", "WS", "UNKNOWN"]))
    return f"SIP/2.0/{transport} {hostport}" + _params(draw(gen_params))


quoted = st.text(st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"],
                               blacklist_characters='"\\'), max_size=12)
displays = st.none() | st.lists(tokens, min_size=1, max_size=3).map(" ".join) | quoted.map(
    lambda s: f'"{s}"'
)


@st.composite
def name_addrs(draw: st.DrawFn) -> str:
    display = draw(displays)
    head = f"<{draw(sip_uris())}>"
    return (f"{display} {head}" if display else head) + _params(draw(gen_params))


@given(sip_uris())
def test_uri_round_trips(text: str) -> None:
    assert str(parse_uri(text)) == text


@given(vias())
def test_via_round_trips(text: str) -> None:
    assert str(parse_via(text)) == text


@given(name_addrs())
def test_name_addr_round_trips(text: str) -> None:
    assert str(parse_name_addr(text)) == text


# -- whole messages -------------------------------------------------------------------
words = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x2FF,
                              blacklist_categories=["Cc", "Zs"]), min_size=1, max_size=8)
values = st.lists(words, max_size=4).map(" ".join)
extension_names = tokens.filter(lambda n: canonical(n) != "Content-Length")


@st.composite
def messages(draw: st.DrawFn) -> Message:
    headers = [("Via", draw(vias())), ("From", draw(name_addrs())), ("To", draw(name_addrs())),
               ("Call-ID", draw(tokens)), ("CSeq", f"{draw(st.integers(0, 2**31 - 1))} INVITE")]
    headers += [(canonical(n), v) for n, v in draw(st.lists(st.tuples(extension_names, values),
                                                             max_size=5))]
    body = draw(st.binary(max_size=64))
    if draw(st.booleans()):
        return Request(headers=headers, body=body, method=draw(tokens), uri=draw(sip_uris()))
    reason = draw(st.text(st.characters(blacklist_categories=["Cc", "Cs"]), max_size=20))
    return Response(headers=headers, body=body, status=draw(st.integers(100, 699)), reason=reason)


@st.composite
def wire_line(draw: st.DrawFn, name: str, value: str) -> str:
    """One header spelled any way RFC 3261 §7.3.1 allows."""
    spelled = draw(st.sampled_from([name, name.lower(), name.upper(), LONG_NAMES.get(
        name.lower(), name)]))
    line = spelled + draw(st.sampled_from(["", " ", "\t "])) + ":" + draw(
        st.sampled_from(["", " ", "   "])) + value
    if " " in value and draw(st.booleans()):  # fold at one of the value's single spaces
        cut = line.rindex(" ")
        line = line[:cut] + "\r\n" + draw(st.sampled_from([" ", "\t", "   "])) + line[cut + 1:]
    return line


@given(messages(), st.data())
def test_message_round_trips_from_any_spelling(message: Message, data: st.DataObject) -> None:
    canonical_bytes = message.serialise()
    head, _, _ = canonical_bytes.partition(b"\r\n")
    lines = [data.draw(wire_line(name, value)) for name, value in message.headers]
    length = data.draw(wire_line("Content-Length", str(len(message.body))))
    wire = "\r\n".join([*lines, length, "", ""]).encode("utf-8", "surrogateescape")
    parsed = parse_datagram(head + b"\r\n" + wire + message.body)
    assert parsed.serialise() == canonical_bytes
    assert parsed.headers[:-1] == message.headers and parsed.body == message.body


# -- SDP ------------------------------------------------------------------------------
sdp_values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FF,
                                   blacklist_categories=["Cc", "Cs"]), max_size=20)
sdp_lines = st.lists(st.tuples(st.sampled_from("icbtrzkay"), sdp_values), max_size=4)
m_lines = st.tuples(st.sampled_from(["audio", "video", "image"]), st.integers(0, 65535),
                    st.sampled_from(["", "/2"]), st.lists(tokens, min_size=1, max_size=4))


@given(sdp_lines, st.lists(st.tuples(m_lines, sdp_lines), max_size=3), st.booleans())
def test_sdp_round_trips(session, media, crlf) -> None:  # type: ignore[no-untyped-def]
    out = ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-"] + [f"{k}={v}" for k, v in session]
    for (kind, port, count, fmts), lines in media:
        out.append(f"m={kind} {port}{count} RTP/AVP {' '.join(fmts)}")
        out += [f"{k}={v}" for k, v in lines]
    eol = "\r\n" if crlf else "\n"
    data = (eol.join(out) + eol).encode()
    sdp = SessionDescription.parse(data)
    assert sdp.serialise() == data and len(sdp.media) == len(media)


# -- fuzz -----------------------------------------------------------------------------
def _through_sanity(data: bytes) -> None:
    """The first pipeline stage, which may refuse anything, but only with SipError."""
    try:
        message = parse_inbound(data)
        if isinstance(message, Request):
            check_request(message)
        else:
            assert isinstance(message, Response)
            check_response(message)
    except SipError as err:
        answer = error_response(data, err)
        assert answer is None or isinstance(parse_inbound(answer), Response)


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_only_raise_sip_errors(data: bytes) -> None:
    _through_sanity(data)


@settings(max_examples=500)
@given(st.sampled_from(TORTURE), st.lists(st.tuples(st.integers(0, 4000), st.binary(
    max_size=4), st.integers(0, 4)), min_size=1, max_size=6))
def test_mutated_torture_messages_only_raise_sip_errors(
    message: bytes, edits: list[tuple[int, bytes, int]]
) -> None:
    for at, insert, delete in edits:
        at %= len(message) + 1
        message = message[:at] + insert + message[at + delete:]
    _through_sanity(message)
