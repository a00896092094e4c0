"""Flows as operators write them: accepted into typed steps, or refused naming step and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ringto.flows import (
    Audio,
    FlowError,
    Forward,
    Hours,
    Menu,
    OpeningInterval,
    Play,
    Record,
    Voicemail,
    flow_to_json,
    parse_flow,
)

DEMO = {"hours": {
    "week": {"mon": ["09:00-12:30", "13:30-17:00"], "sat": ["10:00-24:00"]},
    "open": {"record": {"next": {"menu": {
        "choices": {"1": {"forward": {"targets": ["+31201234567"], "on_no_answer": {"voicemail": {}}}},
                    "2": {"voicemail": {"greeting": "voicemail-greeting", "max_s": 60}}},
        "on_timeout": {"play": {"prompt": "closed"}}}}}},
    "closed": {"voicemail": {}},
}}


def _issues(data: object, **kwargs: object) -> list[str]:
    with pytest.raises(FlowError) as caught:
        parse_flow(data, **kwargs)
    return [str(issue) for issue in caught.value.issues]


def test_a_full_flow_becomes_typed_steps() -> None:
    flow = parse_flow(DEMO)
    assert isinstance(flow, Hours) and flow.holidays
    assert flow.week == {0: (OpeningInterval(540, 750), OpeningInterval(810, 1020)),
                         5: (OpeningInterval(600, 1440),)}
    assert flow.closed == Voicemail()
    assert isinstance(flow.open, Record) and flow.open.announce
    menu = flow.open.next
    assert isinstance(menu, Menu) and menu.prompt == Audio(name="menu") and menu.max_tries == 3
    assert menu.choices["1"] == Forward(("+31201234567",), on_no_answer=Voicemail())
    assert menu.choices["2"] == Voicemail(greeting=Audio(name="voicemail-greeting"), max_s=60.0)
    assert menu.on_timeout == Play(Audio(name="closed")) and menu.on_invalid is None
    assert parse_flow(flow_to_json(flow)) == flow


def test_errors_name_the_step_path_and_field() -> None:
    data = {"menu": {"choices": {"1": {"forward": {"targets": ["+3120"], "ring_time_s": 0}},
                                 "12": {"play": {}}, "3": {"forwrd": {}}}, "colour": "red"}}
    assert _issues(data) == [
        "menu: colour: unknown field; expected one of prompt, timeout_s, max_tries, choices, "
        "on_timeout, on_invalid",
        "menu: choices: '12': expected one key: 0-9, * or #",
        "menu.choices.1.forward: ring_time_s: 0 is less than or equal to the minimum of 0",
        "menu.choices.1.forward: targets.0: '+3120': expected an E.164 number: + then 6 to 15 digits, "
        "e.g. +31201234567",
        "menu.choices.12.play: prompt: is required",
        "menu.choices.3.forwrd: unknown step type; expected one of forward, play, record, voicemail, "
        "menu, hours",
    ]


def test_semantic_errors_name_the_step_and_field() -> None:
    data = {"hours": {"week": {"tue": ["17:00-09:00"]}, "open": {"forward": {
        "targets": ["+31612345678", "+31612345678", "+3120000", "+318000200000"]}},
        "closed": {"voicemail": {"greeting": "welcome.wav"}}}}
    assert _issues(data, service_number="+318000200000") == [
        "hours: week.tue.0: '17:00-09:00' ends before it starts",
        "hours.open.forward: targets.1: +31612345678 is listed twice",
        "hours.open.forward: targets.2: '+3120000' is not a valid E.164 phone number",
        "hours.open.forward: targets.3: forwarding a number to itself would loop",
        "hours.closed.voicemail: greeting: 'welcome.wav': expected a prompt (recorded, voicemail-greeting, "
        "beep, menu, menu-invalid, menu-timeout, closed, suspended) or an absolute path to a .wav file",
    ]


def test_a_step_is_one_keyed_object() -> None:
    assert _issues(5) == ["flow: 5 is not of type 'object'"]
    assert _issues({"play": {"prompt": "beep"}, "voicemail": {}}) == [
        "flow: a step is an object with exactly one key, its type "
        "(forward, play, record, voicemail, menu, hours)"]
    assert _issues({"record": {"next": {}}}) == [
        "record.next: a step is an object with exactly one key, its type "
        "(forward, play, record, voicemail, menu, hours)"]


def test_owner_wav_files_are_checked_when_asked(tmp_path: Path) -> None:
    missing, text = tmp_path / "gone.wav", tmp_path / "text.wav"
    text.write_text("not audio")
    greeting = {"voicemail": {"greeting": str(missing)}}
    assert parse_flow(greeting) == Voicemail(greeting=Audio(wav=missing))
    assert _issues(greeting, check_files=True) == [f"voicemail: greeting: {missing}: no such file"]
    issues = _issues({"play": {"prompt": str(text)}}, check_files=True)
    assert len(issues) == 1 and issues[0].startswith(f"play: prompt: {text}: not a readable WAV file")


def test_shipped_prompts_resolve_per_language() -> None:
    assert Audio(name="closed").path("nl").parts[-2:] == ("nl", "closed.wav")
    assert Audio(wav=Path("/srv/a.wav")).path("bg") == Path("/srv/a.wav")


def test_nesting_is_bounded() -> None:
    flow: dict = {"voicemail": {}}
    for _ in range(20):
        flow = {"play": {"prompt": "beep", "next": flow}}
    assert _issues(flow)[0].endswith("flows nest at most 16 steps deep")


numbers = st.sampled_from(["+31201234567", "+31612345678", "+359888123456", "+442079460000"])
seconds = st.integers(1, 60).map(float)
audio = st.sampled_from([Audio(name="beep"), Audio(name="closed"), Audio(wav=Path("/srv/x.wav"))])
leaves = st.one_of(
    st.builds(Voicemail, greeting=st.none() | audio, max_s=seconds, silence_s=seconds),
    st.builds(Forward, targets=st.lists(numbers, min_size=1, max_size=3, unique=True).map(tuple),
              strategy=st.sampled_from(["sequential", "simultaneous"]), ring_time_s=seconds),
)
intervals = st.tuples(st.integers(0, 1438), st.integers(1, 1440)).filter(lambda t: t[0] < t[1]).map(
    lambda t: OpeningInterval(*t))


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    optional = st.none() | children
    return st.one_of(
        st.builds(Play, audio=audio, next=optional),
        st.builds(Record, next=children, announce=st.booleans()),
        st.builds(Forward, targets=st.just(("+31201234567",)), on_no_answer=optional, on_busy=optional),
        st.builds(Menu, choices=st.dictionaries(st.sampled_from("0123456789*#"), children, min_size=1),
                  prompt=audio, timeout_s=seconds, max_tries=st.integers(1, 10),
                  on_timeout=optional, on_invalid=optional),
        st.builds(Hours, week=st.dictionaries(st.integers(0, 6), st.lists(intervals, min_size=1).map(tuple)),
                  open=children, closed=children, holidays=st.booleans()),
    )


@given(st.recursive(leaves, _extend, max_leaves=12))
def test_json_round_trip(flow) -> None:  # noqa: ANN001
    parsed = parse_flow(flow_to_json(flow))
    assert flow_to_json(parsed) == flow_to_json(flow)


def _voicemails(tree: dict, path: str = ""):  # noqa: ANN201 - yields (step path, body)
    (kind, body), = tree.items()
    here = f"{path}.{kind}" if path else kind
    if kind == "voicemail":
        yield here, body
    for name, sub in body.items():
        if name == "choices":
            for digit, choice in sub.items():
                yield from _voicemails(choice, f"{here}.choices.{digit}")
        elif isinstance(sub, dict) and name not in ("week",):
            yield from _voicemails(sub, f"{here}.{name}")


@given(st.recursive(leaves, _extend, max_leaves=12), st.data())
def test_an_error_anywhere_names_its_own_step(flow, data) -> None:  # noqa: ANN001
    tree = flow_to_json(flow)
    found = list(_voicemails(tree))
    assume(found)
    path, body = data.draw(st.sampled_from(found))
    body["max_s"] = -1
    assert _issues(tree) == [f"{path}: max_s: -1 is less than or equal to the minimum of 0"]
