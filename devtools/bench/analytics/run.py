"""Benchmark creator analytics: a year of signal events (ten million by default) bulk-loaded into a throwaway
database, the daily rollup of them against the ranking's rollup of the same events, and the studio dashboard
through its API against the same numbers counted straight from the raw signals; then every number the API
gave for the benchmark creator is checked against a recount of the raw log and the views that were generated.

The world and its generated views are in ``world``, the timed dashboard and the raw-signal baselines in
``dashboard``, the check of every number in ``recount``; this module runs them.

Runs in a throwaway database of whichever engine is configured (created and dropped here).
"""

from __future__ import annotations

import cProfile
import json
import os
import random
import statistics
import time
from typing import Any

from django.core.management.base import CommandError, OutputWrapper
from django.db import connection
from django.test import override_settings

from devtools.bench.analytics.dashboard import dashboard_time, profile_print, raw_overviews
from devtools.bench.analytics.recount import recount
from devtools.bench.analytics.world import world_seed
from devtools.bench.feed_setup import feeds_throwaway_database
from feeds import services
from feeds.analytics import rollup, selectors
from feeds.models import Signal


class AnalyticsBenchmark:
    """What ``manage.py benchmark_analytics`` does: its report on ``stdout``, progress notes on ``stderr``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr

    def handle(self, *args: Any, **options: Any) -> None:
        if options["creator_videos"] >= options["videos"] or options["creators"] < 2:
            raise CommandError("The benchmark creator needs fewer videos than the site, and other creators.")
        # DEBUG off as in production (Django logs every query's SQL when it is on); the in-process API
        # client's host allowed.
        with (
            feeds_throwaway_database("bench_analytics", keep=options["keep"]) as database,
            override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False),
        ):
            selectors.site_watch_through_forget()
            try:
                result = self._run(options)
            finally:
                selectors.site_watch_through_forget()  # it was this database's
        if options["keep"]:
            self.stderr.write(f"kept database {database}")
        self.stdout.write(json.dumps(result))

    def _note(self, message: str) -> None:
        self.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}")

    def _run(self, options: dict[str, Any]) -> dict[str, Any]:
        rng = random.Random(options["seed"])
        began = time.perf_counter()
        world = world_seed(options, rng, note=self._note)
        seed_seconds = time.perf_counter() - began
        profiler = cProfile.Profile() if options["profile"] else None

        self._note("analytics rollup")
        load = os.getloadavg()[0]  # the box is shared: how busy it was when the rollup began
        if profiler:
            profiler.enable()
        began_server = _server_cpu_seconds()
        began, began_cpu = time.perf_counter(), time.process_time()
        rolled = rollup.analytics_rollup(now=world.now, max_days=10_000)
        rollup_seconds = time.perf_counter() - began
        # This process's CPU: all of SQLite's work, only the client's share of PostgreSQL's.
        rollup_cpu_seconds = time.process_time() - began_cpu
        ended_server = _server_cpu_seconds()
        server_cpu_seconds = (
            ended_server - began_server if ended_server is not None and began_server is not None else None
        )
        if profiler:
            profiler.disable()
            profile_print(profiler, "analytics rollup")
            profiler = cProfile.Profile()
        self._note(f"rolled up {rolled} days in {rollup_seconds:.1f}s; baseline: one GROUP BY over the log")
        # The floor: the database reading every event once and counting by video and kind, nothing else.
        table = connection.ops.quote_name(Signal._meta.db_table)
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT video_id, kind, COUNT(*) FROM {table} GROUP BY video_id, kind")  # noqa: S608
            cursor.fetchall()
        baseline_seconds = time.perf_counter() - began
        ranking_seconds = None
        if options["ranking_baseline"]:
            self._note("the ranking's rollup (VideoStats, co-watch) over the same events")
            began = time.perf_counter()
            while services.signals_rollup(now=world.now):
                pass
            ranking_seconds = time.perf_counter() - began
        # A live database has planner statistics (autovacuum, or SQLite's optimize); a throwaway one bulk-
        # loaded a moment ago has none, and would be timed with plans no real site runs.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        self._note(f"baseline {baseline_seconds:.1f}s; statistics gathered; dashboard")

        dashboard = dashboard_time(options, world, profiler)
        self._note("raw-signal overview baseline")
        raw = raw_overviews(options, world)
        self._note("recount")
        mismatches = recount(world, dashboard.pop("answers"))
        for mismatch in mismatches:
            self.stderr.write(f"MISMATCH {mismatch}")
        overview_p50 = dashboard["overview_p50_ms"]
        raw_p50 = statistics.median(raw["all"])
        rollup_rate = world.events / rollup_seconds
        baseline_rate = world.events / baseline_seconds
        return {
            "benchmark": "analytics",
            "database": connection.vendor,
            "events": world.events,
            "creator_events": world.creator_events,
            "creator_share": options["creator_share"],
            "views": world.views,
            "videos": options["videos"],
            "creator_videos": options["creator_videos"],
            "viewers": options["viewers"],
            "days": options["days"],
            "seed_seconds": round(seed_seconds, 1),
            "rollup_days": rolled,
            "rollup_seconds": round(rollup_seconds, 2),
            "rollup_events_per_s": round(rollup_rate),
            "rollup_process_cpu_seconds": round(rollup_cpu_seconds, 2),
            # On a shared box the wall clock waits for cores; CPU seconds (this process and, on PostgreSQL,
            # its server process when it runs on this machine) say what the rollup itself cost.
            "rollup_database_cpu_seconds": round(server_cpu_seconds, 2)
            if server_cpu_seconds is not None
            else None,
            "rollup_events_per_cpu_s": round(
                world.events / (rollup_cpu_seconds + (server_cpu_seconds or 0.0))
            ),
            "load_average_at_rollup": round(load, 2),
            "baseline_group_by_seconds": round(baseline_seconds, 2),
            "baseline_group_by_events_per_s": round(baseline_rate),
            "rollup_vs_group_by_ratio": round(rollup_rate / baseline_rate, 3),
            "ranking_rollup_events_per_s": round(world.events / ranking_seconds) if ranking_seconds else None,
            **{key: value for key, value in dashboard.items() if key != "overview_p50_ms"},
            "raw_overview_p50_ms": round(raw_p50, 1),
            "raw_overview_28_p50_ms": round(statistics.median(raw["28"]), 1),
            "raw_overview_365_p50_ms": round(statistics.median(raw["365"]), 1),
            "dashboard_overview_p50_ms": round(overview_p50, 2),
            "dashboard_speedup_vs_raw": round(raw_p50 / overview_p50, 1),
            "recount_mismatches": len(mismatches),
        }


def _server_cpu_seconds() -> float | None:
    """CPU seconds so far of this connection's PostgreSQL server process, when it runs on this machine and
    its /proc entry is readable (None otherwise, and on SQLite, whose work is this process's own)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            name, rest = stat.read().rsplit(")", 1)
    except OSError:
        return None
    if not name.endswith("(postgres"):
        return None  # a server elsewhere: the number names some other process of this machine
    fields = rest.split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime, in clock ticks


def benchmark_analytics(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py benchmark_analytics`` with the options its command parsed."""
    AnalyticsBenchmark(stdout=stdout, stderr=stderr).handle(**options)
