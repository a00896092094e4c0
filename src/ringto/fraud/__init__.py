"""Acceptable use and fraud (F21, F22): live events and verdicts, cases, measures, and
rules over call records for scanning files.

The rule cores in `rules/` are sans-IO: they read parsed records and yield `Alert`s; each
exposes its thresholds as a small frozen dataclass for the live side to reuse.
"""
