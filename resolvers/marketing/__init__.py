"""Surveys (P5.G) and announcements (P5.H)."""
