"""Billing and agents' margins (P5.E)."""
