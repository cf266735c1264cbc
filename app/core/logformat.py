"""How gimark's log lines look: one JSON object per line for a log shipper (the default), or
plain text for a developer's terminal (``GIMARK_LOG_FORMAT=text``). Every line carries the
request id of the request it was written for (``app.core.requestid``), so a 500's id that a
user quotes finds its trace and its access line.

The records are already scrubbed of secrets and personal data when they are made
(``app.core.logsafety``); formatting only arranges them. The per-request line has a writer of
its own, in the same shape (``app.core.accesslog``)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from app.core.requestid import current_request_id

_MARK = "gimark_handler"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": current_request_id(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = current_request_id() or "-"
        return super().format(record)


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a line is written, not when the handler was
    made: test runners swap it per test."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def install_log_format(log_format: str) -> None:
    """gimark's loggers write to stderr in ``log_format`` (one handler, replaced when called
    again). Records still reach the root logger's handlers too (pytest's, uvicorn's)."""
    logger = logging.getLogger("gimark")
    for handler in [h for h in logger.handlers if getattr(h, _MARK, False)]:
        logger.removeHandler(handler)
    handler = StderrHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    setattr(handler, _MARK, True)
    logger.addHandler(handler)
