"""The studio dashboard timed through its API, and the baseline it beats: the same numbers straight from the
raw signal log."""

from __future__ import annotations

import cProfile
import datetime
import pstats
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from creators.models import Video
from devtools.bench.analytics.world import API, World, day_start, percentile
from feeds.analytics import rules
from feeds.models import Signal

Kind = Signal.Kind


def profile_print(profiler: cProfile.Profile, title: str) -> None:
    sys.stderr.write(f"--- cProfile: {title} ---\n")
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(35)
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(20)


def dashboard_time(
    options: dict[str, Any], world: World, profiler: cProfile.Profile | None
) -> dict[str, Any]:
    """--requests dashboard requests in a rotating mix of routes, each timed; then each distinct URL once
    more with its queries counted (capturing slows every query, so not in the timed pass)."""
    public_ids = dict(Video.objects.filter(pk__in=world.page_videos).values_list("pk", "public_id"))
    routes: list[tuple[str, Callable[[int], str]]] = [
        ("overview_28", lambda _: f"{API}/overview?range=28"),
        ("overview_365", lambda _: f"{API}/overview?range=365"),
        ("video_28", lambda i: f"{API}/videos/{public_ids[world.page_videos[i % len(world.page_videos)]]}?range=28"),
        ("audience_28", lambda _: f"{API}/audience?range=28"),
        ("audience_365", lambda _: f"{API}/audience?range=365"),
    ]  # fmt: skip
    client = APIClient()
    client.force_login(world.creator.user)
    answers: dict[str, Any] = {}

    def fetch(url: str) -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
        return response

    for name, url_of in routes:  # warm up: code paths, the site watch-through cache
        for i in range(len(world.page_videos) if name == "video_28" else 1):
            answers[url_of(i)] = fetch(url_of(i)).json()
    latencies: dict[str, list[float]] = defaultdict(list)
    if profiler:
        profiler.enable()
    for i in range(options["requests"]):
        name, url_of = routes[i % len(routes)]
        url = url_of(i // len(routes))
        began = time.perf_counter()
        fetch(url)
        latencies[name].append((time.perf_counter() - began) * 1000)
    if profiler:
        profiler.disable()
        profile_print(profiler, "dashboard requests")
    queries: dict[str, int] = {}
    for url in answers:
        with CaptureQueriesContext(connection) as captured:
            fetch(url)
        queries[url] = len(captured)
    everything = [value for values in latencies.values() for value in values]
    result: dict[str, Any] = {
        "requests": len(everything),
        "dashboard_p50_ms": round(statistics.median(everything), 2),
        "dashboard_p99_ms": round(percentile(everything, 0.99), 2),
        "dashboard_max_ms": round(max(everything), 2),
    }
    for name, values in latencies.items():
        result[f"{name}_p50_ms"] = round(statistics.median(values), 2)
        result[f"{name}_p99_ms"] = round(percentile(values, 0.99), 2)
    result["queries_per_dashboard_max"] = max(queries.values())
    result["queries_per_route"] = {
        name: max(count for url, count in queries.items() if url in {url_of(i) for i in range(4)})
        for name, url_of in routes
    }
    result["overview_p50_ms"] = statistics.median(latencies["overview_28"] + latencies["overview_365"])
    result["answers"] = answers
    return result


def raw_signals(
    world: World, *, start: datetime.date, end: datetime.date, video_id: int | None = None
) -> Any:
    """The creator's (or one video's) signals from ``start`` to ``end`` (whole days, UTC), less the
    creator's own and staff's."""
    signals = Signal.objects.filter(
        created_at__gte=day_start(start), created_at__lt=day_start(end) + datetime.timedelta(days=1)
    )
    signals = signals.filter(video_id=video_id) if video_id else signals.filter(video__owner=world.creator)
    return signals.exclude(viewer_key__in=world.excluded)  # fmt: skip


def raw_overview(world: World, *, period: rules.DayRange) -> dict[str, Any]:
    """The overview's main numbers and daily views straight from the raw signals (the baseline)."""
    previous = period.previous
    impression, now_part = Q(kind=Kind.IMPRESSION), Q(created_at__gte=day_start(period.start))
    signals = raw_signals(world, start=previous.start, end=period.end)
    totals = signals.aggregate(
        views=Count("pk", filter=impression & now_part),
        previous_views=Count("pk", filter=impression & ~now_part),
        viewers=Count("viewer_key", distinct=True, filter=impression & now_part),
        previous_viewers=Count("viewer_key", distinct=True, filter=impression & ~now_part),
        likes=Count("pk", filter=Q(kind=Kind.LIKE) & now_part),
        unlikes=Count("pk", filter=Q(kind=Kind.UNLIKE) & now_part),
        shares=Count("pk", filter=Q(kind=Kind.SHARE) & now_part),
    )
    daily = dict(
        raw_signals(world, start=period.start, end=period.end)
        .filter(impression)
        .annotate(day=TruncDate("created_at", tzinfo=datetime.UTC))
        .values("day")
        .annotate(views=Count("pk"))
        .values_list("day", "views")
    )
    return {**totals, "daily": [daily.get(day, 0) for day in period.each_day()]}


def raw_overviews(options: dict[str, Any], world: World) -> dict[str, list[float]]:
    last_day = world.days[-1]
    timings: dict[str, list[float]] = {"28": [], "365": [], "all": []}
    for _ in range(options["raw_repeats"]):
        for days in ("28", "365"):
            period = rules.DayRange(last_day - datetime.timedelta(days=int(days) - 1), last_day)
            began = time.perf_counter()
            raw_overview(world, period=period)
            elapsed = (time.perf_counter() - began) * 1000
            timings[days].append(elapsed)
            timings["all"].append(elapsed)
    return timings
