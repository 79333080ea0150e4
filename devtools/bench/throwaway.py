"""What every benchmark shares: a throwaway database of the configured engine, a throwaway Redis, and
reading a process's memory."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection


@contextmanager
def throwaway_database(name: str, *, keep: bool = False) -> Iterator[str]:
    """Create an empty, migrated database beside the configured one and drop it afterwards.

    Benchmarks seed their own rows; they never touch the development database, and so run
    on a fresh clone before anyone has migrated it. Yields the throwaway database's name
    (kept on request, for investigation).
    """
    test_settings = connection.settings_dict.setdefault("TEST", {})
    # The process id keeps two runs at once (two test workers, say) out of each other's database.
    unique = f"{name}_{os.getpid()}".replace("-", "_")
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(settings.VAR_DIR / f"{unique}.sqlite3")
        # A run killed midway leaves its WAL files; a new database beside them fails with "disk I/O error".
        for suffix in ("-wal", "-shm"):
            (settings.VAR_DIR / f"{unique}.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        # Its own name: Django's default (test_<NAME>) is the one the test suite uses on the same server.
        prefix = connection.settings_dict["NAME"][: 62 - len(unique)]
        test_settings["NAME"] = f"{prefix}_{unique}"
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield str(connection.settings_dict["NAME"])
    finally:
        if not keep:
            if connection.vendor == "postgresql":
                # Threads of a benchmark (or a background catalog build) may still hold sessions.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
            connection.creation.destroy_test_db(original_name, verbosity=0)


def rss_mb(pid: int | None = None) -> float:
    """A process's resident memory in MB (this process by default), from /proc; 0 where there is none."""
    try:
        for line in Path(f"/proc/{pid or os.getpid()}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url() -> str:
    """The URL of the database this process is connected to (a throwaway or a test database), for the
    processes it starts, which must open the same one."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    return f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT']}/{params['NAME']}"


def clean_environ() -> dict[str, str]:
    """This process's environment without the browser tests' async-unsafe switch (a deploy check refuses it)."""
    return {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def start_site(
    *, settings_module: str, media_root: Path, log: Path, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn (one worker unless ``extra_env`` says otherwise) with ``settings_module``, against this
    process's database, on a free loopback port; returns it and its URL once /healthz answers 200. Its
    output goes to ``log`` (a pipe nobody reads would fill and stall it); if it exits, or does not answer
    within 60 s, RuntimeError carries the end of that log. ``stop_site`` stops it."""
    port = free_port()
    env = {
        **clean_environ(),
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(media_root),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        **(extra_env or {}),
    }
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "platform.wsgi"],
            cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} exited: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310  (loopback)
                if response.status == 200:
                    return server, url
        except OSError:
            pass
        if time.monotonic() >= deadline:
            stop_site(server)
            raise RuntimeError(
                f"gunicorn on port {port} did not answer within 60 s: {log.read_text()[-3000:]}"
            )
        time.sleep(0.05)


def stop_site(server: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Stop a ``start_site`` gunicorn: the whole process group, master and workers."""
    if server.poll() is None:
        os.killpg(server.pid, sig)
    server.wait(timeout=60)


class RedisServer:
    """A throwaway ``redis-server`` on loopback without persistence (the Debian package's binary);
    ``stop`` and ``start`` it again to play an outage: it comes back empty."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import redis

        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError(
                "redis-server is missing: make system-packages installs it (Debian: redis-server)"
            )
        self.process = subprocess.Popen(  # noqa: S603  (our own arguments, no user input)
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        try:
            while True:
                try:
                    client.ping()
                    return
                except redis.RedisError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def throwaway_redis() -> Iterator[str]:
    """A redis-server for the length of a benchmark; yields its URL."""
    server = RedisServer()
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
