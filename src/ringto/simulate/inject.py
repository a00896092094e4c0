"""Injected fraud: one function per category, each adding one labelled pattern.

Each pattern takes a line nobody else injected into (`World.claim`), so a call carries
exactly the label of the pattern that made it. Labels go to `World.labels` only.
"""

from __future__ import annotations

from collections.abc import Callable

from ringto.fraud.destinations import TIERS

from .normal import DEVICE_AGENTS, at_local_hour, day_start
from .phones import (
    FOREIGN_MOBILE,
    MOBILE_CARRIERS,
    NL_MOBILE,
    REPORTING_CARRIER,
    public_ip,
)
from .phones import phone as make_phone
from .world import AuthFailureRow, Caller, Line, World

SCANNER_AGENTS = ("friendly-scanner", "sipvicious", "sipcli/v1.8", "VaxSIPUserAgent/3.1", "pplsip")


def _line(world: World, want: Callable[[Line], bool]) -> Line:
    free = [line for line in world.lines if line.number not in world.claimed and want(line)]
    line = world.rng.choice(free or [line for line in world.lines if want(line)] or world.lines)
    world.claimed.add(line.number)
    return line


def _mobile(world: World, prefixes: tuple[str, ...] = NL_MOBILE, cell: str | None = None) -> Caller:
    carrier = world.rng.choice(MOBILE_CARRIERS)
    return Caller(make_phone(world.rng, prefixes), carrier, cell or carrier.cell(world.rng))


def _resident(world: World) -> Caller:
    """Someone new calling from a Dutch number (not a visitor roaming here)."""
    caller = world.fresh_caller()
    while not caller.number.startswith("+31"):
        caller = world.fresh_caller()
    return caller


def _tier_number(world: World, tier: str) -> str:
    prefix = world.rng.choice(TIERS[tier])
    return "+" + prefix + str(world.rng.randrange(10 ** (11 - len(prefix)))).zfill(11 - len(prefix))


def _day(world: World, first: int = 0, span: int = 1) -> int:
    """A day on which a pattern of `span` days, starting no earlier than `first`, fits."""
    last = max(world.days - span, 0)
    return world.rng.randrange(min(first, last), last + 1)


def billing_mismatch(world: World) -> None:
    """The reporting carrier bills calls we never had, longer calls, or calls we never answered."""
    rng = world.rng
    line = _line(world, lambda line: line.daily >= 5)
    ours = [c for c in world.calls if c.service_number == line.number
            and c.caller_ip in REPORTING_CARRIER.ips]
    variant = rng.choice(("phantom", "longer", "answered")) if len(ours) >= 30 else "phantom"
    if variant == "phantom":
        moment = at_local_hour(world, _day(world), "office")
        for _ in range(rng.randint(5, 25)):
            record = world.call(line.number, _mobile(world), moment, rng.uniform(60, 900),
                                ring_to=line.ring_to, ip=rng.choice(REPORTING_CARRIER.ips))
            world.calls.remove(record)
            world.carrier_only.append(record)
            world.label("call", record.call_id, "billing_mismatch")
            moment += rng.expovariate(1 / 900.0)
        return
    want_answered = variant == "longer"
    chosen = [c for c in ours if (c.answer is not None) == want_answered]
    for record in rng.sample(chosen, min(len(chosen), rng.randint(5, 20))):
        talk = record.duration_s or 0.0
        world.carrier_changes[record.call_id] = (True, talk + rng.uniform(30, 900))
        world.label("call", record.call_id, "billing_mismatch")


def pbx_hacking(world: World) -> None:
    """Password guessing from a scanner, or an account taken over calling expensive ranges."""
    rng = world.rng
    attacker = public_ip(rng)
    world.label("ip", attacker, "pbx_hacking")
    agent = rng.choice(SCANNER_AGENTS)
    accounts = [line for line in world.lines if line.office_ips and line.number not in world.claimed]
    moment = at_local_hour(world, _day(world, 3), "evening")
    if not accounts or rng.random() < 0.4:
        extensions = [f"{rng.randint(100, 999)}" for _ in range(rng.randint(20, 300))]
        _guess(world, attacker, agent, moment, extensions)
        return
    line = rng.choice(accounts)
    world.claimed.add(line.number)
    if rng.random() < 0.5:
        moment = _guess(world, attacker, agent, moment, [f"{line.customer}-{rng.randint(100, 199)}"])
    me = Caller(line.number, REPORTING_CARRIER, "")
    for _ in range(rng.randint(5, 40)):
        moment += rng.uniform(20, 600)
        world.call(line.number, me, moment, rng.uniform(120, 3600) if rng.random() < 0.8 else None,
                   ring_to=_tier_number(world, rng.choice(("top", "high"))), ip=attacker,
                   user_agent=rng.choice(DEVICE_AGENTS), cell="", label="pbx_hacking")


