"""User errors of commands whose acceptance asks for exit code 2 and no usage text."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

USER_ERROR = 2


def fail(message: str) -> NoReturn:
    """The message on stderr and exit code 2, never a traceback."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(USER_ERROR)
