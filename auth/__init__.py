"""Accounts and login (P4.4, P6, P7.1-7.2): passwords, TOTP, sessions, throttling, logs.

No GraphQL here: `resolvers/` exposes these as operations, `server.py` wires cookies and the
access log. Imports: models -> auth -> resolvers -> server.
"""
