"""Customers and their service numbers, each with a traffic profile.

Profiles (calls per weekday, median talk time, who answers): small businesses, call
centres with long calls, radio advertisers with bursts, information lines, chat lines
in the evening, voting lines with big nights. Numbers forward mostly to the holder's
own phones, some to a registered phone (`sip:ACCOUNT`) or abroad; some local and
national numbers are phone accounts that also dial out.
"""

from __future__ import annotations

from .phones import FOREIGN_FIXED, NL_FIXED, NL_MOBILE, phone, public_ip
from .world import Customer, Line, World

# kind -> ((profile, weight), ...)
PROFILES = {
    "tollfree": (("business", 0.55), ("call_centre", 0.25), ("radio", 0.20)),
    "local": (("business", 0.8), ("call_centre", 0.2)),
    "national": (("business", 0.7), ("call_centre", 0.3)),
    "premium": (("info", 0.5), ("chat", 0.3), ("voting", 0.2)),
}
# profile -> (calls per weekday, median talk seconds)
VOLUME = {"business": (8, 150), "call_centre": (40, 900), "radio": (10, 90),
          "info": (10, 180), "chat": (12, 600), "voting": (4, 30)}
KINDS = (("tollfree", 0.4), ("local", 0.3), ("national", 0.1), ("premium", 0.2))
_PREFIX = {"tollfree": "+31800", "local": "+3120", "national": "+3185", "premium": "+31900"}


def populate(world: World, count: int) -> None:
    """`count` service numbers spread over customers holding one to four each."""
    rng = world.rng
    made = 0
    while made < count:
        phones = [phone(rng, NL_MOBILE) for _ in range(rng.randint(1, 2))] + [phone(rng, NL_FIXED)]
        customer = Customer(f"c{len(world.customers) + 1:05d}", phones)
        world.customers.append(customer)
        for _ in range(min(rng.randint(1, 4), count - made)):
            customer.lines.append(_line(world, customer, made))
            made += 1


def _line(world: World, customer: Customer, index: int) -> Line:
    rng = world.rng
    kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
    profiles = PROFILES[kind]
    profile = rng.choices([p for p, _ in profiles], [w for _, w in profiles])[0]
    daily, median_s = VOLUME[profile]
    line = Line(
        number=f"{_PREFIX[kind]}{1000000 + index:07d}", kind=kind, profile=profile,
        customer=customer.id, daily=daily * rng.lognormvariate(0, 0.5),
        median_s=median_s * rng.uniform(0.7, 1.4), ring_to=_ring_to(world, customer),
    )
    line.regulars = [world.fresh_caller() for _ in range(max(3, int(line.daily * 3)))]
    if kind in ("local", "national") and rng.random() < 0.3:
        line.office_ips = [public_ip(rng)]
    return line


def _ring_to(world: World, customer: Customer) -> str:
    rng = world.rng
    draw = rng.random()
    if draw < 0.6:
        return rng.choice(customer.holder_phones)
    if draw < 0.8:
        return phone(rng, NL_FIXED + NL_MOBILE)
    if draw < 0.95:
        return f"sip:{customer.id}-{rng.randint(100, 199)}"
    return phone(rng, FOREIGN_FIXED)
