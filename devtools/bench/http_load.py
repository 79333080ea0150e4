"""``python manage.py benchmark_http``: the site over HTTP, as a load balancer would see it.

Seeds a throwaway database as ``benchmark_feed`` does (100k videos by default), starts gunicorn on loopback
with the project's ``gunicorn.conf.py``, production settings and ``--workers`` processes, against the
configured database (PostgreSQL when ``DATABASE_URL`` points at it, SQLite otherwise) and Redis as the
shared cache and the shared feed pools (loaded before the run) when ``CACHE_URL``/``FEED_POOLS_URL`` or
``CELERY_BROKER_URL`` does, then drives it with Locust in headless mode
(``devtools/bench/locustfile.py``: For You pages, signal batches, videos and profiles through the API).

The baseline, in the same run and against the same processes: ``/healthz`` alone (a request that
touches nothing), which says what the framework and the HTTP stack cost before any feed work. Locust and
gunicorn share the machine's cores, so the figures are what this machine does with its own load
generator on it. One JSON line: requests per second, p50/p99 per request kind, errors, and the largest
resident memory of a web worker.
"""

from __future__ import annotations

import csv
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, OutputWrapper
from django.db import connection
from rest_framework.authtoken.models import Token

from creators.models import CreatorProfile, Video
from devtools.bench.feed import FeedBenchmark
from devtools.bench.feed_setup import feeds_throwaway_database, shared_pools
from devtools.bench.throwaway import free_port, rss_mb
from feeds.models import Signal
from platform.models import User

ROOT = Path(settings.BASE_DIR)
# A Locust phase that completed no request is run again, twice as long, up to this length.
MAX_PHASE_SECONDS = 60


def _milliseconds(cell: str) -> float:
    """A percentile cell of Locust's CSV: "N/A" (or empty) when the row has no request."""
    try:
        return float(cell)
    except ValueError:
        return 0.0


