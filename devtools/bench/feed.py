"""Benchmark the For You feed and signal ingestion at 100k videos, 10k viewers and 1M signals.

Runs in a throwaway database of whichever engine is configured (created and
dropped here), so the development database is never touched.
"""

import cProfile
import gc
import json
import pstats
import random
import statistics
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from creators.models import CreatorProfile, Hashtag, Topic, Video, VideoTopic
from devtools.bench.feed_setup import bench_video, feeds_throwaway_database, shared_pools, unthrottled
from devtools.bench.throwaway import throwaway_redis
from feeds import services
from feeds.catalog import build_catalog, catalog_get, catalog_reset
from feeds.models import InterestProfile, Signal
from platform.models import User

# The timed ingestion batches are followed by this many more, whose queries are counted.
INGEST_COUNTED_BATCHES = 20
KINDS = ["impression"] * 50 + ["complete"] * 20 + ["skip"] * 20 + ["like"] * 7 + ["share"] * 3


def traced_bytes(build: Callable[[], object]) -> int:
    """The memory of what ``build`` returns, by tracemalloc (slow: outside any timed part)."""
    tracemalloc.start()
    try:
        built = build()
        held = tracemalloc.get_traced_memory()[0]
        del built
        return held
    finally:
        tracemalloc.stop()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latency_ms(values: list[float]) -> dict[str, float]:
    """Timings in milliseconds as the benchmarks print them: median, 99th percentile, worst, and how many."""
    return {
        "p50_ms": round(statistics.median(values), 3),
        "p99_ms": round(percentile(values, 0.99), 3),
        "max_ms": round(max(values), 3),
        "runs": len(values),
    }


def learned_weights(
    rng: random.Random, *, topics: list[int], hashtags: list[int], creators: list[int]
) -> dict[str, Any]:
    """A profile as ``feeds.ranking.learn`` leaves it after a few hundred views: outcomes and views per
    topic, hashtag and creator, and the short-term interest of the last few views."""

    def part(keys: list[int]) -> tuple[dict[str, float], dict[str, float]]:
        views = {str(key): round(rng.uniform(3, 40), 2) for key in keys}
        return {key: round(count * rng.uniform(-0.3, 0.9), 2) for key, count in views.items()}, views

    (t, tv), (h, hv), (c, cv) = part(topics), part(hashtags), part(creators)
    (rh, rhv), (rc, rcv) = part(hashtags[:3]), part(creators[:2])
    return {
        "t": t,
        "tv": tv,
        "h": h,
        "hv": hv,
        "c": c,
        "cv": cv,
        "r": {"h": rh, "hv": rhv, "c": rc, "cv": rcv},
    }


