"""Types of contracts (P5.A) and option services (P5.B)."""
