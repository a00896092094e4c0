"""Running sipp from tests: free ports, one sipp process, a UAS and a UAC side by side.

Every sipp run is bounded twice: sipp's own `-timeout` (with `-timeout_error`, so a run
that hangs counts as failed) and an outer `timeout` command a little later, in case sipp
itself wedges. Results come from sipp's statistics file (`-trace_stat -stf`), whose last
line holds the cumulative counters, and its error log says why calls failed.
"""

from __future__ import annotations

import contextlib
import csv
import os
import random
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

SCENARIOS = Path(__file__).parent / "scenarios"
HOST = "127.0.0.1"

# The service number, its two ring-to numbers and the caller the scenarios use.
SERVICE_NUMBER = "+318000200000"
FIRST_TARGET = "+31201234567"
SECOND_TARGET = "+31612345678"
CALLER = "+31301234567"

_handed_out: set[int] = set()


def sipp_available() -> bool:
    return shutil.which("sipp") is not None


def _bindable(port: int) -> bool:
    """True if `port` is free on 127.0.0.1 for UDP and for TCP (the server takes both)."""
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                return False
    return True


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1, never 5060, never handed out twice."""
    for _ in range(200):
        port = random.randint(20000, 32000)
        if port in _handed_out or port in (5060, 5061):
            continue
        if _bindable(port):
            _handed_out.add(port)
            return port
    raise RuntimeError("no free port found on 127.0.0.1")


def udp_port_bound(port: int) -> bool:
    """True once something listens on UDP 127.0.0.1:port (so a started UAS is ready)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return True
    return False


@dataclass
class SippResult:
    name: str
    returncode: int
    successful: int
    failed: int
    stats: dict[str, str]
    output: str
    errors: str
    command: list[str] = field(repr=False, default_factory=list)

    @property
    def retransmissions(self) -> int:
        return int(self.stats.get("Retransmissions(C)", "0") or 0)

    def describe(self) -> str:
        """Everything a failing assertion should show."""
        return (f"sipp {self.name}: exit {self.returncode}, {self.successful} successful, "
                f"{self.failed} failed\ncommand: {' '.join(self.command)}\n"
                f"--- errors ---\n{self.errors[-4000:]}\n--- screen ---\n{self.output[-2500:]}")

    def assert_ok(self, calls: int) -> None:
        assert self.returncode == 0 and self.successful == calls and self.failed == 0, \
            self.describe()


def parse_stats(path: Path) -> dict[str, str]:
    """The last (cumulative) row of a sipp `-stf` CSV file, keyed by column name."""
    if not path.exists():
        return {}
    rows = [row for row in csv.reader(path.read_text(errors="replace").splitlines(),
                                      delimiter=";") if row]
    if len(rows) < 2:
        return {}
    return dict(zip(rows[0], rows[-1], strict=False))


def _screen_count(text: str, label: str) -> int | None:
    """Cumulative count from a sipp statistics screen line like `Successful call | 0 | 3`."""
    for line in reversed(text.splitlines()):
        if line.strip().startswith(label):
            cells = [c.strip() for c in line.split("|")]
            if len(cells) >= 3 and cells[2].isdigit():
                return int(cells[2])
    return None


