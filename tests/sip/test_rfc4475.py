"""RFC 4475 torture messages through the first pipeline stage, one test per message.

Each case names the status the element answers (None: accepted, 0: dropped silently)
and, for the valid messages, the property the RFC is testing. Where the RFC allows a
lenient or a strict answer we take the strict one; the `why` of each case says so.
The cases run as an element that also accepts REGISTER (the registrar cases need it);
the B2BUA's own 405 to REGISTER is tested at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ringto.sip.errors import SipError
from ringto.sip.headers import CSeq
from ringto.sip.message import Message, Request, Response, canonical, head_lines, split_head
from ringto.sip.sanity import ALLOWED, check_request, check_response, error_response, parse_inbound
from ringto.sip.uri import SipUri

DATA = Path(__file__).parents[1] / "data" / "rfc4475"
REGISTRAR = ALLOWED | {"REGISTER"}


@dataclass(frozen=True)
class Case:
    status: int | None  # None: accepted; 0: dropped without an answer
    why: str
    check: Callable[[Message], None] | None = None
    methods: frozenset[str] = REGISTRAR


def run(data: bytes, methods: frozenset[str]) -> tuple[Message | None, SipError | None]:
    """parse_inbound then check_request/check_response, as the pipeline does."""
    message: Message | None = None
    try:
        message = parse_inbound(data)
        if isinstance(message, Request):
            check_request(message, methods=methods)
        else:
            assert isinstance(message, Response)
            check_response(message)
    except SipError as err:
        return message, err
    return message, None


# -- the properties each valid message is about ---------------------------------------
def _wsinv(m: Message) -> None:
    assert m.to.tag == "1918181833n"
    assert m.from_.display == r'"J Rosenberg \\\""' and m.from_.tag == "98asjd8"
    assert m.max_forwards == 68 and m.cseq == CSeq(9, "INVITE")
    assert [v.host for v in m.vias] == ["192.0.2.2", "spindle.example.com", "192.168.255.111"]
    assert m.vias[2].branch == "z9hG4bK30239"
    assert m.get("NewFangledHeader") == "newfangled value continued newfangled value"
    assert m.get("s") == "" and m.contacts[0].param("q") == "0.33" and len(m.body) == 150


def _intmeth(m: Message) -> None:
    assert isinstance(m, Request) and m.method == "!interesting-Method0123456789_*+`.%indeed'~"
    assert m.ruri.user == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"
    assert m.ruri.password == "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"
    assert m.to.display == '"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f"'
    assert m.from_.tag == "_token~1'+`*%!-." and m.call_id.endswith("][?}{")


def _esc01(m: Message) -> None:
    assert isinstance(m, Request) and m.ruri.user_unescaped == "sips:user@example.com"
    assert m.to.uri.user_unescaped == "user"
    assert m.from_.uri.user_unescaped == "I have spaces"
    assert m.contacts[0].uri.user_unescaped == "caller"


def _escnull(m: Message) -> None:
    users = [c.uri.user_unescaped for c in m.contacts]
    assert users == ["\x00", "\x00\x00"]  # two distinct contacts, not cut at NUL
    assert m.to.uri.user_unescaped == "null-\x00-null"


def _esc02(m: Message) -> None:
    assert isinstance(m, Request) and m.method == "RE%47IST%45R" != "REGISTER"
    assert len(m.contacts) == 2  # C%6Fntact is another header, not Contact
    assert m.top_via.branch == "z9hG4bK209%fzsnel234"


def _lwsdisp(m: Message) -> None:
    assert m.from_.display == "caller" and m.from_.uri.user == "caller"


def _longreq(m: Message) -> None:
    assert len(m.to.display or "") == 105 and len(m.to.uri.params) == 3
    assert (m.to.uri.param("unknownparam1") or "").startswith("verylong")
    assert len(m.from_.tag or "") == 155 and len(m.call_id) == 141
    assert len(m.vias) == 34 and len(m.vias[-1].branch or "") > 100
    assert len(m.body) == 150


def _dblreq(m: Message) -> None:
    assert isinstance(m, Request) and m.method == "REGISTER" and m.body == b""


def _semiuri(m: Message) -> None:
    assert isinstance(m, Request)
    ruri = m.ruri
    assert isinstance(ruri, SipUri) and ruri.user_unescaped == "user;par=u@example.net"
    assert ruri.host == "example.com" and ruri.params == ()


def _transports(m: Message) -> None:
    assert [v.transport for v in m.vias] == ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"]


def _mpart01(m: Message) -> None:
    assert len(m.body) == 553 and b"\x00" in m.body and m.body.endswith(b"--\r\n")


def _unreason(m: Message) -> None:
    assert isinstance(m, Response) and m.status == 200
    assert m.reason == "= 2**3 * 5**2 но сто девяносто девять - простое"


def _noreason(m: Message) -> None:
    assert isinstance(m, Response) and m.status == 100 and m.reason == ""


def _zeromf(m: Message) -> None:
    assert m.max_forwards == 0  # the engine, not sanity, answers 483 to non-OPTIONS


def _cparam01(m: Message) -> None:
    contact = m.contacts[0]
    assert contact.param("unknownparam") == "" and contact.uri.param("unknownparam") is None


def _cparam02(m: Message) -> None:
    contact = m.contacts[0]
    assert contact.uri.param("unknownparam") == "" and contact.param("unknownparam") is None


def _regescrt(m: Message) -> None:
    uri = m.contacts[0].uri
    assert isinstance(uri, SipUri) and uri.headers == "Route=%3Csip:sip.example.com%3E"
    assert str(uri) == "sip:user@example.com?Route=%3Csip:sip.example.com%3E"


def _inv2543(m: Message) -> None:
    assert m.top_via.branch is None and m.from_.tag is None and m.max_forwards is None
    assert m.body.startswith(b"v=0") and len(m.body) == 105  # rest of the datagram


def _bcast(m: Message) -> None:
    assert m.vias[1].host == "255.255.255.255"


CASES = {
    # 3.1.1 valid messages
    "wsinv.dat": Case(None, "folding, odd LWS and case, leading zeros", _wsinv),
    "intmeth.dat": Case(501, "valid, but an endpoint answers an unknown method 501", _intmeth),
    "esc01.dat": Case(None, "%HH decoded once", _esc01),
    "escnull.dat": Case(None, "%00 does not end the user part", _escnull),
    "esc02.dat": Case(501, "the escaped method is not REGISTER: unknown, 501", _esc02),
    "lwsdisp.dat": Case(None, "accepted despite the spec's grammar bug", _lwsdisp),
    "longreq.dat": Case(None, "long values", _longreq),
    "dblreq.dat": Case(None, "octets after Content-Length 0 are ignored", _dblreq),
    "semiuri.dat": Case(None, "';' in the user part", _semiuri),
    "transports.dat": Case(None, "unknown Via transport", _transports),
    "mpart01.dat": Case(None, "binary multipart body", _mpart01, ALLOWED | {"MESSAGE"}),
    "unreason.dat": Case(None, "UTF-8 reason phrase", _unreason),
    "noreason.dat": Case(None, "empty reason phrase", _noreason),
    # 3.1.2 invalid messages
    "badinv01.dat": Case(400, "empty Via and Contact parameters"),
    "clerr.dat": Case(400, "UDP: Content-Length beyond the datagram (§18.3)"),
    "ncl.dat": Case(400, "negative Content-Length"),
    "scalar02.dat": Case(400, "CSeq, Max-Forwards, Expires overflow"),
    "scalarlg.dat": Case(0, "response with overflowing CSeq is discarded"),
    "quotbal.dat": Case(400, "strict: no guessing the closing quote"),
    "ltgtruri.dat": Case(400, "strict: <> around the Request-URI refused, not stripped"),
    "lwsruri.dat": Case(400, "LWS inside the Request-URI"),
    "lwsstart.dat": Case(400, "strict: several SP in the request line"),
    "trws.dat": Case(400, "strict: trailing SP in the request line"),
    "escruri.dat": Case(400, "strict: headers in the Request-URI (§19.1.1)"),
    "baddate.dat": Case(400, "strict: Date must be GMT (§20.17)"),
    "regbadct.dat": Case(400, "Contact with '?' outside <>"),
    "badaspec.dat": Case(400, "spaces inside <>"),
    "baddn.dat": Case(400, "unquoted display name with a comma; head never ends"),
    "badvers.dat": Case(505, "SIP/7.0"),
    "mismatch01.dat": Case(400, "CSeq method differs from the request method"),
    "mismatch02.dat": Case(501, "RFC's first choice: the unknown method decides"),
    "bigcode.dat": Case(0, "status > 699: response dropped"),
    # 3.2 transaction layer
    "badbranch.dat": Case(400, "strict: branch is the bare magic cookie"),
    # 3.3 application layer
    "insuf.dat": Case(400, "no From/To/Call-ID: answered with the Via and CSeq it has"),
    "unkscm.dat": Case(416, "unknown Request-URI scheme"),
    "novelsc.dat": Case(416, "strict: soap.beep is never accepted, so 416 not 404"),
    "unksm2.dat": Case(400, "registrar: To of a REGISTER must be a SIP AOR"),
    "bext01.dat": Case(420, "Require and Proxy-Require both listed in Unsupported"),
    "invut.dat": Case(415, "INVITE body that is not SDP"),
    "regaut01.dat": Case(None, "unknown auth scheme is the auth stage's business"),
    "multi01.dat": Case(400, "several Call-ID/To/From/CSeq/Max-Forwards"),
    "mcl01.dat": Case(400, "two different Content-Length values"),
    "bcast.dat": Case(0, "§8.1.3.3: a response with two Vias is discarded", _bcast),
    "zeromf.dat": Case(None, "Max-Forwards 0 is not refused here", _zeromf),
    "cparam01.dat": Case(None, "contact-param, not URI param", _cparam01),
    "cparam02.dat": Case(None, "URI param, not contact-param", _cparam02),
    "regescrt.dat": Case(None, "escaped header kept in the contact URI", _regescrt),
    "sdp01.dat": Case(406, "strict: 406 with a Warning rather than 400"),
    # 3.4 backward compatibility
    "inv2543.dat": Case(None, "RFC 2543 INVITE: no branch, tag or Content-Length", _inv2543),
}
EXTRA = {420: "Unsupported", 405: "Allow", 501: "Allow", 415: "Accept", 406: "Warning"}


def test_every_file_has_a_case() -> None:
    assert sorted(CASES) == sorted(p.name for p in DATA.glob("*.dat"))


@pytest.mark.parametrize("name", sorted(CASES), ids=sorted(CASES))
def test_rfc4475(name: str) -> None:
    case = CASES[name]
    data = (DATA / name).read_bytes()
    message, err = run(data, case.methods)
    assert (err.status if err else None) == case.status, err
    if case.check is not None:
        assert message is not None
        case.check(message)
    if err is not None:
        _check_answer(data if message is None else message, err, case)


def _check_answer(source: bytes | Message, err: SipError, case: Case) -> None:
    answer = error_response(source, err)
    if err.status == 0:
        assert answer is None
        return
    assert answer is not None
    response = parse_inbound(answer)
    sent = _headers(source)
    assert isinstance(response, Response) and response.status == err.status
    assert response.get("Call-ID") == sent.get("Call-ID")
    assert response.get("CSeq") == sent.get("CSeq")
    assert response.get_all("Via") == sent.get_all("Via")
    assert sent.get("To") is None or ";tag=" in (response.get("To") or "")
    if err.status in EXTRA:
        assert response.get(EXTRA[err.status])


def _headers(source: bytes | Message) -> Message:
    """The request's header lines, read without the parser that may have refused them."""
    if isinstance(source, Message):
        return source
    lines = head_lines(split_head(source)[0])[1:]
    return Message(headers=[(canonical(n.strip()), v.strip()) for n, _, v in
                            (line.partition(":") for line in lines)])


def test_b2bua_answers_register_405_with_allow() -> None:
    _, err = run((DATA / "cparam01.dat").read_bytes(), ALLOWED)
    assert err is not None and err.status == 405
    assert dict(err.extra_headers)["Allow"] == ", ".join(sorted(ALLOWED))
