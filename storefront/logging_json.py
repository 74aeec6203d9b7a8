"""The JSON log format (LOG_FORMAT=json): loaded with the logging config, before any app, so it imports none."""

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """Each record as one line of JSON: time, level, logger, message, and a request line's fields."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
