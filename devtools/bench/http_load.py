"""``python manage.py benchmark_http``: the site over HTTP, as a load balancer would see it.

Seeds a throwaway database as ``benchmark_feed`` does (100k videos by default), starts gunicorn on loopback
with the project's ``gunicorn.conf.py``, production settings and ``--workers`` processes, against the
configured database (PostgreSQL when ``DATABASE_URL`` points at it, SQLite otherwise) and Redis as the
shared cache and the shared feed pools (loaded before the run) when ``CACHE_URL``/``FEED_POOLS_URL`` or
``CELERY_BROKER_URL`` does, then drives it with Locust in headless mode
(``devtools/bench/locustfile.py``: For You pages, signal batches, videos and profiles through the API).

Two phases against the same processes:

- read-only, driven by ``wrk`` (Debian's package, installed as ``make test`` installs chromium): ``/healthz``
  (a request that touches nothing: what the framework and the HTTP stack cost before any feed work), then
  For You first pages of viewers in turn, with the same connections and threads. wrk is C on one thread, so
  the site keeps the cores a Python load generator would take; ``for_you_over_healthz`` (pages/s over
  health checks/s) is what a page costs in health checks.
- mixed, driven by Locust: For You pages, signal batches, videos and profiles, with its own ``/healthz``
  baseline. Locust and gunicorn share the machine's cores, so these figures are what the machine does with
  a Python load generator on it.

With ``--profile``, the web workers run the site under ``devtools.bench.profiled_wsgi``, and after the timed
phases some For You pages are served one at a time with cProfile on: the top functions go to stderr and the
page's and its JSON rendering's milliseconds into the report.

One JSON line: requests per second, p50/p99 per request kind, errors, and the largest resident memory of a
web worker.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pstats
import random
import secrets
import shutil
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
FOR_YOU = "/api/v1/feeds/for-you"
PROFILE_HEADER = "X-Bench-Profile"  # devtools.bench.profiled_wsgi profiles only requests that carry it
# wrk's script: each request carries the next viewer's token (/healthz too, so both phases cost wrk the
# same); at the end one line of figures in wrk's own units (microseconds), which its text report rounds.
WRK_SCRIPT = """
local tokens = {TOKENS}
local path = "PATH"
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", path, {Authorization = "Token " .. tokens[counter % #tokens + 1]})
end
done = function(summary, latency, requests)
  local e = summary.errors
  print(table.concat({"WRK_FIGURES", summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout}, " "))
