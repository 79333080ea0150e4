"""``benchmark_recommendation --case specific``: viewers with hashtag-level tastes that drift, watching For You
through the real API, against random, most-popular, following and Loops' published formula (issue 13).

The world: every topic has ``TAGS_PER_TOPIC`` hashtags, every creator one topic, every video one or two of
its creator's topic's hashtags and a length of 8–60 s. Each viewer likes 3–5 hashtags drawn across topics
(physics but not chemistry) and one or two favourite creators; a video "is liked" when it carries a liked
hashtag or is by a favourite. Half of the viewers swap two of their hashtags for two others halfway through
(after 100 of 200 watched videos). For You is fetched from ``api-feed-for-you`` and taught through
``POST /api/v1/signals`` by logged-in users, with the player's own events
(``devtools.synthetic.view_events``), and the signal rollup runs every ``rollup_every`` watched
videos as the beat job would. The baselines rank in memory from the same background statistics (a snapshot
taken before any strategy runs, so no strategy profits from another's viewers) and never serve a video
twice to one viewer.

Match share is the fraction of served videos the viewer likes (by their taste when it was served):
``at_N`` over videos N-9..N, ``over_200`` over the first 200, ``drift`` over the last quarter of the run
(151–200 at the default size) for the drifting half only. The world is built in ``world``, the strategies
live in ``strategies``; this module runs them and scores what they served.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import override_settings

from devtools.bench.recommendation.strategies import Following, ForYou, Loops, Popular, RandomFeed, Strategy
from devtools.bench.recommendation.world import World, world_build
from feeds import services
from feeds.catalog import catalog_get, catalog_reset
from feeds.models import Signal

CHECKPOINTS = (10, 50, 200)
WINDOW = 10


@dataclass
class Served:
    liked: dict[int, list[bool]] = field(default_factory=lambda: defaultdict(list))
    videos: set[int] = field(default_factory=set)


def simulate(
    *,
    strategy: Strategy,
    world: World,
    watched: int,
    rollup_every: int,
    rolls_up: bool,
    on_rollup: Callable[[], object],
) -> Served:
    """Every viewer watches ``watched`` videos, a page at a time, round-robin; a viewer whose feed runs dry
    stops there (what they did not get counts as not liked)."""
    served = Served()
    for taste in world.tastes:
        taste.reset(seed=taste.index)  # the same moods for every strategy
    active = list(world.tastes)
    since_rollup = 0
    while active:
        for taste in list(active):
            done = served.liked[taste.index]
            page = strategy.page(taste)[: watched - len(done)]
            if not page:
                active.remove(taste)
                continue
            views = []
            for video_id in page:
                if len(done) == watched // 2:
                    taste.change_taste()
                clip = world.clips[video_id]
                done.append(taste.likes(clip))
                served.videos.add(video_id)
                views.append((clip, taste.watch(clip, key=f"u:{taste.user_id}", at=world.now)))
            strategy.learn(taste, views)
            since_rollup += len(page)
            if rolls_up and since_rollup >= rollup_every:
                on_rollup()
                since_rollup = 0
            if len(done) >= watched:
                active.remove(taste)
    return served


def _share(hits: list[bool]) -> float | None:
    return round(sum(hits) / len(hits), 3) if hits else None


def scores(served: Served, world: World, watched: int) -> dict[str, float | None]:
    liked = {index: hits + [False] * (watched - len(hits)) for index, hits in served.liked.items()}
    result: dict[str, float | None] = {}
    for point in CHECKPOINTS:
        window = (
            [hit for hits in liked.values() for hit in hits[point - WINDOW : point]]
            if point <= watched
            else []
        )
        result[f"match_share_at_{point}"] = _share(window)
    result["match_share_over_200"] = _share([hit for hits in liked.values() for hit in hits[:200]])
    drifting = {taste.index for taste in world.tastes if taste.drift}
    result["match_share_drift"] = _share(
        [hit for index in drifting for hit in liked.get(index, [])[watched - watched // 4 : watched]]
    )
    result["coverage"] = round(len(served.videos) / len(world.clips), 3)
    return result


def _ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None:
        return None
    return round(top / bottom, 2) if bottom else None


def specific_run(*, videos: int, creators: int, viewers: int, watched: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    rng = random.Random(seed)
    # The catalog is rebuilt in the request after each rollup (not by a background thread), and the test
    # client's host is allowed: the run is the same on every machine.
    with override_settings(
        FEED_CATALOG_SYNC_REFRESH=True, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]
    ):
        world = world_build(videos=videos, creators=creators, viewers=viewers, rng=rng)
        catalog_reset()
        catalog_get()
        rollup_every = max(50, viewers * 5)  # the beat job's minute, in watched videos
        strategies: dict[str, Callable[[], Strategy]] = {
            "for_you": lambda: ForYou(world),
            "loops": lambda: Loops(world, random.Random(seed + 1)),
            "popular": lambda: Popular(world, random.Random(seed + 2)),
            "following": lambda: Following(world, random.Random(seed + 3)),
            "random": lambda: RandomFeed(world, random.Random(seed + 4)),
        }
        results: dict[str, dict[str, float | None]] = {}
        exploration = None
        for name, make in strategies.items():
            strategy = make()
            served = simulate(
                strategy=strategy,
                world=world,
                watched=watched,
                rollup_every=rollup_every,
                rolls_up=name == "for_you",
                on_rollup=services.signals_rollup,
            )
            results[name] = scores(served, world, watched)
            if isinstance(strategy, ForYou):
                exploration = round(strategy.explored / strategy.served, 3) if strategy.served else None
        signals = Signal.objects.count()
    for_you, loops = results["for_you"], results["loops"]
    return {
        "benchmark": "recommendation",
        "case": "specific",
        "database": connection.vendor,
        "seed": seed,
        "viewers": viewers,
        "videos": videos,
        "creators": creators,
        "watched": watched,
        "signals": signals,
        **results,
        "exploration_share": exploration,
        "coverage": for_you["coverage"],
        "for_you_over_loops_at_50": _ratio(for_you["match_share_at_50"], loops["match_share_at_50"]),
        "for_you_over_loops_at_200": _ratio(for_you["match_share_at_200"], loops["match_share_at_200"]),
        "for_you_over_loops_drift": _ratio(for_you["match_share_drift"], loops["match_share_drift"]),
        "for_you_over_popular_at_50": _ratio(
            for_you["match_share_at_50"], results["popular"]["match_share_at_50"]
        ),
        "seconds": round(time.perf_counter() - started, 1),
    }
