"""Start and stop real Celery worker processes that share the test database and media folder."""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# clean_environ and database_url are the tests' too (re-exported: the explicit "as" says so to mypy).
from devtools.bench.throwaway import RedisServer, start_site, stop_site
from devtools.bench.throwaway import clean_environ as clean_environ
from devtools.bench.throwaway import database_url as database_url

ROOT = Path(__file__).resolve().parents[1]


def start_worker(
    *,
    media_root: Path,
    queues: str = "media",
    beat_schedule: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> subprocess.Popen[str]:
    """A worker on ``queues``; with ``beat_schedule``, also running beat inside it with the project's
    schedule, its state kept in that file (one process for a test; ``make run`` runs beat on its own)."""
    env = {
        **clean_environ(),
        "DJANGO_SETTINGS_MODULE": "platform.settings.test",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(media_root),
        **(extra_env or {}),
    }
    beat = ["--beat", "--schedule", str(beat_schedule)] if beat_schedule else []
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "platform.celery", "worker", "-Q", queues, *beat,
         "--concurrency", "1", "--loglevel", "INFO", "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group: the pool child and ffmpeg die with it
    )  # fmt: skip


def stop_worker(worker: subprocess.Popen[str], sig: int = signal.SIGTERM) -> str:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    output, _ = worker.communicate(timeout=60)
    return output


@contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port bound but not listening: connecting to it is refused, and nobody else takes it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def start_web(
    *, media_root: Path, log: Path, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn (one worker unless ``extra_env`` says otherwise) with the test settings, against this process's
    test database, on a free loopback port (``devtools.bench.throwaway.start_site``, which the benchmarks
    use too); returns it and its URL once /healthz answers 200. Its output goes to ``log``."""
    return start_site(
        settings_module="platform.settings.test", media_root=media_root, log=log, extra_env=extra_env
    )


stop_web = stop_site


def state_of(video_id: int) -> str:
    """A video's state as the database has it now (what a worker process wrote)."""
    from creators.models import Video

    return Video.objects.values_list("state", flat=True).get(pk=video_id)
