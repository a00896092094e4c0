"""Checking raw JSON against `flow.schema.json`, with each error named by step and field.

The schema is the contract the portal and API share with the CLI; `jsonschema` checks
it. What we add is the naming: a JSON path like `menu/choices/1/forward/targets/0`
becomes step `menu.choices.1.forward` and field `targets.0`, the words an operator
editing the file can find.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

SCHEMA_PATH = Path(__file__).with_name("flow.schema.json")
STEP_TYPES = ("forward", "play", "record", "voicemail", "menu", "hours")
SUB_FLOWS = frozenset({"next", "on_no_answer", "on_busy", "on_timeout", "on_invalid", "open", "closed"})


@dataclass(frozen=True, slots=True)
class FlowIssue:
    """One thing wrong with a flow: where (step path, field) and what."""

    step: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.step}: {self.field}" if self.field else self.step
        return f"{where}: {self.message}"


@cache
def validator() -> Draft202012Validator:
    """The compiled flow schema (loaded once)."""
    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def split_path(path: Sequence[str | int]) -> tuple[str, str]:
    """(step path, field) for a JSON path into a flow tree; the root step is named by its type."""
    steps: list[str] = []
    rest = list(path)
    while rest:
        steps.append(str(rest.pop(0)))  # the step's type
        if not rest:
            break
        field = str(rest[0])
        if field in SUB_FLOWS:
            steps.append(str(rest.pop(0)))
        elif field == "choices" and len(rest) > 1:
            steps += [str(rest.pop(0)), str(rest.pop(0))]
        else:
            return ".".join(steps), ".".join(str(part) for part in rest)
    return ".".join(steps) or "flow", ""


def schema_issues(data: Any) -> list[FlowIssue]:
    """Everything the schema finds wrong with `data`, in document order."""
    errors = sorted(validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [issue for error in errors for issue in _issues_of(error)]


def _issues_of(error: ValidationError) -> Iterator[FlowIssue]:
    step, field = split_path(list(error.absolute_path))
    instance, schema = error.instance, error.schema
    if error.validator == "required":
        for name in schema["required"]:
            if isinstance(instance, dict) and name not in instance:
                yield FlowIssue(step, _join(field, name), "is required")
    elif error.validator == "additionalProperties" and isinstance(instance, dict):
        known = schema.get("properties", {})
        for name in instance:
            if name not in known:
                yield _unexpected(step, field, name, known)
    elif error.validator in ("minProperties", "maxProperties") and "forward" in schema.get("properties", {}):
        yield FlowIssue(step, field, f"a step is an object with exactly one key, its type "
                                     f"({', '.join(STEP_TYPES)})")
    elif "description" in schema:  # the pattern and enum errors jsonschema words for machines
        yield FlowIssue(step, field, f"{instance!r}: expected {schema['description']}")
    else:
        yield FlowIssue(step, field, error.message)


def _unexpected(step: str, field: str, name: str, known: dict[str, Any]) -> FlowIssue:
    if "forward" in known:
        return FlowIssue(_join(step, name) if step != "flow" else name, field,
                         f"unknown step type; expected one of {', '.join(STEP_TYPES)}")
    return FlowIssue(step, _join(field, name), f"unknown field; expected one of {', '.join(known)}")


def _join(*parts: str) -> str:
    return ".".join(part for part in parts if part)
