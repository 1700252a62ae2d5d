"""The server's logs at its most verbose (CRM_LOG_LEVEL=DEBUG) carry no personal value: the
libraries that log each SQL statement with its values stay at INFO (edge/logs.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from tortoise.context import TortoiseContext

from edge.logs import STATEMENT_LOGGERS, configure_logging
from models import Customer
from models.sqlite_client import small_read

PHONE = "090-8765-4321"  # a value that would be in a statement's parameters


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """configure_logging replaces the root handler: put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in STATEMENT_LOGGERS}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, was in levels.items():
            logging.getLogger(name).setLevel(was)


@pytest.mark.usefixtures("logging_restored")
async def test_debug_logs_hold_no_statement_values(
    db: TortoiseContext, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(fmt="json", level="DEBUG")  # here: the handler writes to capsys's stdout
    customer = await Customer.create(name="鈴木 花子", phone=PHONE)  # a write, through the thread
    with small_read():  # a read on the event loop's thread (SQLite)
        assert await Customer.filter(phone=PHONE).first() == customer
    assert await Customer.filter(phone=PHONE).count() == 1  # a read through the thread
    logging.getLogger("crm.test").debug("debug lines are written")  # the level is in force
    written = capsys.readouterr().out
    assert "debug lines are written" in written
    assert PHONE not in written and "鈴木" not in written
