"""A real `ringto serve` in a subprocess, its command line, and its call records.

The server gets its own data directory (SQLite inside), its own SIP port and a trunk
port where a sipp UAS plays the ring-to phones. `cli()` runs any `ringto` command with
the same environment, so `calls()` reads the records that server wrote.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .sipp import HOST

RTP_PORTS = "40000-44999"  # clear of free_port()'s range, so sipp never takes an RTP port
RECORD_WAIT_S = 3.0  # records are written in batches off the hot path, within this


def options_ping(port: int, *, timeout: float = 0.5, max_forwards: int = 70) -> int | None:
    """Send one OPTIONS over UDP; the final status code, or None without an answer."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((HOST, 0))
        sock.settimeout(timeout)
        local = sock.getsockname()[1]
        branch = "z9hG4bK" + uuid.uuid4().hex[:16]
        message = (
            f"OPTIONS sip:{HOST}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {HOST}:{local};branch={branch};rport\r\n"
            f"Max-Forwards: {max_forwards}\r\n"
            f"From: <sip:probe@{HOST}:{local}>;tag={uuid.uuid4().hex[:8]}\r\n"
            f"To: <sip:{HOST}:{port}>\r\n"
            f"Call-ID: {uuid.uuid4().hex}@{HOST}\r\n"
            "CSeq: 1 OPTIONS\r\n"
            "Content-Length: 0\r\n\r\n"
        ).encode()
        sock.sendto(message, (HOST, port))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data = sock.recv(65535)
            except (TimeoutError, ConnectionRefusedError):
                return None
            code = status_code(data)
            if code is not None and code >= 200:
                return code
    return None


def status_code(data: bytes) -> int | None:
    """The status code of a SIP response, None for anything else."""
    first = data.split(b"\r\n", 1)[0].split(b" ")
    if len(first) >= 2 and first[0] == b"SIP/2.0" and first[1].isdigit():
        return int(first[1])
    return None


def blank(value: Any) -> Any:
    """Records say absent as '' or null; treat both as None."""
    return None if value in ("", None) else value


def when(value: Any) -> datetime | None:
    """A record time (ISO 8601, 'Z' or offset; or epoch seconds) as aware UTC."""
    value = blank(value)
    if value is None:
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)


def code_of(value: Any) -> int | None:
    value = blank(value)
    return None if value is None else int(value)


class Ringto:
    """One ringto installation: data dir, ports, and (when started) a server process."""

    def __init__(self, workdir: Path, *, sip_port: int, trunk_port: int, web_port: int) -> None:
        self.workdir = workdir
        self.sip_port = sip_port
        self.trunk_port = trunk_port
        self.data_dir = workdir / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / "ringto-serve.log"
        self.env = {
            **os.environ,
            "RINGTO_SIP_LISTEN": f"{HOST}:{sip_port}",
            "RINGTO_TRUNK": f"{HOST}:{trunk_port}",
            "RINGTO_DATA_DIR": str(self.data_dir),
            "RINGTO_WEB_LISTEN": f"{HOST}:{web_port}",
            "RINGTO_CONFIG": str(workdir / "no-ringto.toml"),  # never a stray ringto.toml
            "RINGTO_RTP_PORTS": RTP_PORTS,
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("RINGTO_DATABASE_URL", None)
        self.process: subprocess.Popen | None = None
        self.exit_codes: list[int] = []

    @property
    def address(self) -> str:
        return f"{HOST}:{self.sip_port}"

    # -- the command line ---------------------------------------------------------------

    def cli(self, *args: str, check: bool = True,
            timeout: float = 60) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "ringto", *args], env=self.env,
                                cwd=self.workdir, capture_output=True, text=True,
                                timeout=timeout, stdin=subprocess.DEVNULL)
        if check and result.returncode != 0:
            raise AssertionError(f"ringto {' '.join(args)} exited {result.returncode}:\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def add_number(self, number: str, forward: list[str], *, strategy: str = "sequential",
                   ring_time: float = 3) -> None:
        self.cli("number", "add", number, "--forward", ",".join(forward),
                 "--strategy", strategy, "--ring-time", f"{ring_time:g}")

    def calls(self) -> list[dict[str, Any]]:
        """All call records (`ringto calls list --json`)."""
        result = self.cli("calls", "list", "--json", "--limit", "100000", check=False)
        if result.returncode == 2 and "--limit" in result.stderr:  # no such option: fine
            result = self.cli("calls", "list", "--json")
        elif result.returncode != 0:
            raise AssertionError(f"ringto calls list exited {result.returncode}:\n"
                                 f"{result.stdout}\n{result.stderr}")
        records = json.loads(result.stdout or "[]")
        assert isinstance(records, list), records
        return records

    def wait_calls(self, predicate=None, *, count: int | None = None,
                   timeout: float = RECORD_WAIT_S) -> list[dict[str, Any]]:
        """Poll until the records satisfy `predicate(records)` (or number `count`,
        none of them in progress); then return them. On timeout return what is there,
        so the test's own assertions say what is wrong."""
        if predicate is None:
            def predicate(records):
                return len(records) == count and all(
                    r.get("disposition") != "in-progress" for r in records)
        deadline = time.monotonic() + timeout
        while True:
            records = self.calls()
            if predicate(records) or time.monotonic() > deadline:
                return records
            time.sleep(0.2)

    # -- the server process -------------------------------------------------------------

    def upgrade(self) -> None:
        self.cli("db", "upgrade")

    def start(self, *, ready_timeout: float = 20) -> None:
        assert self.process is None or self.process.poll() is not None, "already running"
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child until it exits
        log.write(f"\n=== ringto serve started {datetime.now(UTC).isoformat()} ===\n".encode())
        log.flush()
        self.process = subprocess.Popen([sys.executable, "-m", "ringto", "serve"],
                                        env=self.env, cwd=self.workdir, stdout=log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + ready_timeout
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"ringto serve exited {self.process.returncode} while "
                                     f"starting:\n{self.log()}")
            if options_ping(self.sip_port, timeout=0.3) == 200:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"ringto serve did not answer OPTIONS with 200 within "
                                     f"{ready_timeout}s:\n{self.log()}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 10) -> int:
        """SIGTERM, then SIGKILL after `timeout`; the exit code. Asserts a clean stop."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
                raise AssertionError(f"ringto serve ignored SIGTERM for {timeout}s:\n"
                                     f"{self.log()}") from None
        code = self.process.returncode
        self.exit_codes.append(code)
        return code

    def kill(self) -> None:
        """kill -9: no chance to close anything."""
        assert self.process is not None and self.process.poll() is None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.exit_codes.append(self.process.returncode)

    def restart(self) -> None:
        if self.alive():
            self.stop()
        self.start()

    def log(self, tail: int = 6000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except FileNotFoundError:
            return ""
