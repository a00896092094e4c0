"""Fixtures for the end-to-end tests: a running `ringto serve` and sipp on both sides.

Each test gets its own ports (SIP, trunk, caller), its own data directory and its own
server, stopped with SIGTERM at teardown (and asserted to have exited).
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .server import Ringto
from .sipp import FIRST_TARGET, SECOND_TARGET, SERVICE_NUMBER, Sipp, free_port, sipp_available

CLEAN_EXIT = {0, -signal.SIGTERM, 128 + signal.SIGTERM}


@pytest.fixture
def make_ringto(tmp_path: Path) -> Iterator[Callable[..., Ringto]]:
    """make_ringto(strategy=..., ring_time=..., numbers=..., start=True) -> a Ringto.

    By default the service number +318000200000 rings +31201234567, then +31612345678.
    `numbers` replaces that: a list of (number, [targets], strategy, ring_time).
    """
    servers: list[Ringto] = []

    def make(*, strategy: str = "sequential", ring_time: float = 3,
             numbers: list[tuple[str, list[str], str, float]] | None = None,
             start: bool = True) -> Ringto:
        server = Ringto(tmp_path / f"ringto{len(servers)}", sip_port=free_port(),
                        trunk_port=free_port(), web_port=free_port())
        servers.append(server)
        server.upgrade()
        for number, targets, strat, ring in numbers or [
                (SERVICE_NUMBER, [FIRST_TARGET, SECOND_TARGET], strategy, ring_time)]:
            server.add_number(number, targets, strategy=strat, ring_time=ring)
        if start:
            server.start()
        return server

    yield make
    problems = []
    for server in servers:
        if server.process is None:
            continue
        was_running = server.alive()
        code = server.stop()
        if was_running and code not in CLEAN_EXIT:
            problems.append(f"ringto serve exited {code} on SIGTERM:\n{server.log()}")
    assert not problems, "\n".join(problems)


@pytest.fixture
def ringto(make_ringto: Callable[..., Ringto]) -> Ringto:
    """A started server: sequential ringing, 3 s ring time per target."""
    return make_ringto()


@pytest.fixture
def sipp(tmp_path: Path) -> Iterator[Callable[..., Sipp]]:
    """sipp(scenario, **options) -> an unstarted Sipp writing its logs under tmp_path.

    Every Sipp made here is killed at teardown if a failing test left it running.
    """
    if not sipp_available():
        pytest.fail("sipp is not installed: apt-get install -y sip-tester (make test does)")
    made: list[Sipp] = []

    def make(scenario: str, **options) -> Sipp:
        options.setdefault("local_port", free_port())
        runner = Sipp(scenario, workdir=tmp_path / "sipp", **options)
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.kill()
