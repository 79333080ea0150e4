"""Benchmark creator analytics: a year of signal events (ten million by default) bulk-loaded into a throwaway
database, the daily rollup of them against the ranking's rollup of the same events, and the studio dashboard
through its API against the same numbers counted straight from the raw signals; then every number the API
gave for the benchmark creator is checked against a recount of the raw log and the views that were generated.

Runs in a throwaway database of whichever engine is configured (created and dropped here).
"""

from __future__ import annotations

import bisect
import cProfile
import datetime
import json
import math
import pstats
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from creators.models import CreatorProfile, FollowChange, Topic, Video
from devtools import synthetic
from devtools.bench.feed_setup import bench_video, feeds_throwaway_database
from feeds import services
from feeds.analytics import rollup, rules, selectors
from feeds.models import ProfileVisit, Signal, Source
from platform.models import User

Kind = Signal.Kind
API = "/api/v1/studio/analytics"
# Views by hour of day (UTC): quiet at night, a lunch bump, the evening peak.
HOUR_WEIGHTS = (3, 2, 1, 1, 1, 2, 4, 6, 7, 7, 7, 8, 10, 9, 8, 8, 9, 11, 14, 17, 18, 16, 11, 6)
SOURCES = (
    (Source.FOR_YOU, 60), (Source.FOLLOWING, 14), (Source.TOPIC, 9), (Source.PROFILE, 6), (Source.LOCAL, 5),
    (Source.LINK, 4), (Source.SPONSORED, 2),
)  # fmt: skip
PLACES = (
    ("DE", ("DE-BY", "DE-BE", "DE-HH", "DE-NW", "DE-SN"), 28), ("US", ("US-CA", "US-NY", "US-TX"), 24),
    ("GB", ("GB-LND", "GB-MAN"), 12), ("FR", ("FR-IDF",), 8), ("IN", ("IN-MH", "IN-KA"), 10),
    ("BR", ("BR-SP",), 8), ("", ("",), 10),
)  # fmt: skip
SIGNED_IN_SHARE = 0.6
STAFF_VIEWERS = 3


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


@dataclass
class Truth:
    """What was generated for the benchmark creator's videos, per (video, day index), counting only the
    views the dashboard counts (not the creator's own, not staff's): views, completions, early skips,
    watch seconds; and the reach histogram of the videos whose page is requested."""

    cells: dict[tuple[int, int], list[float]] = field(default_factory=dict)
    reach: dict[tuple[int, int], list[int]] = field(default_factory=dict)

    def add(self, *, video_id: int, day: int, completed: bool, skipped: bool, watched: float) -> None:
        cell = self.cells.get((video_id, day))
        if cell is None:
            cell = self.cells[(video_id, day)] = [0, 0, 0, 0.0]
        cell[0] += 1
        cell[1] += completed
        cell[2] += skipped
        cell[3] += watched

    def sums(self, *, days: range, video_id: int | None = None) -> list[float]:
        total = [0, 0, 0, 0.0]
        for (video, day), cell in self.cells.items():
            if day in days and (video_id is None or video == video_id):
                for index in range(4):
                    total[index] += cell[index]
        return total

    def daily_views(self, *, days: range) -> list[int]:
        views = dict.fromkeys(days, 0)
        for (_, day), cell in self.cells.items():
            if day in views:
                views[day] += int(cell[0])
        return [views[day] for day in days]


@dataclass
class World:
    now: datetime.datetime
    days: list[datetime.date]
    creator: CreatorProfile
    creator_key: str
    excluded: list[str]  # the creator's own key and staff's: the dashboard does not count them
    page_videos: list[int]  # the creator's most popular videos: the per-video pages requested
    truth: Truth
    events: int = 0
    creator_events: int = 0
    views: int = 0


