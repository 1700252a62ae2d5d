"""Inquiries (P5.C, P5.D)."""
