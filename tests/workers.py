"""Start and stop real Celery worker processes that share the test database and media folder."""

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from devtools.bench.throwaway import RedisServer, free_port
from tests.waiting import eventually

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The URL of the test database as this process sees it (the worker must open the same one)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def clean_environ() -> dict[str, str]:
    """This process's environment without the e2e tests' async-unsafe switch (a deploy check refuses it)."""
    return {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}


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
    test database, on a free loopback port; returns it and its URL once /healthz answers 200. Its output goes
    to ``log`` (a pipe nobody reads would fill and stall it), and the test fails with that log if it exits."""
    port = free_port()
    env = {
        **clean_environ(),
        "DJANGO_SETTINGS_MODULE": "platform.settings.test",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(media_root),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        **(extra_env or {}),
    }
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "platform.wsgi"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        assert server.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310  (loopback)
                return bool(response.status == 200)
        except OSError:
            return False

    eventually(answers, timeout=60, what=f"gunicorn on port {port}")
    return server, url


def stop_web(server: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Stop a ``start_web`` gunicorn: the whole process group, master and workers."""
    if server.poll() is None:
        os.killpg(server.pid, sig)
    server.wait(timeout=60)


def state_of(video_id: int) -> str:
    """A video's state as the database has it now (what a worker process wrote)."""
    from creators.models import Video

    return Video.objects.values_list("state", flat=True).get(pk=video_id)
