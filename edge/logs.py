"""Logs as JSON lines on stdout, each with the request id (when there is one).

Only what our code puts in a message is written; our messages carry codes, ids, types and
counts, never a personal value (see directives/privacy_schema.py's process_errors).
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from typing import Any

from edge.request_id import current_request_id


def install_request_ids() -> None:
    """Every log record remembers the request id current where it was made (formatting may
    happen later, elsewhere). Idempotent."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "crm_request_ids", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = current_request_id.get()
        return record

    factory.crm_request_ids = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info and record.exc_info[0] is not None:
            # The type and where, not the exception's text (it may quote a value).
            line["exception"] = record.exc_info[0].__name__
            line["frames"] = "".join(traceback.format_tb(record.exc_info[2]))
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.request_id = getattr(record, "request_id", None) or "-"
        return super().format(record)


def configure_logging(*, fmt: str, level: str) -> None:
    """One handler on the root logger (uvicorn's own loggers propagate to it)."""
    install_request_ids()
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else TextFormatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Libraries that log each statement with its values at DEBUG (Tortoise's SQL log, and
    # aiosqlite's, which names each call with its arguments): personal values. Never below
    # INFO, whatever level the server runs at.
    for name in STATEMENT_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level)))


STATEMENT_LOGGERS = ("tortoise.db_client", "aiosqlite")
