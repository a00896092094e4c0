"""Billing (F12-F15): rating calls, fair use, premium-rate payouts and invoices."""
