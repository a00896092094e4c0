"""For every category: a simulated pattern that must be found, next to a similar-looking
normal pattern that must not be (the issue's acceptance list)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ringto.simulate import inject, normal
from ringto.simulate.phones import FOREIGN_FIXED, FOREIGN_MOBILE, MOBILE_CARRIERS, phone
from ringto.simulate.world import Caller, Line, World

from .helpers import labelled, verdict


def added(world: World, make: Callable[[], None]) -> set[str]:
    """The call ids `make` adds to the world."""
    before = {r.call_id for r in world.calls}
    make()
    return {r.call_id for r in world.calls} - before


def line_where(world: World, want: Callable[[Line], bool]) -> Line:
    line = next(line for line in world.lines if want(line) and line.number not in world.claimed)
    world.claimed.add(line.number)
    return line


def assert_found_and_spared(world: World, category: str, lookalike: set[str]) -> None:
    _alerts, flagged, owner = verdict(world)
    truth = labelled(world, category)
    assert truth, "the pattern made no calls"
    assert truth <= flagged.get(category, set()), f"missed {len(truth - flagged.get(category, set()))}"
    assert flagged[category] <= truth, "flagged calls the pattern did not make"
    assert lookalike, "the look-alike made no calls"
    wrongly = {ident: owner[ident] for ident in lookalike if ident in owner}
    assert not wrongly, f"normal calls flagged: {sorted(set(wrongly.values()))}"


def test_flood_found_radio_burst_spared(world: World) -> None:
    radio = line_where(world, lambda line: line.kind == "tollfree")
    burst = added(world, lambda: normal.radio_burst(world, radio, world.start + 3 * 86400 + 36000))
    inject.call_flooding(world)
    assert len(burst) >= 100
    assert_found_and_spared(world, "call_flooding", burst)


def test_billing_mismatch_found_carrier_rounding_spared(world: World) -> None:
    inject.billing_mismatch(world)
    rounded = {r.call_id for r in world.calls if r.answer is not None
               and r.caller_ip in ("192.0.2.10", "192.0.2.11", "192.0.2.12")
               and r.call_id not in labelled(world, "billing_mismatch")}
    for call_id in sorted(rounded)[:20]:  # the carrier's clock adds a second on top of rounding
        record = next(r for r in world.calls if r.call_id == call_id)
        world.carrier_changes[call_id] = (True, (record.duration_s or 0.0) + 0.9)
    assert_found_and_spared(world, "billing_mismatch", rounded)


def test_password_guessing_found_stale_phone_and_home_worker_spared(world: World) -> None:
    account = line_where(world, lambda line: line.kind == "local")
    account.office_ips = ["85.1.2.3"]
    ordinary = added(world, lambda: normal.outbound_traffic(world, account))
    normal.stale_password(world, account, normal.DEVICE_AGENTS[0])
    for _ in range(3):
        inject.pbx_hacking(world)
    _alerts, flagged, _owner = verdict(world)
    assert "85.1.2.3" not in flagged.get("pbx_hacking", set())
    assert_found_and_spared(world, "pbx_hacking", ordinary)


def test_spoofing_found_hidden_and_foreign_callers_spared(world: World) -> None:
    line = line_where(world, lambda line: line.kind == "premium")

    def honest() -> None:
        for index in range(12):
            caller = Caller("" if index % 2 else phone(world.rng, FOREIGN_FIXED), MOBILE_CARRIERS[0], "")
            world.call(line.number, caller, world.start + 86400 + index * 600, 60.0, ring_to=line.ring_to)

    others = added(world, honest)
    for _ in range(3):
        inject.spoofed_identity(world)
    assert_found_and_spared(world, "spoofed_identity", others)


def test_collusion_found_holder_test_call_spared(world: World) -> None:
    tested = line_where(world, lambda line: line.kind == "premium")
    test_calls = added(world, lambda: normal.holder_test(world, tested))
    inject.collusion(world)
    assert_found_and_spared(world, "collusion", test_calls)


def test_roaming_abuse_found_tourists_spared(world: World) -> None:
    line = line_where(world, lambda line: True)

    def tourists() -> None:
        for index in range(10):
            host = MOBILE_CARRIERS[index % 3]
            visitor = Caller(phone(world.rng, FOREIGN_MOBILE), host, host.cell(world.rng))
            for repeat in range(2):
                world.call(line.number, visitor, world.start + 86400 * 2 + index * 3000 + repeat * 900,
                           world.human_duration(line.median_s), ring_to=line.ring_to)

    visits = added(world, tourists)
    for _ in range(2):
        inject.roaming_abuse(world)
    assert_found_and_spared(world, "roaming_abuse", visits)


def test_premium_destination_found_ordinary_calls_abroad_spared(world: World) -> None:
    line = line_where(world, lambda line: line.kind == "local")
    line.office_ips = ["85.4.5.6"]
    me = Caller(line.number, MOBILE_CARRIERS[0], "")

    def calls_abroad() -> None:
        for index in range(12):
            world.call(line.number, me, world.start + 86400 + index * 1800, 300.0,
                       ring_to=phone(world.rng, FOREIGN_FIXED), ip="85.4.5.6", cell="")

    abroad = added(world, calls_abroad)
    for _ in range(4):
        inject.premium_destination(world)
    assert_found_and_spared(world, "premium_destination", abroad)


def test_prepaid_abuse_found_voting_night_spared(world: World) -> None:
    voting = line_where(world, lambda line: line.kind == "premium")
    votes = added(world, lambda: normal.voting_night(world, voting, 2))
    for _ in range(2):
        inject.prepaid_abuse(world)
    assert_found_and_spared(world, "prepaid_abuse", votes)


def test_simbox_found_heavy_human_caller_spared(world: World) -> None:
    line = line_where(world, lambda line: line.kind == "premium")

    def heavy() -> None:
        caller = line.regulars[0]
        for day in (1, 2):
            for _ in range(11):
                normal.inbound(world, line, caller, normal.at_local_hour(world, day, "long"))

    human = added(world, heavy)
    inject.automated_traffic(world)
    assert_found_and_spared(world, "automated_traffic", human)


def test_long_holding_found_call_centre_spared(world: World) -> None:
    centre = line_where(world, lambda line: line.kind == "tollfree")
    centre.median_s = 1800.0

    def long_calls() -> None:
        for day in range(world.days):
            for _ in range(30):
                normal.inbound(world, centre, world.fresh_caller(), normal.at_local_hour(world, day, "long"),
                               answered=1.0)

    centre_calls = added(world, long_calls)
    assert max(r.duration_s or 0 for r in world.calls if r.call_id in centre_calls) > 2 * 3600
    for _ in range(2):
        inject.long_holding(world)
    assert_found_and_spared(world, "long_holding", centre_calls)


def test_abnormal_usage_found_regular_repeat_caller_spared(world: World) -> None:
    line = line_where(world, lambda line: line.kind == "tollfree")
    repeats = added(world, lambda: normal.heavy_caller(world, line))
    for _ in range(2):
        inject.abnormal_usage(world)
    assert_found_and_spared(world, "abnormal_usage", repeats)


@pytest.mark.parametrize("category", sorted(inject.INJECTORS))
def test_each_pattern_alone_is_found_under_its_category(category: str) -> None:
    from .conftest import small_world

    world = small_world(23)
    inject.INJECTORS[category](world)
    _alerts, flagged, _owner = verdict(world)
    assert labelled(world, category) <= flagged.get(category, set())