class FeedBenchmark:
    """What ``manage.py benchmark_feed`` does: its report on ``stdout``, progress notes on ``stderr``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr

    def handle(self, *args: Any, **options: Any) -> None:
        # DEBUG off as in production (Django logs every query's SQL when it is on); the
        # in-process API client's host allowed.
        with (
            feeds_throwaway_database("benchmark-feed", keep=options["keep"]) as database,
            override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False),
            unthrottled("signals"),  # signal batches far faster than any player sends them
        ):
            result = self._run(options)
        if options["keep"]:
            self.stderr.write(f"kept database {database}")
        self.stdout.write(json.dumps(result))

    def seed(self, options: dict[str, Any], rng: random.Random) -> dict[str, float]:
        timings: dict[str, float] = {}
        began = time.perf_counter()
        now = timezone.now()
        topics = list(Topic.objects.all())
        creator_count = max(10, options["videos"] // 50)
        users = User.objects.bulk_create(
            [
                User(
                    email=f"creator{i}@bench.invalid",
                    display_name=f"Creator {i}",
                    date_of_birth=now.date().replace(year=1990),
                    region=f"DE-{['BY', 'BE', 'HH', 'NW', 'SN'][i % 5]}",
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
        creator_topics = {creator.pk: rng.sample(topics, 2) for creator in creators}
        videos = Video.objects.bulk_create(
            [
                bench_video(index=i, owner=creators[i % creator_count], now=now, rng=rng, mature=i % 50 == 0)
                for i in range(options["videos"])
            ],
            batch_size=5000,
        )
        VideoTopic.objects.bulk_create(
            [
                VideoTopic(
                    video=video, topic=rng.choice(creator_topics[video.owner_id]), review_state="approved"
                )
                for video in videos
            ],
            batch_size=10000,
        )
        tags = Hashtag.objects.bulk_create([Hashtag(name=f"tag{i}") for i in range(500)], batch_size=5000)
        through = Video.hashtags.through
        through.objects.bulk_create(
            [through(video_id=video.pk, hashtag_id=rng.choice(tags).pk) for video in videos], batch_size=10000
        )
        timings["seed_videos_s"] = time.perf_counter() - began

        began = time.perf_counter()
        viewers = User.objects.bulk_create(
            [
                User(
                    email=f"viewer{i}@bench.invalid",
                    display_name=f"Viewer {i}",
                    date_of_birth=now.date().replace(year=1995),
                    password="!",
                )
                for i in range(options["viewers"])
            ],
            batch_size=5000,
        )
        video_ids = [video.pk for video in videos]
        signals_per_viewer = max(1, options["signals"] // len(viewers))
        rows: list[Signal] = []
        profiles = []
        for viewer in viewers:
            liked = rng.sample(topics, 2)
            watched = rng.sample(video_ids, min(signals_per_viewer, len(video_ids)))
            profiles.append(
                InterestProfile(
                    viewer_key=f"u:{viewer.pk}",
                    user=viewer,
                    weights=learned_weights(
                        rng,
                        topics=[topic.pk for topic in liked],
                        hashtags=[tag.pk for tag in rng.sample(tags, 6)],
                        creators=[creator.pk for creator in rng.sample(creators, 4)],
                    ),
                    seen=watched[-200:],
                    favourites=watched[-10:],
                    signal_count=len(watched),
                )
            )
            for video_id in watched:
                rows.append(
                    Signal(
                        viewer_key=f"u:{viewer.pk}",
                        event_id=uuid.uuid4(),
                        video_id=video_id,
                        kind=rng.choice(KINDS),
                        source="for_you",
                        watched_seconds=rng.uniform(0, 15),
                        created_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 14)),
                    )
                )
            if len(rows) >= 50_000:
                Signal.objects.bulk_create(rows, batch_size=10_000)
                rows = []
        Signal.objects.bulk_create(rows, batch_size=10_000)
        InterestProfile.objects.bulk_create(profiles, batch_size=5000)
        timings["seed_signals_s"] = time.perf_counter() - began
        began = time.perf_counter()
        services.signals_rollup(batch=10_000_000)
        timings["rollup_s"] = time.perf_counter() - began
        # Bring planner statistics up to date, as autovacuum would in a running system. Without
        # it PostgreSQL plans the fresh tables from guesses (a parallel scan for a 100-row
        # co-watch lookup), and its autovacuum of a million new rows competes with the timed loop.
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        timings["analyze_s"] = time.perf_counter() - began
        return timings

    def _run(self, options: dict[str, Any]) -> dict[str, Any]:
        rng = random.Random(7)
        timings = self.seed(options, rng)
        viewers = list(User.objects.filter(email__startswith="viewer").order_by("?")[: options["requests"]])
        video_ids = list(
            Video.objects.filter(content_level="general").values_list("public_id", flat=True)[:20000]
        )

        def batches() -> list[tuple[User, list[dict[str, Any]]]]:
            """New event ids on every call: each store's run ingests as much as the other's. The timed
            batches, then ``INGEST_COUNTED_BATCHES`` more whose queries are counted."""
            size = min(options["ingest_batch_size"], settings.SIGNAL_BATCH_MAX)
            return [
                (
                    viewers[index % len(viewers)],
                    [
                        {
                            "event_id": str(uuid.uuid4()),
                            "video": str(rng.choice(video_ids)),
                            "kind": rng.choice(KINDS),
                            "source": "for_you",
                            "watched_seconds": round(rng.uniform(0, 14), 2),
                        }
                        for _ in range(size)
                    ],
                )
                for index in range(options["ingest_batches"] + INGEST_COUNTED_BATCHES)
            ]

        profiler = cProfile.Profile() if options["profile"] else None
        ingest_profiler = cProfile.Profile() if options["profile"] else None
        result: dict[str, Any] = {
            "benchmark": "feed",
            "database": connection.vendor,
            "videos": options["videos"],
            "viewers": options["viewers"],
            "signals": Signal.objects.count(),
        }
        stores = ("memory", "redis") if options["pools"] == "both" else (options["pools"],)
        for store in stores:
            if store == "memory":
                result |= self._memory_run(
                    viewers=viewers,
                    batches=batches(),
                    timings=timings,
                    profiler=profiler,
                    ingest_profiler=ingest_profiler,
                )
            else:
                result |= self._redis_run(
                    viewers=viewers,
                    batches=batches(),
                    timings=timings,
                    profiler=profiler,
                    ingest_profiler=ingest_profiler,
                )
        if profiler:
            self.stderr.write("--- For You pages, by own time, then cumulative ---")
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("tottime").print_stats(40)
            stats.sort_stats("cumulative").print_stats(
                "joyreel|feeds|creators|platform|sql|json|serializ|redis", 60
            )
        if ingest_profiler:
            self.stderr.write("--- ingestion (POST /api/v1/signals), by own time, then cumulative ---")
            stats = pstats.Stats(ingest_profiler, stream=sys.stderr)
            stats.sort_stats("tottime").print_stats(30)
            stats.sort_stats("cumulative").print_stats(
                "joyreel|feeds|creators|platform|businesses|sql|json|serializ|rest_framework", 40
            )
        if len(stores) == 2:
            result["redis_over_memory_p50"] = round(
                result["redis_for_you_p50_ms"] / result["for_you_p50_ms"], 2
            )
            result["redis_over_memory_p99"] = round(
                result["redis_for_you_p99_ms"] / result["for_you_p99_ms"], 2
            )
        return result | {key: round(value, 2) for key, value in timings.items()}

    def _memory_run(
        self,
        *,
        viewers: list[User],
        batches: list[Any],
        timings: dict[str, float],
        profiler: Any,
        ingest_profiler: Any,
    ) -> dict[str, Any]:
        """The embedded store: this process builds the whole catalog and holds it."""
        catalog_reset()
        began = time.perf_counter()
        catalog = catalog_get()
        timings["catalog_build_s"] = time.perf_counter() - began
        loop = self._loops(viewers=viewers, profiler=profiler)
        loop |= self._ingest(batches=batches, profiler=ingest_profiler)
        catalog_videos = len(catalog.features)
        del catalog
        catalog_reset()
        gc.collect()
        # What each web process holds for it: the Python objects of one more build, traced.
        held = traced_bytes(build_catalog)
        return {"catalog_videos": catalog_videos, **loop, "catalog_process_mb": round(held / 2**20, 1)}

    def _redis_run(
        self,
        *,
        viewers: list[User],
        batches: list[Any],
        timings: dict[str, float],
        profiler: Any,
        ingest_profiler: Any,
    ) -> dict[str, Any]:
        """The shared store: pools loaded into Redis once (by the worker's sync in a running site), each
        page reading only its candidates."""
        with ExitStack() as stack:
            url = settings.FEED_POOLS_URL or stack.enter_context(throwaway_redis())
            store = stack.enter_context(shared_pools(url))
            began = time.perf_counter()
            loaded = store.load()
            timings["pools_load_s"] = time.perf_counter() - began
            loop = self._loops(viewers=viewers, profiler=profiler)
            loop |= self._ingest(batches=batches, profiler=ingest_profiler)
            memory = store.client.info("memory")
            names = list(store.hashtag_names.items())
            return {
                "pools_videos": loaded,
                **{f"redis_{key}": value for key, value in loop.items()},
                "redis_server_mb": round(memory["used_memory"] / 2**20, 1),
                # All a web process keeps between pages: the hashtag names its pages showed.
                "redis_process_mb": round(traced_bytes(lambda: dict(names)) / 2**20, 2),
            }

    def _loops(self, *, viewers: list[User], profiler: Any) -> dict[str, Any]:
        """For You pages by different viewers, and the queries they cost."""
        client = APIClient()
        client.force_authenticate(viewers[0])
        client.get("/api/v1/feeds/for-you")  # warm up the code paths
        # As each web worker does once it is up (gunicorn.conf.py): what the process loaded lives as long
        # as it does, and full garbage collections need not walk it.
        gc.freeze()
        latencies, cpu, queries, sizes = [], [], [], []
        if profiler:
            profiler.enable()
        for viewer in viewers:
            client.force_authenticate(viewer)
            began, began_cpu = time.perf_counter(), time.thread_time()
            response = client.get("/api/v1/feeds/for-you")
            latencies.append((time.perf_counter() - began) * 1000)
            cpu.append((time.thread_time() - began_cpu) * 1000)
            sizes.append(len(response.json()["results"]))
        if profiler:
            profiler.disable()
        # Queries are counted in a separate pass: capturing them slows every query down.
        for viewer in viewers[:100]:
            client.force_authenticate(viewer)
            with CaptureQueriesContext(connection) as captured:
                client.get("/api/v1/feeds/for-you?page_check=1")
            queries.append(len(captured))

        return {
            "requests": len(latencies),
            "for_you_p50_ms": round(statistics.median(latencies), 2),
            "for_you_p99_ms": round(percentile(latencies, 0.99), 2),
            "for_you_max_ms": round(max(latencies), 2),
            # This thread's CPU time for the same pages (SQLite's work included, PostgreSQL's and Redis's
            # not): on a machine other work keeps busy, the part of a page that waited for a core is left out.
            "for_you_cpu_p50_ms": round(statistics.median(cpu), 2),
            "for_you_cpu_p99_ms": round(percentile(cpu, 0.99), 2),
            "queries_per_page_max": max(queries),
            "queries_per_page_median": statistics.median(queries),
            "items_per_page_min": min(sizes),
        }

    def _ingest(self, *, batches: list[Any], profiler: Any) -> dict[str, Any]:
        """Ingestion through POST /api/v1/signals, batches from different viewers; each batch's twin (the
        same rows under new event ids) stored by one plain INSERT in a transaction of its own, timed in
        turn with it: the baseline of what storing the rows alone costs on this machine now. Then the
        queries of ``INGEST_COUNTED_BATCHES`` more batches, counted (capturing slows every query)."""
        client = APIClient()
        timed, counted = batches[:-INGEST_COUNTED_BATCHES], batches[-INGEST_COUNTED_BATCHES:]
        videos = dict(Video.objects.values_list("public_id", "pk"))
        accepted = 0
        batch_times, raw_times, empty_times = [], [], []
        for viewer, events in timed:
            client.force_authenticate(viewer)
            if profiler:
                profiler.enable()
            began = time.perf_counter()
            response = client.post("/api/v1/signals", {"events": events}, format="json")
            batch_times.append(time.perf_counter() - began)
            if profiler:
                profiler.disable()
            accepted += response.json()["accepted"]
            began = time.perf_counter()
            raw_insert(viewer_key=f"u:{viewer.pk}", events=events, videos=videos)
            raw_times.append(time.perf_counter() - began)
            # The request alone: an empty batch goes through the same middleware, authentication,
            # throttle, parser and response, and stores nothing: what no work on storing can take away.
            began = time.perf_counter()
            client.post("/api/v1/signals", {"events": []}, format="json")
            empty_times.append(time.perf_counter() - began)
        queries = []
        for viewer, events in counted:
            client.force_authenticate(viewer)
            with CaptureQueriesContext(connection) as captured:
                client.post("/api/v1/signals", {"events": events}, format="json")
            queries.append(len(captured))
        total, raw_total = sum(batch_times), sum(raw_times)
        rows = sum(len(events) for _, events in timed)
        per_s = accepted / total if total else 0.0
        raw_per_s = rows / raw_total if raw_total else 0.0
        return {
            "ingest_batch_size": len(timed[0][1]) if timed else 0,
            "ingest_signals_per_s": round(per_s),
            "ingest_batch_p50_ms": round(statistics.median(batch_times) * 1000, 2) if batch_times else 0,
            "ingest_accepted": accepted,
            "ingest_queries_per_batch_median": statistics.median(queries),
            "ingest_queries_per_batch_max": max(queries),
            "raw_insert_signals_per_s": round(raw_per_s),
            "raw_insert_batch_p50_ms": round(statistics.median(raw_times) * 1000, 2) if raw_times else 0,
            "ingest_over_raw_insert": round(per_s / raw_per_s, 3) if raw_per_s else 0,
            "empty_batch_p50_ms": round(statistics.median(empty_times) * 1000, 3) if empty_times else 0,
            # Signals per second if storing, checking and learning cost nothing: the request's own ceiling.
            "ingest_request_ceiling_signals_per_s": round(rows / sum(empty_times)) if empty_times else 0,
            # ... and if only storing the rows cost something (the plain INSERT): no checks, no learning,
            # no screen time, no charging. Ingestion cannot pass this on this machine.
            "ingest_request_and_insert_ceiling_signals_per_s": (
                round(rows / (sum(empty_times) + raw_total)) if empty_times else 0
            ),
        }


def raw_insert(*, viewer_key: str, events: list[dict[str, Any]], videos: dict[uuid.UUID, int]) -> None:
    """The baseline of ingestion: one batch's rows, under new event ids, stored by one multi-row INSERT
    in a transaction of its own, with the durability the signal pipeline asks for (PostgreSQL's
    asynchronous commit); no checks, no learning, no screen time, no charging."""
    meta = Signal._meta
    quote = connection.ops.quote_name
    columns = (
        "viewer_key",
        "event_id",
        "video_id",
        "kind",
        "source",
        "position",
        "watched_seconds",
        "looped",
        "created_at",
    )
    event_field, created_field = meta.get_field("event_id"), meta.get_field("created_at")
    created = created_field.get_db_prep_value(timezone.now(), connection)
    params: list[Any] = []
    for event in events:
        params += [
            viewer_key,
            event_field.get_db_prep_value(uuid.uuid4(), connection),
            videos[uuid.UUID(event["video"])],
            event["kind"],
            event["source"],
            0,
            event["watched_seconds"],
            0,
            created,
        ]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(column) for column in columns)}) "  # noqa: S608
        f"VALUES {', '.join([row] * len(events))}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(sql, params)


def benchmark_feed(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py benchmark_feed`` with the options its command parsed."""
    FeedBenchmark(stdout=stdout, stderr=stderr).handle(**options)
