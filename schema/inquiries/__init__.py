"""Types of inquiries (P5.C, P5.D)."""