def _guess(world: World, ip: str, agent: str, moment: float, usernames: list[str]) -> float:
    """Failures several times a second, walking `usernames` (or hammering one)."""
    rng = world.rng
    for _ in range(rng.randint(200, 2000)):
        moment += rng.expovariate(5.0)
        world.auth_failures.append(AuthFailureRow(moment, ip, rng.choice(usernames), agent))
    return moment


def call_flooding(world: World) -> None:
    """Dozens of answered calls under half a second, from one caller or a handful."""
    rng = world.rng
    line = _line(world, lambda line: True)
    callers = [_mobile(world) for _ in range(1 if rng.random() < 0.7 else rng.randint(30, 60))]
    moment = at_local_hour(world, _day(world), "office")
    for _ in range(rng.randint(25, 150) if len(callers) == 1 else rng.randint(60, 150)):
        moment += rng.uniform(1.0, 12.0)
        world.call(line.number, rng.choice(callers), moment, rng.uniform(0.05, 0.45),
                   ring_to=line.ring_to, label="call_flooding")


def spoofed_identity(world: World) -> None:
    """Invalid caller ids, the called number as caller, or one box changing its caller id."""
    rng = world.rng
    line = _line(world, lambda line: True)
    moment = at_local_hour(world, _day(world), "long")
    variant = rng.choice(("invalid", "self", "box"))
    box = public_ip(rng)
    for _ in range(rng.randint(6, 20) if variant != "box" else rng.randint(20, 60)):
        moment += rng.expovariate(1 / 400.0)
        if variant == "invalid":
            number = rng.choice(("+3100", "+999", "+3166", "+1555")) + str(rng.randrange(10 ** 6))
            caller = Caller(number, rng.choice(MOBILE_CARRIERS), "")
        elif variant == "self":
            caller = Caller(line.number, rng.choice(MOBILE_CARRIERS), "")
        else:
            caller = _mobile(world)
        world.call(line.number, caller, moment, world.human_duration(line.median_s), ring_to=line.ring_to,
                   ip=box if variant == "box" else None, cell="" if variant == "box" else None,
                   user_agent="Asterisk PBX 18.10.0" if variant == "box" else None, label="spoofed_identity")


def collusion(world: World) -> None:
    """The holder's own phones call their premium number for hours on end; their earlier
    calls to it (a test call, say) belong to the same relationship and share the label."""
    rng = world.rng
    line = _line(world, lambda line: line.kind == "premium")
    customer = next(c for c in world.customers if c.id == line.customer)
    for record in world.calls:
        if record.service_number == line.number and record.caller in customer.holder_phones:
            world.label("call", record.call_id, "collusion")
    phones = [Caller(p, rng.choice(MOBILE_CARRIERS), "") for p in customer.holder_phones]
    span = min(world.days, rng.randint(3, 10))
    first = _day(world, span=span)
    for day in range(first, first + span):
        for _ in range(rng.randint(2, 6)):
            world.call(line.number, rng.choice(phones), at_local_hour(world, day, "evening"),
                       rng.uniform(300, 1500), ring_to=line.ring_to, label="collusion")


def roaming_abuse(world: World) -> None:
    """Foreign SIMs roaming on a Dutch network: a stream of short calls or hours of talk."""
    rng = world.rng
    line = _line(world, lambda line: True)
    for _ in range(rng.randint(1, 3)):
        caller = _mobile(world, FOREIGN_MOBILE)
        moment = at_local_hour(world, _day(world), "long")
        short = rng.random() < 0.5
        for _ in range(rng.randint(15, 40) if short else rng.randint(2, 4)):
            duration = rng.uniform(3, 25) if short else rng.uniform(1.75 * 3600, 4 * 3600)
            moment += rng.uniform(60, 900) + (0 if short else duration)
            world.call(line.number, caller, moment, duration, ring_to=line.ring_to, label="roaming_abuse")


