"""Acceptable use and fraud (F21, F22): rules over call records, alerts, scanning files.

The rule cores in `rules/` are sans-IO: they read parsed records and yield `Alert`s, so
the offline scanner (`scan.py`) and the live detector share the same thresholds.
"""
