"""Types of the research view (P5.F)."""
