"""Errors of the numbers domain; each message is written for the operator who caused it."""

from __future__ import annotations


class NumberError(ValueError):
    """Base of every refusal by the numbers service."""


class InvalidNumber(NumberError):
    """A number that libphonenumber does not accept as valid."""


class DuplicateNumber(NumberError):
    """The service number is already configured."""


class UnknownNumber(NumberError):
    """No service number with that E.164 is configured."""


class InvalidRouting(NumberError):
    """A strategy, ring time or target list that cannot route a call."""
