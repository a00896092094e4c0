"""Normal traffic: what an honest month on the platform looks like.

Arrivals follow a per-profile curve over the local (Europe/Amsterdam) hours of the day,
quieter at weekends for businesses; talk times are log-normal around each line's
median; a share of callers are regulars. On top: radio advertisement bursts (hundreds of
different callers within minutes), voting nights, heavy but human repeat callers,
holders testing their own premium line, phone accounts dialling out from their office
(sometimes from a new home address), and phones with a stale password.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from .phones import FOREIGN_FIXED, FOREIGN_MOBILE, MOBILE_CARRIERS, NL_FIXED, NL_MOBILE, phone, public_ip
from .world import AuthFailureRow, Caller, Line, World

_HOURS = {  # relative arrivals per local hour 0..23
    "office": [0, 0, 0, 0, 0, 0, 0, .3, 1, 1.4, 1.5, 1.3, .8, 1, 1.3, 1.3, 1.1, .8, .3, .1, .05, .02, 0, 0],
    "long": [0, 0, 0, 0, 0, 0, 0, .2, 1, 1.3, 1.3, 1.2, 1, 1, 1.2, 1.2, 1, .9, .8, .7, .6, .4, .1, 0],
    "evening": [.3, .2, .1, 0, 0, 0, 0, 0, .1, .2, .4, .5, .6, .6, .6, .7, .8, .9, 1, 1.3, 1.6, 1.7, 1.4, .8],
}
_CURVE = {"business": "office", "call_centre": "long", "radio": "office", "info": "long",
          "chat": "evening", "voting": "evening"}
_WEEKEND = {"business": 0.1, "call_centre": 0.4, "radio": 0.2, "info": 0.5, "chat": 1.2, "voting": 1.0}
_ANSWERED = {"call_centre": 0.8, "voting": 0.95}
_AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DEVICE_AGENTS = ("Yealink SIP-T54W 96.86.0.100", "Snom D785 10.1.141.13", "Linphone/5.2.5")


def day_start(world: World, day: int) -> float:
    return world.start + day * 86400.0


def local_offset(moment: float) -> float:
    return datetime.fromtimestamp(moment, UTC).astimezone(_AMSTERDAM).utcoffset().total_seconds()


def at_local_hour(world: World, day: int, curve: str) -> float:
    """A moment on `day` drawn from a curve over the local hours."""
    start = day_start(world, day)
    hour = world.rng.choices(range(24), _HOURS[curve])[0]
    return start + hour * 3600.0 - local_offset(start + 43200) + world.rng.uniform(0, 3600.0)


def pick_caller(world: World, line: Line) -> Caller:
    """A regular (the first ones call most) or somebody new."""
    if world.rng.random() < 0.4:
        return line.regulars[int(len(line.regulars) * world.rng.random() ** 2)]
    return world.fresh_caller()


def inbound(world: World, line: Line, caller: Caller, start: float, answered: float = 0.85,
            label: str | None = None) -> None:
    duration = world.human_duration(line.median_s) if world.rng.random() < answered else None
    world.call(line.number, caller, start, duration, ring_to=line.ring_to, label=label)


def normal_traffic(world: World) -> None:
    rng = world.rng
    for line in world.lines:
        answered = _ANSWERED.get(line.profile, 0.85)
        for day in range(world.days):
            weekend = datetime.fromtimestamp(day_start(world, day) + 43200, UTC).weekday() >= 5
            mean = line.daily * (_WEEKEND[line.profile] if weekend else 1.0)
            for _ in range(max(0, round(rng.gauss(mean, mean ** 0.5)))):
                moment = at_local_hour(world, day, _CURVE[line.profile])
                inbound(world, line, pick_caller(world, line), moment, answered)
        _extras(world, line)


def _extras(world: World, line: Line) -> None:
    rng = world.rng
    if line.profile == "radio":
        for _ in range(rng.randint(1, 3)):
            radio_burst(world, line, at_local_hour(world, rng.randrange(world.days), "office"))
    if line.profile == "voting":
        for _ in range(rng.randint(1, 2)):
            voting_night(world, line, rng.randrange(world.days))
    if rng.random() < 0.05:
        heavy_caller(world, line)
    if line.kind == "premium" and rng.random() < 0.3:
        holder_test(world, line)
    if line.office_ips:
        outbound_traffic(world, line)


def radio_burst(world: World, line: Line, start: float) -> None:
    """An advertisement airs: hundreds of different people call within twenty minutes."""
    rng = world.rng
    for _ in range(rng.randint(100, 300)):
        moment = start + rng.expovariate(1 / 240.0)
        inbound(world, line, world.fresh_caller(), moment, answered=0.6)


def voting_night(world: World, line: Line, day: int) -> None:
    """A television vote: callers from everywhere, a short call or two each."""
    rng = world.rng
    opens = day_start(world, day) + 19.5 * 3600 - local_offset(day_start(world, day) + 43200)
    for _ in range(rng.randint(300, 1200)):
        caller = world.fresh_caller()
        for _ in range(1 if rng.random() < 0.85 else 2):
            duration = rng.uniform(12.0, 40.0) if rng.random() < 0.95 else None
            world.call(line.number, caller, opens + rng.uniform(0, 5400.0), duration, ring_to=line.ring_to)


def heavy_caller(world: World, line: Line) -> None:
    """A regular at home here who calls five to nine times on a few days, at human moments."""
    rng = world.rng
    caller = next((c for c in line.regulars if c.number.startswith("+31")), line.regulars[0])
    for day in rng.sample(range(world.days), min(world.days, rng.randint(1, 3))):
        for _ in range(rng.randint(5, 9)):
            inbound(world, line, caller, at_local_hour(world, day, _CURVE[line.profile]))


def holder_test(world: World, line: Line) -> None:
    """The holder rings their own new premium line once or twice to hear it works."""
    rng = world.rng
    customer = next(c for c in world.customers if c.id == line.customer)
    caller = Caller(customer.holder_phones[0], rng.choice(MOBILE_CARRIERS), "")
    day = rng.randrange(world.days)
    for _ in range(rng.randint(1, 2)):
        world.call(line.number, caller, at_local_hour(world, day, "office"), rng.uniform(20, 90),
                   ring_to=line.ring_to)


def outbound_traffic(world: World, line: Line) -> None:
    """A phone account dialling out from its office; sometimes later from home too."""
    rng = world.rng
    agent = rng.choice(DEVICE_AGENTS)
    me = Caller(line.number, world.fresh_caller().carrier, "")
    home = public_ip(rng) if rng.random() < 0.15 else None
    moved = rng.randrange(world.days)
    for day in range(world.days):
        for _ in range(max(0, round(rng.gauss(3, 1.5)))):
            ip = home if home and day >= moved and rng.random() < 0.4 else line.office_ips[0]
            destination = phone(rng, NL_FIXED + NL_MOBILE) if rng.random() < 0.9 \
                else phone(rng, FOREIGN_FIXED + FOREIGN_MOBILE)
            duration = world.human_duration(180.0) if rng.random() < 0.75 else None
            world.call(line.number, me, at_local_hour(world, day, "office"), duration,
                       ring_to=destination, ip=ip, user_agent=agent, cell="")
    if rng.random() < 0.1:
        stale_password(world, line, agent)


def stale_password(world: World, line: Line, agent: str) -> None:
    """A desk phone with an old password retrying registration twice a minute for hours."""
    rng = world.rng
    moment = at_local_hour(world, rng.randrange(world.days), "office")
    end = moment + rng.uniform(1800, 4 * 3600)
    username = f"{line.customer}-{rng.randint(100, 199)}"
    while moment < end:
        world.auth_failures.append(AuthFailureRow(moment, line.office_ips[0], username, agent))
        moment += rng.uniform(25.0, 60.0)
