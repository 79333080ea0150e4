"""The benchmark's world: creators, videos and viewers, and a year of their views as signal events, with
what was generated for the benchmark creator kept aside as the truth the dashboard is checked against."""

from __future__ import annotations

import bisect
import datetime
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from creators.models import CreatorProfile, FollowChange, Topic, Video
from devtools import synthetic
from devtools.bench.feed_setup import bench_video
from feeds.analytics import rollup, rules
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


def world_seed(options: dict[str, Any], rng: random.Random, *, note: Callable[[str], None]) -> World:
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
    note(f"{len(creators)} creators, {len(videos)} videos")

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
    note(f"{len(keys)} viewers ({signed_in} signed in)")

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
    views_load(options, rng, world, videos=videos, weights=weights, keys=keys, note=note)
    note(f"loaded {world.events} events in {time.perf_counter() - began:.0f}s")
    with connection.cursor() as cursor:
        # Planner statistics up to date, as autovacuum would have them in a running system.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return world


def views_load(
    options: dict[str, Any],
    rng: random.Random,
    world: World,
    *,
    videos: list[Video],
    weights: list[float],
    keys: list[str],
    note: Callable[[str], None],
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
                histogram = world.truth.reach.setdefault((video_id, day_index), [0] * (rules.REACH_STEPS + 1))
                histogram[rules.reach_step(furthest=furthest, duration=length)] += 1
        day_views.sort(key=lambda item: item[0])
        with transaction.atomic():
            synthetic.signals_load(row for _, rows in day_views for row in rows)
        if world.events - reported >= 1_000_000 or day_index == count - 1:
            reported = world.events
            note(f"{world.events} events, through {day} ({day_index + 1}/{count} days)")
    ProfileVisit.objects.bulk_create(visits, batch_size=5000)
    FollowChange.objects.bulk_create(follows, batch_size=5000)
    net = sum(change.delta for change in follows if change.creator_id == ours)
    CreatorProfile.objects.filter(pk=ours).update(follower_count=net)
    world.creator.refresh_from_db()
