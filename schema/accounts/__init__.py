"""Types of accounts, logins and sessions (no personal values)."""