class Sipp:
    """One sipp process. `start()` returns at once; `wait()` gives the SippResult."""

    def __init__(self, scenario: str | Path, *, workdir: Path, local_port: int,
                 remote: str | None = None, service: str = SERVICE_NUMBER,
                 calls: int = 1, rate: float | None = None, limit: int | None = None,
                 duration_ms: int | None = None, timeout: float = 30,
                 extra_args: tuple[str, ...] | list[str] = (), name: str | None = None) -> None:
        self.scenario = Path(scenario)
        if not self.scenario.is_absolute() and not self.scenario.exists():
            self.scenario = SCENARIOS / self.scenario
        if self.scenario.suffix != ".xml":
            self.scenario = self.scenario.with_suffix(".xml")
        assert self.scenario.exists(), self.scenario
        self.name = name or f"{self.scenario.stem}-{local_port}"
        self.workdir = workdir
        self.local_port = local_port
        self.timeout = timeout
        base = workdir / self.name
        self.stats_file = base.with_suffix(".csv")
        self.error_file = base.with_suffix(".errors.log")
        self.screen_file = base.with_suffix(".screen.log")
        self.output_file = base.with_suffix(".out")
        self.message_file = base.with_suffix(".messages.log")
        args = ["sipp"]
        if remote:
            args.append(remote)
        args += ["-sf", str(self.scenario), "-i", HOST, "-p", str(local_port),
                 "-s", service, "-m", str(calls), "-nostdin",
                 "-timeout", f"{int(timeout)}s", "-timeout_error",
                 "-trace_stat", "-stf", str(self.stats_file), "-fd", "1",
                 "-trace_err", "-error_file", str(self.error_file),
                 "-trace_screen", "-screen_file", str(self.screen_file)]
        if os.environ.get("RINGTO_E2E_TRACE_MSG"):
            args += ["-trace_msg", "-message_file", str(self.message_file)]
        if rate is not None:
            args += ["-r", str(rate)]
        if limit is not None:
            args += ["-l", str(limit)]
        if duration_ms is not None:
            args += ["-d", str(duration_ms)]
        args += list(extra_args)
        # The outer bound: sipp's own timeout plus grace, then SIGTERM, then SIGKILL.
        self.command = ["timeout", "-k", "5", str(int(timeout) + 15), *args]
        self.process: subprocess.Popen | None = None
        self.result: SippResult | None = None

    def start(self) -> Sipp:
        self.workdir.mkdir(parents=True, exist_ok=True)
        with open(self.output_file, "wb") as out:
            self.process = subprocess.Popen(self.command, cwd=self.workdir, stdout=out,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        return self

    def wait_bound(self, timeout: float = 5) -> Sipp:
        """Wait until sipp listens on its port (start a UAS before the calls come)."""
        deadline = time.monotonic() + timeout
        while not udp_port_bound(self.local_port):
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"sipp {self.name} exited early:\n"
                                     f"{self.output_file.read_text(errors='replace')[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"sipp {self.name} did not bind port {self.local_port}")
            time.sleep(0.02)
        return self

    def wait(self) -> SippResult:
        if self.result is not None:
            return self.result
        assert self.process is not None, "start() first"
        try:
            code = self.process.wait(timeout=self.timeout + 25)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.process.wait(timeout=5)
        self.result = self._collect(code)
        return self.result

    def kill(self) -> None:
        """Stop this sipp (and the `timeout` wrapper around it) if still running."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)

    def _collect(self, code: int) -> SippResult:
        output = self.output_file.read_text(errors="replace") if self.output_file.exists() else ""
        screen = self.screen_file.read_text(errors="replace") if self.screen_file.exists() else ""
        errors = self.error_file.read_text(errors="replace") if self.error_file.exists() else ""
        stats = parse_stats(self.stats_file)
        text = screen or output
        successful = stats.get("SuccessfulCall(C)")
        failed = stats.get("FailedCall(C)")
        return SippResult(
            name=self.name, returncode=code,
            successful=int(successful) if successful else (
                _screen_count(text, "Successful call") or 0),
            failed=int(failed) if failed else (_screen_count(text, "Failed call") or 0),
            stats=stats, output=screen or output, errors=errors, command=self.command)


def run_sipp(scenario: str | Path, *, workdir: Path, remote: str | None = None,
             local_port: int | None = None, extra_args: tuple[str, ...] | list[str] = (),
             rate: float | None = None, calls: int = 1, timeout: float = 30,
             **kwargs) -> SippResult:
    """Run one sipp to completion and return its result."""
    sipp = Sipp(scenario, workdir=workdir, remote=remote, local_port=local_port or free_port(),
                extra_args=extra_args, rate=rate, calls=calls, timeout=timeout, **kwargs)
    return sipp.start().wait()


def run_pair(*, uas: Sipp, uac: Sipp) -> tuple[SippResult, SippResult]:
    """Start the UAS (the trunk side), then the UAC (the caller); collect both.

    If the UAC finishes but the UAS is still waiting for calls that never came, the UAS
    runs into its own `-timeout` and so reports failure; nothing is left running.
    """
    uas.start().wait_bound()
    try:
        uac.start()
        uac_result = uac.wait()
        uas_result = uas.wait()
    finally:
        uac.kill()
        uas.kill()
    return uas_result, uac_result