class Command(BaseCommand):
    help = (
        "Seed a year of signal events in a throwaway database, then time the analytics rollup and the studio "
        "dashboard API against baselines and check every number against a raw recount."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--events", type=int, default=10_000_000)
        parser.add_argument("--videos", type=int, default=50_000)
        parser.add_argument("--creator-videos", type=int, default=500)
        parser.add_argument("--creators", type=int, default=100)
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--viewers", type=int, default=200_000)
        parser.add_argument(
            "--creator-share",
            type=float,
            default=0.05,
            help="share of views that go to the benchmark creator's videos (a successful creator)",
        )
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--raw-repeats", type=int, default=3, help="raw-signal overviews timed per range")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--ranking-baseline",
            action="store_true",
            help="also time the ranking's rollup over the same events (slow: ~20 minutes at 10M)",
        )
        parser.add_argument("--profile", action="store_true", help="cProfile the rollup and the dashboard")
        parser.add_argument("--keep", action="store_true", help="keep the seeded database for investigation")

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

    # --- seeding ---------------------------------------------------------------------------------------

    def _seed(self, options: dict[str, Any], rng: random.Random) -> World:
        now = timezone.now()
        last_day = rollup.last_closed_day(now)
        days = [last_day - datetime.timedelta(days=offset) for offset in range(options["days"] - 1, -1, -1)]
        today = timezone.localdate()
        creator_count = options["creators"]
        users = User.objects.bulk_create(
            [
                User(
                    email=f"creator{i}@bench.invalid",
                    display_name=f"Creator {i}",
                    date_of_birth=today.replace(year=today.year - 30, day=min(today.day, 28)),
                    country="DE",
                    password="!",
                )
                for i in range(creator_count)
            ],
            batch_size=5000,
        )
        creators = CreatorProfile.objects.bulk_create(
            [
                CreatorProfile(user=user, handle=f"bench_{i}", display_name=f"Creator {i}")
                for i, user in enumerate(users)
            ],
            batch_size=5000,
        )
        ours, others = creators[0], creators[1:]
        videos: list[Video] = []
        for index in range(options["videos"]):
            owner = ours if index < options["creator_videos"] else others[index % len(others)]
            video = bench_video(index=index, owner=owner, now=now, rng=rng, mature=False)
            length = round(rng.uniform(8, 60), 1)
            video.duration = video.rendition_duration = video.trim_end = length
            video.published_at = now - datetime.timedelta(days=options["days"] + rng.uniform(0, 300))
            videos.append(video)
        videos = Video.objects.bulk_create(videos, batch_size=5000)
        self._note(f"{len(creators)} creators, {len(videos)} videos")

        staff = User.objects.bulk_create(
            [
                User(email=f"staff{i}@bench.invalid", display_name=f"Staff {i}", is_staff=True, password="!")
                for i in range(STAFF_VIEWERS)
            ]
        )
        signed_in = round(options["viewers"] * SIGNED_IN_SHARE)
        place_weights = [weight for _, _, weight in PLACES]
        viewer_rows = []
        for i in range(signed_in):
            country, regions, _ = rng.choices(PLACES, weights=place_weights)[0]
            years = min(70, 13 + int(rng.expovariate(1 / 14)))  # young-leaning, 13 to 70
            born = datetime.date(today.year - years - 1, rng.randint(1, 12), rng.randint(1, 28))
            viewer_rows.append(
                User(
                    email=f"viewer{i}@bench.invalid",
                    display_name=f"Viewer {i}",
                    date_of_birth=born + datetime.timedelta(days=rng.randint(0, 364)),
                    country=country,
                    region=rng.choice(regions),
                    password="!",
                )
            )
        viewer_users = User.objects.bulk_create(viewer_rows, batch_size=5000)
        keys = [f"u:{user.pk}" for user in viewer_users]
        keys += [f"a:bench-{i:07d}" for i in range(options["viewers"] - signed_in)]
        rng.shuffle(keys)  # heavy and light watchers among both kinds
        self._note(f"{len(keys)} viewers ({signed_in} signed in)")

        # Popularity: Zipf-like within the creator's videos and within everyone else's; the creator's
        # videos together get --creator-share of the views.
        weights: list[float] = []
        ours_weights: list[tuple[float, int]] = []
        for group, share in (
            (videos[: options["creator_videos"]], options["creator_share"]),
            (videos[options["creator_videos"] :], 1 - options["creator_share"]),
        ):
            ranks = list(range(1, len(group) + 1))
            rng.shuffle(ranks)
            raw = [1 / rank**0.9 for rank in ranks]
            scale = share / sum(raw)
            weights += [value * scale for value in raw]
            if group[0].owner_id == ours.pk:
                ours_weights = sorted(((value, video.pk) for value, video in zip(raw, group, strict=True)),
                                      reverse=True)  # fmt: skip
        world = World(
            now=now,
            days=days,
            creator=ours,
            creator_key=f"u:{ours.user_id}",
            excluded=[f"u:{ours.user_id}", *(f"u:{user.pk}" for user in staff)],
            page_videos=[pk for _, pk in ours_weights[:4]],
            truth=Truth(),
        )
        began = time.perf_counter()
        self._views_load(options, rng, world, videos=videos, weights=weights, keys=keys)
        self._note(f"loaded {world.events} events in {time.perf_counter() - began:.0f}s")
        with connection.cursor() as cursor:
            # Planner statistics up to date, as autovacuum would have them in a running system.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        return world

    def _views_load(
        self,
        options: dict[str, Any],
        rng: random.Random,
        world: World,
        *,
        videos: list[Video],
        weights: list[float],
        keys: list[str],
    ) -> None:
        """Generate the views day by day, oldest first, each day's in the order they began (each view's
        events together, as the player sends them on leaving), until there are --events events."""
        ours = world.creator.pk
        topics = list(Topic.objects.values_list("pk", flat=True))
        cumulative: list[float] = []
        running = 0.0
        for weight in weights:
            running += weight
            cumulative.append(running)
        durations = [float(video.duration or 0.0) for video in videos]
        owners = [video.owner_id for video in videos]
        ids = [video.pk for video in videos]
        page_videos = set(world.page_videos)
        count = len(world.days)
        # A growing creator: later days busier, weekends busier.
        day_weights = [
            (0.6 + 0.8 * index / max(1, count - 1)) * (1.15 if day.weekday() >= 5 else 1.0)
            for index, day in enumerate(world.days)
        ]
        quotas = [options["events"] * weight / sum(day_weights) for weight in day_weights]
        sources = [source for source, _ in SOURCES]
        source_weights = [weight for _, weight in SOURCES]
        hours = list(range(24))
        visits: list[ProfileVisit] = []
        follows: list[FollowChange] = []
        end_of_data = day_start(world.days[-1] + datetime.timedelta(days=1))
        reported = 0
        for day_index, day in enumerate(world.days):
            start = day_start(day)
            target = options["events"] if day_index == count - 1 else round(sum(quotas[: day_index + 1]))
            day_views: list[tuple[datetime.datetime, list[synthetic.Row]]] = []
            while world.events < target:
                position = min(len(ids) - 1, bisect.bisect_left(cumulative, rng.random() * running))
                video_id, length, owner = ids[position], durations[position], owners[position]
                viewer = keys[min(len(keys) - 1, int(len(keys) * rng.random() ** 1.7))]
                if owner == ours and rng.random() < 0.002:
                    viewer = world.creator_key  # creators watch their own videos; never counted
                elif rng.random() < 0.001:
                    viewer = world.excluded[1 + rng.randrange(STAFF_VIEWERS)]  # nor are staff
                started = start + datetime.timedelta(
                    hours=rng.choices(hours, weights=HOUR_WEIGHTS)[0], seconds=rng.uniform(0, 3599)
                )
                source = rng.choices(sources, weights=source_weights)[0]
                view = synthetic.WatchedView(
                    viewer_key=viewer,
                    video_id=video_id,
                    duration=length,
                    started_at=started,
                    watched=0.0,
                    source=source,
                    topic_id=rng.choice(topics) if source == Source.TOPIC and topics else None,
                )
                depth = rng.random()
                if depth < 0.015:
                    view.watched, view.is_not_interested = round(rng.uniform(0, 1.5), 2), True
                elif depth < 0.265:
                    view.watched = round(rng.uniform(0, 1.99), 2)  # left within 2 seconds: a skip
                elif depth < 0.68:
                    view.watched = round(rng.uniform(2, length - 0.1), 2)
                    view.is_liked, view.is_shared = rng.random() < 0.03, rng.random() < 0.006
                    view.is_followed = rng.random() < 0.002
                else:
                    view.watched = length
                    view.loops = rng.choices((0, 1, 2, 3), weights=(70, 18, 8, 4))[0]
                    view.is_liked, view.is_shared = rng.random() < 0.12, rng.random() < 0.03
                    view.is_followed = rng.random() < 0.01
                rows = synthetic.view_events(view, rng=rng)
                if view.is_liked and rng.random() < 0.05:  # thought better of it
                    rows.append((viewer, uuid.UUID(int=rng.getrandbits(128), version=4), video_id,
                                 Kind.UNLIKE, source, 0, 0.0, 0, view.topic_id,
                                 rows[-1][9] + datetime.timedelta(seconds=3)))  # fmt: skip
                day_views.append((started, rows))
                world.events += len(rows)
                world.views += 1
                if rng.random() < 0.03:
                    visits.append(ProfileVisit(creator_id=owner, viewer_key=viewer, created_at=rows[-1][9]))
                if view.is_followed:
                    followed_at = rows[-1][9]
                    follows.append(FollowChange(creator_id=owner, delta=1, created_at=followed_at))
                    if rng.random() < 0.08:
                        gone = followed_at + datetime.timedelta(days=rng.uniform(1, 60))
                        if gone < end_of_data:
                            follows.append(FollowChange(creator_id=owner, delta=-1, created_at=gone))
                if owner != ours:
                    continue
                world.creator_events += len(rows)
                if viewer in world.excluded:
                    continue
                completed = view.watched >= length and not view.is_not_interested
                skipped = view.watched < synthetic.SKIP_BELOW and not view.is_not_interested
                if view.is_not_interested:
                    watched, furthest = 0.0, 0.0
                elif completed:
                    watched, furthest = 0.0, length
                    for _ in range(view.loops + 1):
                        watched += length  # loop by loop, as the rollup adds them up
                else:
                    watched = furthest = view.watched
                world.truth.add(
                    video_id=video_id, day=day_index, completed=completed, skipped=skipped, watched=watched
                )
                if video_id in page_videos:
                    histogram = world.truth.reach.setdefault(
                        (video_id, day_index), [0] * (rules.REACH_STEPS + 1)
                    )
                    histogram[rules.reach_step(furthest=furthest, duration=length)] += 1
            day_views.sort(key=lambda item: item[0])
            with transaction.atomic():
                synthetic.signals_load(row for _, rows in day_views for row in rows)
            if world.events - reported >= 1_000_000 or day_index == count - 1:
                reported = world.events
                self._note(f"{world.events} events, through {day} ({day_index + 1}/{count} days)")
        ProfileVisit.objects.bulk_create(visits, batch_size=5000)
        FollowChange.objects.bulk_create(follows, batch_size=5000)
        net = sum(change.delta for change in follows if change.creator_id == ours)
        CreatorProfile.objects.filter(pk=ours).update(follower_count=net)
        world.creator.refresh_from_db()

    # --- the run ---------------------------------------------------------------------------------------

    def _run(self, options: dict[str, Any]) -> dict[str, Any]:
        rng = random.Random(options["seed"])
        began = time.perf_counter()
        world = self._seed(options, rng)
        seed_seconds = time.perf_counter() - began
        profiler = cProfile.Profile() if options["profile"] else None

        self._note("analytics rollup")
        if profiler:
            profiler.enable()
        began = time.perf_counter()
        rolled = rollup.analytics_rollup(now=world.now, max_days=10_000)
        rollup_seconds = time.perf_counter() - began
        if profiler:
            profiler.disable()
            self._profile_print(profiler, "analytics rollup")
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

        dashboard = self._dashboard(options, world, profiler)
        self._note("raw-signal overview baseline")
        raw = self._raw_overviews(options, world)
        self._note("recount")
        mismatches = self._recount(world, dashboard.pop("answers"))
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

    def _profile_print(self, profiler: cProfile.Profile, title: str) -> None:
        self.stderr.write(f"--- cProfile: {title} ---")
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(35)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(20)

    def _dashboard(
        self, options: dict[str, Any], world: World, profiler: cProfile.Profile | None
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
            self._profile_print(profiler, "dashboard requests")
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

    # --- baselines and recounts from the raw signal log ------------------------------------------------

    def _raw(
        self, world: World, *, start: datetime.date, end: datetime.date, video_id: int | None = None
    ) -> Any:
        """The creator's (or one video's) signals from ``start`` to ``end`` (whole days, UTC), less the
        creator's own and staff's."""
        signals = Signal.objects.filter(
            created_at__gte=day_start(start), created_at__lt=day_start(end) + datetime.timedelta(days=1)
        )
        signals = (
            signals.filter(video_id=video_id) if video_id else signals.filter(video__owner=world.creator)
        )
        return signals.exclude(viewer_key__in=world.excluded)  # fmt: skip

    def _raw_overview(self, world: World, *, period: rules.DayRange) -> dict[str, Any]:
        """The overview's main numbers and daily views straight from the raw signals (the baseline)."""
        previous = period.previous
        impression, now_part = Q(kind=Kind.IMPRESSION), Q(created_at__gte=day_start(period.start))
        signals = self._raw(world, start=previous.start, end=period.end)
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
            self._raw(world, start=period.start, end=period.end)
            .filter(impression)
            .annotate(day=TruncDate("created_at", tzinfo=datetime.UTC))
            .values("day")
            .annotate(views=Count("pk"))
            .values_list("day", "views")
        )
        return {**totals, "daily": [daily.get(day, 0) for day in period.each_day()]}

    def _raw_overviews(self, options: dict[str, Any], world: World) -> dict[str, list[float]]:
        last_day = world.days[-1]
        timings: dict[str, list[float]] = {"28": [], "365": [], "all": []}
        for _ in range(options["raw_repeats"]):
            for days in ("28", "365"):
                period = rules.DayRange(last_day - datetime.timedelta(days=int(days) - 1), last_day)
                began = time.perf_counter()
                self._raw_overview(world, period=period)
                elapsed = (time.perf_counter() - began) * 1000
                timings[days].append(elapsed)
                timings["all"].append(elapsed)
        return timings

    def _recount(self, world: World, answers: dict[str, Any]) -> list[str]:
        """Every number the API gave, against the raw log (counts of events, distinct viewers, follow
        changes, profile visits) or, for what needs views put together (watch time, completions, skips,
        retention), against the views generated. Returns what differs."""
        mismatches: list[str] = []

        def check(name: str, got: Any, expected: Any) -> None:
            if isinstance(expected, float) or isinstance(got, float):
                same = math.isclose(float(got or 0), float(expected or 0), rel_tol=1e-9, abs_tol=1e-6)
            elif isinstance(expected, list):
                same = len(got) == len(expected) and all(
                    math.isclose(float(a or 0), float(b or 0), rel_tol=1e-9, abs_tol=1e-6) if a is not None and b is not None else a == b
                    for a, b in zip(got, expected, strict=False)
                )  # fmt: skip
            else:
                same = got == expected
            if not same:
                mismatches.append(f"{name}: api {got!r} != recount {expected!r}")

        last_day = world.days[-1]
        follow_log = list(
            FollowChange.objects.filter(creator=world.creator).values_list("created_at", "delta")
        )
        visits = list(
            ProfileVisit.objects.filter(creator=world.creator)
            .exclude(viewer_key__in=world.excluded)
            .values_list("created_at", flat=True)
        )
        for days in (28, 365):
            period = rules.DayRange(last_day - datetime.timedelta(days=days - 1), last_day)
            count = len(world.days)
            span = range(max(0, count - days), count)
            before = range(max(0, count - 2 * days), max(0, count - days))
            answer = answers[f"{API}/overview?range={days}"]
            metrics = answer["metrics"]
            raw = self._raw_overview(world, period=period)
            truth_now, truth_before = world.truth.sums(days=span), world.truth.sums(days=before)
            name = f"overview{days}"
            check(f"{name}.views", metrics["views"]["value"], raw["views"])
            check(f"{name}.views(generated)", metrics["views"]["value"], truth_now[0])
            check(f"{name}.views.previous", metrics["views"]["previous"], raw["previous_views"])
            check(f"{name}.viewers", metrics["viewers"]["value"], raw["viewers"])
            check(f"{name}.viewers.previous", metrics["viewers"]["previous"], raw["previous_viewers"])
            check(f"{name}.likes", metrics["likes"]["value"], raw["likes"] - raw["unlikes"])
            check(f"{name}.shares", metrics["shares"]["value"], raw["shares"])
            check(f"{name}.watch_seconds", metrics["watch_seconds"]["value"], truth_now[3])
            check(f"{name}.watch_seconds.previous", metrics["watch_seconds"]["previous"], truth_before[3])
            views = truth_now[0] or 1
            check(
                f"{name}.average_watch_seconds",
                metrics["average_watch_seconds"]["value"],
                truth_now[3] / views,
            )
            check(f"{name}.completion_rate", metrics["completion_rate"]["value"], truth_now[1] / views)
            start_at, end_at = day_start(period.start), day_start(period.end) + datetime.timedelta(days=1)
            gained = sum(1 for at, delta in follow_log if start_at <= at < end_at and delta == 1)
            net = sum(delta for at, delta in follow_log if start_at <= at < end_at)
            check(f"{name}.follows_gained", metrics["follows_gained"]["value"], gained)
            check(f"{name}.net_followers", metrics["net_followers"]["value"], net)
            check(
                f"{name}.profile_views",
                metrics["profile_views"]["value"],
                sum(1 for at in visits if start_at <= at < end_at),
            )
            check(f"{name}.daily.views", answer["daily"]["views"], raw["daily"])
            generated_daily = [0] * (period.days - len(span)) + world.truth.daily_views(days=span)
            check(f"{name}.daily.views(generated)", answer["daily"]["views"], generated_daily)
            followers = [
                max(
                    0,
                    sum(
                        delta for at, delta in follow_log if at < day_start(day) + datetime.timedelta(days=1)
                    ),
                )
                for day in period.each_day()
            ]
            check(f"{name}.daily.followers", answer["daily"]["followers"], followers)
            check(f"{name}.followers", answer["followers"], world.creator.follower_count)
            by_public_id = dict(Video.objects.filter(owner=world.creator).values_list("public_id", "pk"))
            tops = [(row["views"], row["watch_seconds"]) for row in answer["top_videos"]]
            expected_tops = []
            for row in answer["top_videos"]:
                cell = world.truth.sums(days=span, video_id=by_public_id[uuid.UUID(row["video"])])
                expected_tops.append((cell[0], cell[3]))
            check(
                f"{name}.top_videos",
                [v for pair in tops for v in pair],
                [v for pair in expected_tops for v in pair],
            )
            check(f"{name}.top_videos.order", [views for views, _ in tops], sorted((views for views, _ in tops), reverse=True))  # fmt: skip
            self._audience_recount(world, answers[f"{API}/audience?range={days}"], period, check)

        period = rules.DayRange(last_day - datetime.timedelta(days=27), last_day)
        span = range(max(0, len(world.days) - 28), len(world.days))
        public_ids = dict(Video.objects.filter(pk__in=world.page_videos).values_list("pk", "public_id"))
        for video_id in world.page_videos:
            answer = answers[f"{API}/videos/{public_ids[video_id]}?range=28"]
            name, totals = f"video{video_id}", answer["totals"]
            counts = self._raw(world, start=period.start, end=period.end, video_id=video_id).aggregate(
                **{
                    kind: Count("pk", filter=Q(kind=kind))
                    for kind in (
                        Kind.IMPRESSION,
                        Kind.LIKE,
                        Kind.UNLIKE,
                        Kind.SHARE,
                        Kind.FOLLOW,
                        Kind.NOT_INTERESTED,
                    )
                }
            )
            generated = world.truth.sums(days=span, video_id=video_id)
            check(f"{name}.views", totals["views"], counts[Kind.IMPRESSION])
            check(f"{name}.views(generated)", totals["views"], generated[0])
            check(f"{name}.likes", totals["likes"], counts[Kind.LIKE] - counts[Kind.UNLIKE])
            check(f"{name}.shares", totals["shares"], counts[Kind.SHARE])
            check(f"{name}.follows", totals["follows"], counts[Kind.FOLLOW])
            check(f"{name}.not_interested", totals["not_interested"], counts[Kind.NOT_INTERESTED])
            check(f"{name}.completions", totals["completions"], generated[1])
            check(f"{name}.early_skips", totals["early_skips"], generated[2])
            check(f"{name}.watch_seconds", totals["watch_seconds"], generated[3])
            histogram = [0] * (rules.REACH_STEPS + 1)
            for day in span:
                for step, count in enumerate(world.truth.reach.get((video_id, day), ())):
                    histogram[step] += count
            total, remaining, curve = sum(histogram), sum(histogram), []
            for count in histogram if total else []:
                curve.append(remaining / total)
                remaining -= count
            check(f"{name}.retention", answer["retention"], curve)
            sources: dict[str, int] = defaultdict(int)
            for source, topic_id, views in (
                self._raw(world, start=period.start, end=period.end, video_id=video_id)
                .filter(kind=Kind.IMPRESSION)
                .values("source", "topic_id")
                .annotate(views=Count("pk"))
                .values_list("source", "topic_id", "views")
            ):
                sources[f"topic:{topic_id}" if source == Source.TOPIC and topic_id else source] += views
            check(f"{name}.sources", {row["key"]: row["views"] for row in answer["sources"]}, dict(sources))
        return mismatches

    def _audience_recount(
        self,
        world: World,
        answer: dict[str, Any],
        period: rules.DayRange,
        check: Callable[[str, Any, Any], None],
    ) -> None:
        name = f"audience{period.days}"
        impressions = self._raw(world, start=period.start, end=period.end).filter(kind=Kind.IMPRESSION)
        watched_days = set(
            impressions.annotate(day=TruncDate("created_at", tzinfo=datetime.UTC))
            .values_list("viewer_key", "day")
            .distinct()
        )
        keys = {key for key, _ in watched_days}
        firsts = (
            Signal.objects.filter(video__owner=world.creator, kind=Kind.IMPRESSION)
            .exclude(viewer_key__in=world.excluded)
            .values("viewer_key")
            .annotate(first=Min("created_at"))
            .filter(first__gte=day_start(period.start))
            .values_list("viewer_key", flat=True)
        )
        new = len(keys & set(firsts))
        ids = [int(key[2:]) for key in keys if key.startswith("u:")]
        people: dict[str, tuple[datetime.date | None, str, str]] = {}
        for begin in range(0, len(ids), 2000):
            for pk, born, country, region in User.objects.filter(
                pk__in=ids[begin : begin + 2000]
            ).values_list("pk", "date_of_birth", "country", "region"):
                people[f"u:{pk}"] = (born, str(country or ""), region or "")
        # Each viewer counts once, in the band of their age on their first day watched in the range.
        first_watched: dict[str, datetime.date] = {}
        for key, day in watched_days:
            if key not in first_watched or day < first_watched[key]:
                first_watched[key] = day
        in_band: dict[str, set[str]] = defaultdict(set)
        for key, day in first_watched.items():
            born = people.get(key, (None, "", ""))[0]
            band = "unknown"
            if born is not None:
                years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
                for below, label in ((13, "unknown"), (18, "13-17"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (10_000, "55+")):  # fmt: skip
                    if years < below:
                        band = label
                        break
            in_band[band].add(key)
        bands = {band: len(members) for band, members in in_band.items()}
        countries: dict[str, int] = defaultdict(int)
        regions: dict[str, int] = defaultdict(int)
        for key in keys:
            _, country, region = people.get(key, (None, "", ""))
            countries[country] += 1
            if region:
                regions[region] += 1

        def shown(counts: dict[str, int]) -> dict[str, int | None]:
            return rules.shown_breakdown(counts)[0]  # the published rule: small cells, and their giveaway

        check(f"{name}.viewers", answer["viewers"], len(keys))
        split = shown({"new": new, "returning": len(keys) - new})
        check(f"{name}.new_viewers", answer["new_viewers"], split["new"])
        check(f"{name}.returning_viewers", answer["returning_viewers"], split["returning"])
        check(f"{name}.age_bands", {cell["key"]: cell["viewers"] for cell in answer["age_bands"]},
              shown({band: bands.get(band, 0) for band in rules.AUDIENCE_BANDS}))  # fmt: skip
        check(f"{name}.countries", {cell["key"]: cell["viewers"] for cell in answer["countries"]},
              shown(dict(countries)))  # fmt: skip
        check(f"{name}.regions", {cell["key"]: cell["viewers"] for cell in answer["regions"]},
              shown(dict(regions)))  # fmt: skip