end
"""
WRK_FIGURES = (
    "requests",
    "duration_us",
    "bytes",
    "p50_us",
    "p99_us",
    "connect",
    "read",
    "write",
    "status",
    "timeout",
)


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
        wrk = wrk_binary()  # before any seeding: a missing load generator stops the run at once
        with feeds_throwaway_database("benchmark-http") as database, tempfile.TemporaryDirectory() as work:
            began = time.perf_counter()
            FeedBenchmark(stdout=self.stdout, stderr=self.stderr).seed({**options}, random.Random(7))
            data = self._viewers(options)
            seed_s = time.perf_counter() - began
            data_path = Path(work) / "viewers.json"
            data_path.write_text(json.dumps(data))
            profile_dir = Path(work) / "profiles" if options["profile"] else None
            server, port, logs = self._serve(options, database, Path(work), profile_dir=profile_dir)
            try:
                rss = {"max": 0.0}
                stop = threading.Event()
                sampler = threading.Thread(target=self._sample_rss, args=(server.pid, rss, stop), daemon=True)
                sampler.start()
                host = f"http://127.0.0.1:{port}"
                script = Path(work) / "viewers.lua"
                read_only = {
                    name: self._wrk(wrk, host, path, script, data["tokens"], options)
                    for name, path in (("healthz", "/healthz"), ("for_you", FOR_YOU))
                }
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
                profile = self._profile(host, data["tokens"], options, profile_dir) if profile_dir else None
            finally:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    server.kill()
                logs.close()
        report = self._report(options, read_only, baseline, main, rss["max"], seed_s)
        if profile is not None:
            report["profile"] = profile
        self.stdout.write(json.dumps(report))

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
        self, options: dict[str, Any], database: str, work: Path, *, profile_dir: Path | None
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
        application = "platform.wsgi"
        if profile_dir is not None:
            profile_dir.mkdir()
            env["BENCH_PROFILE_DIR"] = str(profile_dir)
            application = "devtools.bench.profiled_wsgi:application"
        logs = (work / "gunicorn.log").open("wb")
        server = subprocess.Popen(  # noqa: S603  (our own interpreter and module)
            [sys.executable, "-m", "gunicorn", application, "--access-logfile", "/dev/null"],
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

    def _wrk(
        self, wrk: str, host: str, path: str, script: Path, tokens: list[str], options: dict[str, Any]
    ) -> dict[str, float]:
        """One read-only phase: ``path`` requested by wrk over ``--connections`` kept-alive connections."""
        script.write_text(
            WRK_SCRIPT.replace("TOKENS", ", ".join(f'"{token}"' for token in tokens)).replace("PATH", path)
        )
        seconds = options["wrk_seconds"]
        command = [
            wrk, "--threads", str(options["wrk_threads"]), "--connections", str(options["connections"]),
            "--duration", f"{seconds}s", "--timeout", "10s", "--script", str(script), host,
        ]  # fmt: skip
        result = subprocess.run(  # noqa: S603  (the wrk binary and our own arguments)
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("WRK_FIGURES ")]
        if result.returncode != 0 or not lines:
            raise CommandError(f"wrk failed on {path}: {(result.stderr or result.stdout)[-2000:]}")
        figures = dict(zip(WRK_FIGURES, (float(value) for value in lines[-1].split()[1:]), strict=True))
        errors = sum(figures[kind] for kind in ("connect", "read", "write", "status", "timeout"))
        return {
            "requests": figures["requests"],
            "rps": figures["requests"] / (figures["duration_us"] / 1e6),
            "p50_ms": round(figures["p50_us"] / 1000, 2),
            "p99_ms": round(figures["p99_us"] / 1000, 2),
            "errors": errors,
        }

    def _profile(
        self, host: str, tokens: list[str], options: dict[str, Any], directory: Path
    ) -> dict[str, float]:
        """For You pages served one at a time with cProfile on in the worker that serves each
        (``devtools.bench.profiled_wsgi``): the top functions to stderr, the milliseconds into the report."""
        pages: int = options["profile_pages"]
        for number in range(pages):
            request = urllib.request.Request(  # noqa: S310  (loopback, our own server)
                f"{host}{FOR_YOU}",
                headers={"Authorization": f"Token {tokens[number % len(tokens)]}", PROFILE_HEADER: "1"},
            )
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310  (loopback)
                response.read()
        files = sorted(str(path) for path in directory.glob("*.prof"))
        if not files:
            raise CommandError("The profiled workers wrote no profile.")
        text = io.StringIO()
        stats = pstats.Stats(*files, stream=text)
        text.write(f"--- {pages} For You pages served with cProfile on, by internal time\n")
        stats.sort_stats("tottime").print_stats(25)
        text.write("--- the same pages, by cumulative time\n")
        stats.sort_stats("cumulative").print_stats(40)
        self.stderr.write(text.getvalue())

        def cumulative_ms(file_end: str, function: str) -> float:
            seconds = sum(
                row[3]
                for (filename, _line, name), row in stats.stats.items()  # type: ignore[attr-defined]
                if filename.endswith(file_end) and name == function
            )
            return round(seconds * 1000 / pages, 2)

        return {
            "pages": pages,
            "page_ms": cumulative_ms("django/core/handlers/wsgi.py", "__call__"),
            "render_ms": cumulative_ms("rest_framework/response.py", "rendered_content"),
            "serialize_ms": cumulative_ms("feeds/api/serializers.py", "feed_page_json"),
            "feed_for_you_ms": cumulative_ms("feeds/selectors.py", "feed_for_you"),
        }

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
        read_only: dict[str, dict[str, float]],
        baseline: dict[str, dict[str, float]],
        main: dict[str, dict[str, float]],
        rss_max: float,
        seed_s: float,
    ) -> dict[str, Any]:
        def of(stats: dict[str, dict[str, float]], name: str, key: str) -> float:
            return stats.get(name, {}).get(key, 0.0)

        healthz_rps = of(baseline, "healthz", "rps")
        for_you_rps = of(main, "for_you", "rps")
        read_only_healthz_rps = read_only["healthz"]["rps"]
        return {
            "benchmark": "http",
            "database": connection.vendor,
            "cache": "redis" if _shared_cache_url() else "per-process",
            "pools": "redis" if _shared_pools_url() else "per-process",
            "videos": options["videos"],
            "web_workers": options["workers"],
            "users": options["users"],
            "seconds": options["seconds"],
            # The read-only phase (wrk): the same connections for both paths, one after the other.
            "connections": options["connections"],
            "wrk_seconds": options["wrk_seconds"],
            "wrk_healthz_rps": round(read_only_healthz_rps, 1),
            "wrk_healthz_p50_ms": read_only["healthz"]["p50_ms"],
            "wrk_healthz_p99_ms": read_only["healthz"]["p99_ms"],
            "wrk_for_you_rps": round(read_only["for_you"]["rps"], 1),
            "wrk_for_you_p50_ms": read_only["for_you"]["p50_ms"],
            "wrk_for_you_p99_ms": read_only["for_you"]["p99_ms"],
            "wrk_errors": int(read_only["healthz"]["errors"] + read_only["for_you"]["errors"]),
            "for_you_over_healthz": round(read_only["for_you"]["rps"] / read_only_healthz_rps, 3)
            if read_only_healthz_rps
            else None,
            # The mixed phase (Locust).
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


def wrk_binary() -> str:
    """The wrk binary: ``$JOYREEL_WRK`` when set (nothing is installed for it), else ``wrk`` on the PATH,
    installed from Debian's package by ``.ci/system-packages`` (as root; otherwise it names the command)."""
    configured = os.environ.get("JOYREEL_WRK", "")
    if configured:
        if not (os.path.isfile(configured) and os.access(configured, os.X_OK)):
            raise CommandError(f"JOYREEL_WRK names {configured}, which is not an executable wrk binary.")
        return configured
    installer = subprocess.run(  # noqa: S603  (our own script)
        [str(ROOT / ".ci" / "system-packages"), "wrk=wrk"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    found = shutil.which("wrk")
    if installer.returncode != 0 or found is None:
        raise CommandError(
            "The read-only phase needs wrk (Debian's package wrk), which is missing and was not installed:\n"
            + (installer.stderr or installer.stdout)[-2000:]
        )
    return found


def benchmark_http(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py benchmark_http`` with the options its command parsed."""
    HttpBenchmark(stdout=stdout, stderr=stderr).handle(**options)
