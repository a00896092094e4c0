"""The call flow as data: a small tree of steps stored as JSON (F4-F8).

`parse_flow` checks a JSON tree against `flow.schema.json` and the rules a schema cannot
say, and returns the typed steps of `steps.py` that the executor walks; `flow_to_json`
is its inverse. Nothing here imports the engine, so the CLI (and later the portal and
API) validate flows without a running server.
"""

from .default import default_flow, effective_flow
from .hours import hours_open
from .parse import FlowError, FlowIssue, parse_flow
from .serialise import flow_to_json
from .steps import Audio, Forward, Hours, Menu, OpeningInterval, Play, Record, Step, Voicemail

__all__ = [
    "Audio", "FlowError", "FlowIssue", "Forward", "Hours", "Menu", "OpeningInterval", "Play",
    "Record", "Step", "Voicemail", "default_flow", "effective_flow", "flow_to_json", "hours_open",
    "parse_flow",
]
