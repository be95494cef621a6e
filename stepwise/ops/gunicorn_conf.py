"""gunicorn's own settings for `stepwise serve --production`: its log lines in the app's format."""

import os

_format = os.environ.get("LOG_FORMAT", "json")

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "stepwise.ops.logging.JsonFormatter"},
        "text": {"()": "stepwise.ops.logging.TextFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": _format if _format in {"json", "text"} else "json",
        }
    },
    "root": {"level": "INFO", "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        # The app logs each request itself, with its request id and without the query.
        "gunicorn.access": {"level": "WARNING", "handlers": ["stdout"], "propagate": False},
    },
}
