"""Gunicorn's settings for Joyreel in production; ``python -m gunicorn platform.wsgi`` reads this file
from the working directory. Every value can be overridden from the environment (names below).

Worker class: ``gthread``. A slow client (a phone on a weak network sending a video chunk, or reading
a page slowly) ties up one thread, not a whole process, and idle keep-alive connections wait in the
worker's event loop instead of in a thread. Sync workers would be as good only behind a proxy that
buffers whole requests and responses (nginx with buffering on); gthread does not depend on that.
The cost: each thread holds its own database connection (CONN_MAX_AGE), so a machine opens up to
WEB_CONCURRENCY x GUNICORN_THREADS connections to PostgreSQL; size max_connections (or PgBouncer) for it.

This file must not import the project: the stdlib ``platform`` module may already be loaded under
that name when gunicorn reads it. The JSON log shape is therefore restated here; it matches
platform/logging.py (JSON_FIELDS, JSON_RENAMED) and tests/platform/test_serving.py checks both.
"""

import multiprocessing
import os
from typing import Any

from gunicorn import glogging  # type: ignore[import-untyped]  # (no stubs installed)


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# Where to listen: GUNICORN_BIND wins; otherwise every interface on $PORT (honcho and most platforms set it).
bind = [os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_env_int('PORT', 8000)}"]

# Processes: two per core (the work is mostly waiting on PostgreSQL and Redis), at least two, so one
# recycling worker never leaves the machine without one. WEB_CONCURRENCY is the usual override.
workers = _env_int("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count() * 2))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _env_int("GUNICORN_THREADS", 4)

# A worker whose main loop is silent this long is killed and replaced (for gthread this guards a stuck
# process, not a slow request). Kept above the slowest legitimate request: an 8 MB upload chunk whose
# client may pause for UPLOAD_CHUNK_READ_TIMEOUT_SECONDS (10 s) between reads.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (a deploy), running requests get this long to finish before their worker is killed.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds an idle keep-alive connection stays open. Behind a load balancer, keep this longer than the
# balancer's own idle timeout, or it may send a request on a connection gunicorn is closing.
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)

# Recycle each worker after about this many requests (jittered so they do not all restart together):
# bounds the growth of per-process caches such as the feed's in-memory candidate catalog.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Heartbeat files in memory, not on a disk that may stall (Docker's /tmp is an overlay filesystem).
if os.path.isdir("/dev/shm"):  # noqa: S108  (a fixed system path, not a temporary file)
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# gunicorn's control socket (for gunicornc) sits at one path per user by default, which two servers on
# one machine would share: only where GUNICORN_CONTROL_SOCKET names one.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

# Logs: the access log on stdout and gunicorn's own messages on stderr, both as JSON lines in the
# app's shape (LOG_FORMAT=plain for gunicorn's usual text).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


class JsonAccessLogger(glogging.Logger):
    """Writes each access as one record whose fields (method, path, status, ...) are JSON keys, not
    a preformatted line; the request id is the one the app put on the response."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        fields = {
            "request_id": atoms.get("{x-request-id}o"),
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"] or None,
            "status": int(atoms["s"]),
            "bytes": atoms["B"],
            "duration_ms": round(atoms["D"] / 1000, 1),
            "remote_addr": atoms["h"],
            "user_agent": atoms["a"],
        }
        self.access_log.info("%s %s %s", atoms["m"], atoms["U"], atoms["s"], extra=fields)


if LOG_FORMAT == "json":
    logger_class = JsonAccessLogger
    _json_formatter = {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "{levelname}{name}{message}",
        "style": "{",
        "rename_fields": {"levelname": "level", "name": "logger"},
        "timestamp": True,
    }
    logconfig_dict = {
        "formatters": {"json": _json_formatter},
        "handlers": {
            "access": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
            "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error"], "propagate": False},
        },
        # Gunicorn's default would give root a plain handler; Django's LOGGING configures root instead.
        "root": {"level": "WARNING", "handlers": []},
    }


def post_worker_init(worker: Any) -> None:
    """What the worker has loaded (Django, the project, the catalog's code) lives as long as it does: move it
    out of the cyclic garbage collector's reach, so a full collection walks only what requests allocate.
    Unfrozen, a web process's full collections took 100-150 ms, and they made a feed page's p99
    (benchmark_feed at 200k videos)."""
    import gc

    gc.freeze()
