"""Write conflicts: a concurrent request changed the same rows first.

A unique constraint raced (two writers inserting the same version, the same login ID) or a
transaction the database rolled back for serialisation or a deadlock. These are expected under
concurrency, so the client gets CONFLICT ("retry"), never `Internal error.` — and never the
driver's message, which may quote the values of the conflicting row.
"""

from __future__ import annotations

import sqlite3

import asyncpg
from tortoise.exceptions import IntegrityError

CONFLICT_MESSAGE = "The record was changed by another request meanwhile; retry."


def _driver_error(error: BaseException) -> BaseException | None:
    if error.args and isinstance(error.args[0], BaseException):
        return error.args[0]  # Tortoise wraps the driver's exception as its first argument
    return error.__cause__ or error.__context__


def is_write_conflict(error: BaseException | None) -> bool:
    if isinstance(error, asyncpg.exceptions.TransactionRollbackError):
        return True  # 40001 serialization failure, 40P01 deadlock
    if not isinstance(error, IntegrityError):
        return False
    driver = _driver_error(error)
    if isinstance(driver, asyncpg.exceptions.UniqueViolationError):
        return True
    return isinstance(driver, sqlite3.IntegrityError) and str(driver).startswith(
        "UNIQUE constraint failed"
    )