def _database_url(name: str) -> str:
    """The throwaway database as a URL for the server's processes."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    params = connection.settings_dict
    user, password = params.get("USER") or "", params.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    return f"postgres://{auth}{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}/{name}"


def _shared_pools_url() -> str:
    """The shared feed pools: FEED_POOLS_URL when set (empty: none), else the broker's Redis (database 2)
    when the broker is Redis; none (each worker its own catalog) otherwise."""
    if "FEED_POOLS_URL" in os.environ:
        return os.environ["FEED_POOLS_URL"]
    broker = urllib.parse.urlsplit(str(settings.CELERY_BROKER_URL))
    if broker.scheme in ("redis", "rediss"):
        return urllib.parse.urlunsplit(broker._replace(path="/2"))
    return ""


def _shared_cache_url() -> str:
    """The workers' shared cache: CACHE_URL, else the broker's Redis (another database number) when the
    broker is Redis, as production runs; none (each worker its own memory) otherwise."""
    if os.environ.get("CACHE_URL"):
        return os.environ["CACHE_URL"]
    broker = urllib.parse.urlsplit(str(settings.CELERY_BROKER_URL))
    if broker.scheme in ("redis", "rediss"):
        return urllib.parse.urlunsplit(broker._replace(path="/1"))
    return ""


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class HttpBenchmark:
    """What ``manage.py benchmark_http`` does: its report on ``stdout``, progress notes on ``stderr``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 2:
            raise CommandError("Two or more workers: the point is more than one process.")
        with feeds_throwaway_database("benchmark-http") as database, tempfile.TemporaryDirectory() as work:
            began = time.perf_counter()
            FeedBenchmark(stdout=self.stdout, stderr=self.stderr).seed({**options}, random.Random(7))
            data = self._viewers(options)
            seed_s = time.perf_counter() - began
            data_path = Path(work) / "viewers.json"
            data_path.write_text(json.dumps(data))
            server, port, logs = self._serve(options, database, Path(work))
            try:
                rss = {"max": 0.0}
                stop = threading.Event()
                sampler = threading.Thread(target=self._sample_rss, args=(server.pid, rss, stop), daemon=True)
                sampler.start()
                host = f"http://127.0.0.1:{port}"
                baseline = self._locust(
                    host,
                    Path(work),
                    "baseline",
                    data_path,
                    options,
                    options["baseline_seconds"],
                    only="healthz",
                )
                signals_before = Signal.objects.count()
                main = self._locust(host, Path(work), "main", data_path, options, options["seconds"])
                main["stored"] = {"signals": float(Signal.objects.count() - signals_before)}
                stop.set()
                sampler.join(timeout=2)
            finally:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    server.kill()
                logs.close()
        self.stdout.write(json.dumps(self._report(options, baseline, main, rss["max"], seed_s)))

    # --- set-up -------------------------------------------------------------------------------------

    def _viewers(self, options: dict[str, Any]) -> dict[str, list[str]]:
        viewers = list(User.objects.filter(email__startswith="viewer").values_list("pk", flat=True))
        users = min(len(viewers), max(options["users"] * 5, 200))
        tokens = Token.objects.bulk_create(
            [Token(user_id=pk, key=secrets.token_hex(20)) for pk in viewers[:users]], batch_size=1000
        )
        videos = Video.objects.filter(content_level="general").values_list("public_id", flat=True)[:5000]
        handles = CreatorProfile.objects.values_list("handle", flat=True)[:2000]
        return {
            "tokens": [token.key for token in tokens],
            "videos": [str(public_id) for public_id in videos],
            "handles": list(handles),
        }

    def _serve(
        self, options: dict[str, Any], database: str, work: Path
    ) -> tuple[subprocess.Popen[bytes], int, Any]:
        port = free_port()
        env = {
            **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "platform.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            # Production settings start only with Stripe's three variables; the run pays for nothing,
            # so they are throwaway test values and the API base is a closed loopback port.
            "STRIPE_SECRET_KEY": f"sk_test_{secrets.token_hex(12)}",
            "STRIPE_PUBLISHABLE_KEY": f"pk_test_{secrets.token_hex(12)}",
            "STRIPE_WEBHOOK_SECRET": f"whsec_{secrets.token_hex(16)}",
            "STRIPE_API_BASE": "http://127.0.0.1:9",
            "DATABASE_URL": _database_url(database),
            "WEB_CONCURRENCY": str(options["workers"]),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_MAX_REQUESTS": "0",  # no recycling mid-run: each worker builds its catalog once
            "LOG_LEVEL": "WARNING",
        }
        cache_url = _shared_cache_url()
        if cache_url:
            env["CACHE_URL"] = cache_url
        pools_url = _shared_pools_url()
        if pools_url:
            env["FEED_POOLS_URL"] = pools_url
            # What the worker's beat task does on an empty Redis: load every video once.
            with shared_pools(pools_url) as store:
                store.load()
        logs = (work / "gunicorn.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "platform.wsgi", "--access-logfile", "/dev/null"],
            cwd=ROOT,
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn exited: {(work / 'gunicorn.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            server.kill()
            raise CommandError(
                f"gunicorn did not answer /healthz within 60 s: {(work / 'gunicorn.log').read_text()[-2000:]}"
            )
        # Each worker builds its candidate catalog (or connects to the pools) on its first feed request: not
        # in the timed run.
        token = json.loads((work / "viewers.json").read_text())["tokens"][0]
        for _ in range(options["workers"] * 4):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/feeds/for-you", headers={"Authorization": f"Token {token}"}
            )
            with urllib.request.urlopen(request, timeout=120):  # noqa: S310
                pass
        return server, port, logs

    @staticmethod
    def _sample_rss(master: int, rss: dict[str, float], stop: threading.Event) -> None:
        while not stop.wait(0.5):
            for pid in _children(master):
                rss["max"] = max(rss["max"], rss_mb(pid))

    def _locust(
        self,
        host: str,
        work: Path,
        name: str,
        data: Path,
        options: dict[str, Any],
        seconds: int,
        only: str | None = None,
    ) -> dict[str, dict[str, float]]:
        prefix = work / name
        locustfile = work / "healthz.py" if only else ROOT / "devtools" / "bench" / "locustfile.py"
        if only:
            locustfile.write_text(
                "from locust import FastHttpUser, constant, task\n\n\n"
                "class Probe(FastHttpUser):\n"
                "    wait_time = constant(0)\n\n"
                "    @task\n"
                "    def healthz(self):\n"
                "        self.client.get('/healthz', name='healthz')\n"
            )
        command = [
            sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "--host", host,
            "--users", str(options["users"]), "--spawn-rate", str(options["users"]),
            "--run-time", f"{seconds}s", "--csv", str(prefix), "--only-summary", "--exit-code-on-error", "0",
            "--stop-timeout", "5", "--loglevel", "WARNING",
        ]  # fmt: skip
        result = subprocess.run(  # noqa: S603  (our own interpreter and module)
            command,
            cwd=ROOT,
            env={**os.environ, "BENCH_HTTP_DATA": str(data)},
            capture_output=True,
            text=True,
            timeout=seconds + 120,
            check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"locust failed: {result.stderr[-2000:]}")
        stats: dict[str, dict[str, float]] = {}
        with (work / f"{name}_stats.csv").open(encoding="utf-8") as rows:
            for row in csv.DictReader(rows):
                stats[row["Name"]] = {
                    "requests": float(row["Request Count"]),
                    "failures": float(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50_ms": _milliseconds(row["50%"]),
                    "p99_ms": _milliseconds(row["99%"]),
                }
        if not any(row["requests"] for row in stats.values()) and seconds < MAX_PHASE_SECONDS:
            # Locust's run time includes starting its users: on a busy machine a short phase can end
            # before the first answer. Such a phase measured nothing, so it runs again, twice as long.
            self.stderr.write(
                f"The {name} phase completed no request in {seconds} s; running it for {seconds * 2} s."
            )
            return self._locust(host, work, name, data, options, seconds * 2, only=only)
        return stats

    def _report(
        self,
        options: dict[str, Any],
        baseline: dict[str, dict[str, float]],
        main: dict[str, dict[str, float]],
        rss_max: float,
        seed_s: float,
    ) -> dict[str, Any]:
        def of(stats: dict[str, dict[str, float]], name: str, key: str) -> float:
            return stats.get(name, {}).get(key, 0.0)

        healthz_rps = of(baseline, "healthz", "rps")
        for_you_rps = of(main, "for_you", "rps")
        return {
            "benchmark": "http",
            "database": connection.vendor,
            "cache": "redis" if _shared_cache_url() else "per-process",
            "pools": "redis" if _shared_pools_url() else "per-process",
            "videos": options["videos"],
            "web_workers": options["workers"],
            "users": options["users"],
            "seconds": options["seconds"],
            "for_you_rps": round(for_you_rps, 1),
            "for_you_p50_ms": of(main, "for_you", "p50_ms"),
            "for_you_p99_ms": of(main, "for_you", "p99_ms"),
            "signals_per_s": round(of(main, "stored", "signals") / options["seconds"], 1),  # stored, counted
            "signal_batches_p99_ms": of(main, "signals", "p99_ms"),
            "video_p99_ms": of(main, "video", "p99_ms"),
            "profile_p99_ms": of(main, "profile", "p99_ms"),
            "requests": int(of(main, "Aggregated", "requests")),
            "requests_per_s": round(of(main, "Aggregated", "rps"), 1),
            "errors": int(of(main, "Aggregated", "failures")),
            "healthz_rps": round(healthz_rps, 1),
            "healthz_p99_ms": of(baseline, "healthz", "p99_ms"),
            "requests_over_healthz": round(of(main, "Aggregated", "rps") / healthz_rps, 2)
            if healthz_rps
            else None,
            "web_rss_mb_max": round(rss_max, 1),
            "seed_s": round(seed_s, 1),
        }


def benchmark_http(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py benchmark_http`` with the options its command parsed."""
    HttpBenchmark(stdout=stdout, stderr=stderr).handle(**options)
