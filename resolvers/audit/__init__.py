"""Audit: what auditors read (the read audit, security events, access log, catalog)."""
