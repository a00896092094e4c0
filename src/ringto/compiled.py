"""Which modules are built as C extensions with mypyc, and whether this install has them.

The SIP hot path (parsing, sanity checks, transactions, dialogs, the call engine and
the UDP shell) is compiled from these unchanged, type-checked sources: on the same
machine it cut the event loop's CPU per call by about a third (`docs/benchmarks.md`).
`setup.py` builds them when a C compiler is there and skips them otherwise; the pure
Python sources behave the same, only slower.

Python imports an extension before the `.py` beside it, so a compiled module older than
its source would silently run the old code. `stale()` names such modules: the test
suite refuses to run with any, and `ringto serve` says so in its log.

Standard library only: `setup.py` reads this file before anything is installed.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

HOT_PATH = (
    "ringto/sip/build.py",
    "ringto/sip/dialog.py",
    "ringto/sip/endpoint.py",
    "ringto/sip/errors.py",
    "ringto/sip/framing.py",
    "ringto/sip/headers.py",
    "ringto/sip/message.py",
    "ringto/sip/sanity.py",
    "ringto/sip/sdp.py",
    "ringto/sip/transaction.py",
    "ringto/sip/uri.py",
    "ringto/calls/call.py",
    "ringto/calls/cdr.py",
    "ringto/calls/engine.py",
    "ringto/calls/identity.py",
    "ringto/calls/leg.py",
    "ringto/calls/overload.py",
    "ringto/calls/relay.py",
    "ringto/fraud/verdict.py",
    "ringto/fraud/windows.py",
    "ringto/net/sip_transport.py",
)


def _module(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def _built(paths: Sequence[str]) -> list[tuple[str, Path]]:
    """(path, extension file) for each listed module this interpreter loads compiled."""
    out = []
    for path in paths:
        spec = importlib.util.find_spec(_module(path))
        if spec and spec.origin and not spec.origin.endswith(".py"):
            out.append((path, Path(spec.origin)))
    return out


def compiled(paths: Sequence[str] = HOT_PATH) -> list[str]:
    """The modules that this interpreter loads as C extensions."""
    return [_module(path) for path, _ in _built(paths)]


def stale(paths: Sequence[str] = HOT_PATH) -> list[str]:
    """Compiled modules whose `.py` source changed after they were built."""
    return [_module(path) for path, built in _built(paths)
            if (source := built.with_name(Path(path).name)).exists()
            and source.stat().st_mtime > built.stat().st_mtime]
