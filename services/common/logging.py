"""Log formatters that stamp every line with the service name and the current request id.

Selected by `LOG_FORMAT` in config (`json` for machines, `text` for a developer's terminal) through
the `LOGGING` dictConfig in `config/bazaar.yaml`.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime

from services.common.context import current_request_id

_SERVICE = os.environ.get("BAZAAR_SERVICE", "bazaar")
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", None) or current_request_id() or "-"
        record.service = _SERVICE
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, service, logger, request_id, message, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": getattr(record, "service", _SERVICE),
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or current_request_id(),
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and key not in entry and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-5s [%(request_id)s] %(name)s: %(message)s")


def formatter(kind: str = "text") -> logging.Formatter:
    """dictConfig factory: `()`: services.common.logging.formatter, kind: json|text."""
    return JsonFormatter() if kind == "json" else TextFormatter()
