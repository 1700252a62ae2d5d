"""Accounts: login, sessions, API tokens and administration of accounts."""
