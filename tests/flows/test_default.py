"""Numbers without a flow forward as before; the record switch records every conversation."""

from __future__ import annotations

from ringto.flows import (
    Forward,
    Menu,
    Record,
    Voicemail,
    default_flow,
    effective_flow,
    flow_to_json,
    parse_flow,
)


def test_default_flow_is_the_old_forward() -> None:
    flow = default_flow(["+31201234567", "+31612345678"], "simultaneous", 15.0)
    assert flow == Forward(("+31201234567", "+31612345678"), "simultaneous", 15.0)
    assert flow_to_json(flow) == {"forward": {"targets": ["+31201234567", "+31612345678"],
                                              "strategy": "simultaneous", "ring_time_s": 15.0}}


def test_record_switch_wraps_forwards_only_once() -> None:
    busy = {"forward": {"targets": ["+31612345678"]}}
    flow = parse_flow({"menu": {"choices": {
        "1": {"forward": {"targets": ["+31201234567"], "on_busy": busy}},
        "2": {"voicemail": {}},
        "3": {"record": {"announce": False, "next": {"forward": {"targets": ["+31201234567"]}}}}}}})
    assert effective_flow(flow, False) is flow
    wrapped = effective_flow(flow, True)
    assert isinstance(wrapped, Menu)
    one = wrapped.choices["1"]
    assert isinstance(one, Record) and one.announce and isinstance(one.next, Forward)
    assert one.next.on_busy == Record(Forward(("+31612345678",)))
    assert wrapped.choices["2"] == Voicemail()
    assert wrapped.choices["3"] == flow.choices["3"]