def premium_destination(world: World) -> None:
    """Forwarding to a top-tier range, an account calling listed ranges, or probing a range."""
    rng = world.rng
    variant = rng.choice(("forward", "dial", "probe"))
    line = _line(world, (lambda line: bool(line.office_ips)) if variant != "forward" else (lambda line: True))
    moment = at_local_hour(world, _day(world), "evening")
    if variant == "forward":
        target = _tier_number(world, "top")
        for _ in range(rng.randint(5, 30)):
            moment += rng.expovariate(1 / 1200.0)
            world.call(line.number, world.fresh_caller(), moment, rng.uniform(300, 3000), ring_to=target,
                       label="premium_destination")
        return
    me = Caller(line.number, REPORTING_CARRIER, "")
    ip = line.office_ips[0] if line.office_ips else public_ip(rng)
    targets = [_tier_number(world, rng.choice(("top", "high"))) for _ in range(rng.randint(5, 15))]
    if variant == "probe":
        base = _tier_number(world, "high")[:-2] if rng.random() < 0.5 else "+4420794600"
        targets = [f"{base}{n:02d}" for n in rng.sample(range(100), rng.randint(4, 10))]
    for target in targets:
        moment += rng.uniform(30, 400)
        world.call(line.number, me, moment, rng.uniform(5, 600), ring_to=target, ip=ip,
                   user_agent=DEVICE_AGENTS[0], cell="", label="premium_destination")


def prepaid_abuse(world: World) -> None:
    """A bag of fresh prepaid cards on one or two cells calls until each credit is gone."""
    rng = world.rng
    line = _line(world, lambda line: line.kind == "premium")
    cells = [MOBILE_CARRIERS[0].cell(rng) for _ in range(rng.randint(1, 2))]
    credit = rng.uniform(420, 900)
    moment = at_local_hour(world, _day(world), "long")
    for _ in range(rng.randint(8, 25)):
        card = _mobile(world, NL_MOBILE, rng.choice(cells))
        for _ in range(1 if rng.random() < 0.7 else 2):
            moment += rng.uniform(60, 900)
            world.call(line.number, card, moment, credit * rng.uniform(0.97, 1.03), ring_to=line.ring_to,
                       label="prepaid_abuse")


def automated_traffic(world: World) -> None:
    """A simbox: a few SIMs on one cell, each calling at machine-regular intervals."""
    rng = world.rng
    line = _line(world, lambda line: line.kind in ("premium", "tollfree"))
    cell = MOBILE_CARRIERS[1].cell(rng)
    hours = rng.uniform(10, 60) * 3600
    start = day_start(world, _day(world, span=3)) + rng.uniform(0, 86400)
    for _ in range(rng.randint(3, 6)):
        sim = _mobile(world, NL_MOBILE, cell)
        period, talk = rng.uniform(900, 2700), rng.uniform(120, 400)
        moment = start + rng.uniform(0, period)
        while moment < min(start + hours, world.start + world.days * 86400):
            world.call(line.number, sim, moment, talk * rng.uniform(0.97, 1.03), ring_to=line.ring_to,
                       label="automated_traffic")
            moment += period * rng.uniform(0.97, 1.03)


def long_holding(world: World) -> None:
    """Calls left open for hours on a line whose calls last minutes."""
    rng = world.rng
    line = _line(world, lambda line: True)
    day = _day(world)
    for _ in range(rng.randint(2, 6)):
        duration = min(12 * 3600.0, max(4 * 3600.0, line.median_s * rng.uniform(30, 80)))
        world.call(line.number, _resident(world), at_local_hour(world, day, "long"), duration,
                   ring_to=line.ring_to, label="long_holding")


def abnormal_usage(world: World) -> None:
    """One caller ringing a number dozens of times a day, at human moments and lengths."""
    rng = world.rng
    line = _line(world, lambda line: True)
    caller = _resident(world) if rng.random() < 0.5 else _mobile(world)
    span = min(world.days, rng.randint(1, 3))
    first = _day(world, span=span)
    for day in range(first, first + span):
        for _ in range(rng.randint(40, 100)):
            duration = world.human_duration(line.median_s) if rng.random() < 0.9 else None
            world.call(line.number, caller, at_local_hour(world, day, "long"), duration, ring_to=line.ring_to,
                       label="abnormal_usage")


INJECTORS: dict[str, Callable[[World], None]] = {
    "billing_mismatch": billing_mismatch, "pbx_hacking": pbx_hacking, "call_flooding": call_flooding,
    "spoofed_identity": spoofed_identity, "collusion": collusion, "roaming_abuse": roaming_abuse,
    "premium_destination": premium_destination, "prepaid_abuse": prepaid_abuse,
    "automated_traffic": automated_traffic, "long_holding": long_holding, "abnormal_usage": abnormal_usage,
}
