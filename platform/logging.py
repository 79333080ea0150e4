"""Log records that say which request or task wrote them, as JSON lines in production.

``RequestIdMiddleware`` (platform/middleware.py) puts each request's id in ``request_id`` for as long
as the request runs; ``ContextFilter`` copies it, and the running Celery task's id, onto every record a
handler emits, so one grep finds every line of one request. ``logging_config`` builds the LOGGING
setting: JSON lines (python-json-logger) when ``LOG_FORMAT=json``, one readable line otherwise.
gunicorn.conf.py formats gunicorn's access log with the same fields.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# The JSON shape shared by the app's logs and gunicorn's access log (gunicorn.conf.py): python-json-logger
# writes these record attributes first, renamed, then every extra attribute (request_id, task_id, ...).
JSON_FIELDS = "{levelname}{name}{message}"
JSON_RENAMED = {"levelname": "level", "name": "logger"}
# Development: a Celery worker there prints task ids with its own format (it takes over the root logger).
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
LOG_FORMATS = ("json", "plain")


class ContextFilter(logging.Filter):
    """Adds ``request_id`` (inside a request) and ``task_id`` (inside a Celery task) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = request_id.get()
        if current is not None:
            record.request_id = current
        task = _current_task_id()
        if task is not None:
            record.task_id = task
        return True


def _current_task_id() -> str | None:
    # What Celery's own task log formatter reads; None outside a task.
    from celery._state import get_current_task

    task = get_current_task()
    task_id = getattr(task.request, "id", None) if task is not None else None
    return str(task_id) if task_id else None


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING setting: every record goes to stderr, as JSON or as one plain line."""
    if log_format not in LOG_FORMATS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "platform.logging.ContextFilter"}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": JSON_FIELDS,
                "style": "{",
                "rename_fields": JSON_RENAMED,
                "timestamp": True,
            },
            # Records outside a request have no id: they show [-].
            "plain": {
                "()": "logging.Formatter",
                "fmt": PLAIN_FORMAT,
                "defaults": {"request_id": "-"},
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["context"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"axes": {"level": "WARNING"}},
    }
