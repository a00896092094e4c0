"""Billing: payouts to number holders and what may hold them back."""
