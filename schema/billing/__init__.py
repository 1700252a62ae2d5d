"""Types of billing and agents' margins (P5.E)."""
