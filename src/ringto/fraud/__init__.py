"""Acceptable use and fraud (F21, F22): live events and verdicts, cases, measures."""
