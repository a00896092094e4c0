from __future__ import annotations

import random

import pytest

from ringto.simulate.normal import normal_traffic
from ringto.simulate.population import populate
from ringto.simulate.run import START
from ringto.simulate.world import World


def small_world(seed: int, numbers: int = 40, days: int = 7) -> World:
    """A week of normal traffic on forty numbers: enough for carrier borders to show."""
    world = World(random.Random(seed), START, days)
    populate(world, numbers)
    normal_traffic(world)
    return world


@pytest.fixture
def world() -> World:
    return small_world(11)
