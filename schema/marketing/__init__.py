"""Types of surveys (P5.G) and announcements (P5.H)."""
