"""``benchmark_recommendation``: simulated viewers with hidden tastes watch For You through the real API, and
random, most-popular, following and (in the specific case) Loops' published formula ranked in memory.

One simulator, two cases. ``--case specific`` (the issue-13 world): every topic has ``TAGS_PER_TOPIC``
hashtags, every creator one topic, every video one or two of its creator's topic's hashtags and a length of
8–60 s. Each viewer likes 3–5 hashtags drawn across topics (physics but not chemistry) and one or two
favourite creators; a video "is liked" when it carries a liked hashtag or is by a favourite. Half of the
viewers swap two of their hashtags for two others halfway through. ``--case topics`` (the default): each
viewer likes two or three whole topics and a few creators. ``--case both`` prints one line with each case's
report under its name.

For You is fetched from ``api-feed-for-you`` and taught through ``POST /api/v1/signals`` by logged-in users,
with the player's own events (``devtools.synthetic.view_events``), and the signal rollup runs every
``rollup_every`` watched videos as the beat job would. The baselines rank in memory from the same background
statistics (a snapshot taken before any strategy runs, so no strategy profits from another's viewers) and
never serve a video twice to one viewer.

The specific case also runs For You a second time for the same viewers, each first picking their true
hashtags and those hashtags' topics in the interests step (``api-me-interests``), after forgetting what the
first run taught; and an oracle that knows each viewer's tastes, the ceiling.

Match share is the fraction of served videos the viewer likes (by their taste when it was served), over a
window of ``WINDOW`` videos ending at each checkpoint: the specific case reports ``match_share_at_N``,
``1_10`` and ``11_50`` (a new viewer's first minute), ``over_200`` over the first 200 and ``drift`` over
the last quarter of the run for the drifting half, and the first minute with and without picks; the
topics case reports ``after_N`` with the share and the mean fraction watched, and coverage as the share of
creators served. The world is built in ``world``, the strategies live in ``strategies``; this module runs
them and scores what they served.
"""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.db import connection
from django.test import override_settings

from devtools.bench.feed_setup import feeds_throwaway_database
from devtools.bench.recommendation.strategies import (
    Following,
    ForYou,
    ForYouWithPicks,
    Loops,
    Oracle,
    Popular,
    RandomFeed,
    Strategy,
)
from devtools.bench.recommendation.world import World, world_build
from feeds import services
from feeds.catalog import catalog_get, catalog_reset
from feeds.models import CoWatch, InterestProfile, Signal, VideoStats

CHECKPOINTS = (10, 50, 200)
WINDOW = 10
# The first minute: a new viewer's first ten videos, and the forty after them.
FIRST_WINDOWS = ((1, 10), (11, 50))
TOPICS_DEFAULTS = {"videos": 3000, "creators": 300, "viewers": 150, "watched": 200, "seed": 11}
SPECIFIC_DEFAULTS = {"videos": 3000, "creators": 300, "viewers": 100, "watched": 200, "seed": 1}


@dataclass
class Served:
    liked: dict[int, list[bool]] = field(default_factory=lambda: defaultdict(list))
    watched: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))  # fractions
    videos: set[int] = field(default_factory=set)
    creators: set[int] = field(default_factory=set)


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
                served.creators.add(clip.creator)
                view = taste.watch(clip, key=f"u:{taste.user_id}", at=world.now)
                served.watched[taste.index].append(
                    min(1.0, view.watched / clip.duration) if clip.duration else 0.0
                )
                views.append((clip, view))
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
    for first, last in FIRST_WINDOWS:
        result[f"match_share_{first}_{last}"] = _share(
            [hit for hits in liked.values() for hit in hits[first - 1 : last]] if last <= watched else []
        )
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


def _served(
    world: World, names: tuple[str, ...], *, watched: int, viewers: int, seed: int
) -> tuple[dict[str, Served], float | None]:
    """Each named strategy's run over the same viewers, with the same moods; and For You's exploring share."""
    catalog_reset()
    catalog_get()
    rollup_every = max(50, viewers * 5)  # the beat job's minute, in watched videos
    strategies: dict[str, Callable[[], Strategy]] = {
        "for_you": lambda: ForYou(world),
        "for_you_picks": lambda: ForYouWithPicks(world),
        "oracle": lambda: Oracle(world, random.Random(seed + 5)),
        "loops": lambda: Loops(world, random.Random(seed + 1)),
        "popular": lambda: Popular(world, random.Random(seed + 2)),
        "following": lambda: Following(world, random.Random(seed + 3)),
        "random": lambda: RandomFeed(world, random.Random(seed + 4)),
    }
    results: dict[str, Served] = {}
    ran: list[Strategy] = []
    exploration = None
    for name in names:
        strategy = strategies[name]()
        is_for_you = isinstance(strategy, ForYou)
        if is_for_you and any(isinstance(earlier, ForYou) for earlier in ran):
            _for_you_forget(world)
        ran.append(strategy)
        results[name] = simulate(
            strategy=strategy,
            world=world,
            watched=watched,
            rollup_every=rollup_every,
            rolls_up=is_for_you,
            on_rollup=services.signals_rollup,
        )
        if type(strategy) is ForYou:
            exploration = round(strategy.explored / strategy.served, 3) if strategy.served else None
    return results, exploration


def _for_you_forget(world: World) -> None:
    """Before a second run of For You over the same viewers: what the first taught is forgotten (profiles,
    co-watch links, the statistics its views added), so neither run profits from the other's viewers."""
    services.signals_rollup()  # the last views of the first run, so the next rollup starts after them
    InterestProfile.objects.all().delete()
    CoWatch.objects.all().delete()
    VideoStats.objects.all().delete()
    VideoStats.objects.bulk_create(world.popularity.values())
    catalog_reset()
    catalog_get()


def _simulation_settings() -> Any:
    # The catalog is rebuilt in the request after each rollup (not by a background thread), and the test
    # client's host is allowed: the run is the same on every machine.
    return override_settings(
        FEED_CATALOG_SYNC_REFRESH=True, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]
    )


def topic_scores(served: Served, world: World, watched: int) -> dict[str, Any]:
    """The topics case's figures: at each checkpoint the share of liked videos and the mean fraction
    watched over the window ending there, and the share of creators who were served at all."""
    result: dict[str, Any] = {}
    for point in CHECKPOINTS:
        hits: list[bool] = []
        fractions: list[float] = []
        if point <= watched:
            for index, liked in served.liked.items():
                padded = liked + [False] * (watched - len(liked))
                hits += padded[point - WINDOW : point]
                seen = served.watched[index]
                fractions += (seen + [0.0] * (watched - len(seen)))[point - WINDOW : point]
        result[f"after_{point}"] = {
            "match_share": _share(hits),
            "watch_fraction": round(sum(fractions) / len(fractions), 3) if fractions else None,
        }
    creators = {clip.creator for clip in world.clips.values()}
    result["coverage"] = round(len(served.creators) / len(creators), 3)
    return result


def topics_run(*, videos: int, creators: int, viewers: int, watched: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    with _simulation_settings():
        world = world_build(videos=videos, creators=creators, viewers=viewers, rng=rng, tastes="topics")
        served, exploration = _served(
            world, ("for_you", "random", "popular", "following"), watched=watched, viewers=viewers, seed=seed
        )
    results = {name: topic_scores(runs, world, watched) for name, runs in served.items()}
    if exploration is not None:
        results["for_you"]["exploration_share"] = exploration
    popular_match = results["popular"]["after_50"]["match_share"]
    for_you_match = results["for_you"]["after_50"]["match_share"]
    return {
        "benchmark": "recommendation",
        "database": connection.vendor,
        "videos": videos,
        "creators": creators,
        "viewers": viewers,
        **results,
        "for_you_vs_popular_match_after_50": _ratio(for_you_match, popular_match),
    }


def specific_run(*, videos: int, creators: int, viewers: int, watched: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    rng = random.Random(seed)
    with _simulation_settings():
        world = world_build(videos=videos, creators=creators, viewers=viewers, rng=rng)
        served, exploration = _served(
            world,
            ("for_you", "for_you_picks", "oracle", "loops", "popular", "following", "random"),
            watched=watched,
            viewers=viewers,
            seed=seed,
        )
        signals = Signal.objects.count()
    results = {name: scores(runs, world, watched) for name, runs in served.items()}
    for_you, loops, oracle = results["for_you"], results["loops"], results["oracle"]
    picks = results["for_you_picks"]
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
        "for_you_over_loops_1_200": _ratio(for_you["match_share_over_200"], loops["match_share_over_200"]),
        # The first minute, without the interests step and with it.
        "for_you_over_oracle_1_200": {
            "without_picks": _ratio(for_you["match_share_over_200"], oracle["match_share_over_200"]),
            "with_picks": _ratio(picks["match_share_over_200"], oracle["match_share_over_200"]),
        },
        "match_share_1_10": {
            "without_picks": for_you["match_share_1_10"],
            "with_picks": picks["match_share_1_10"],
        },
        "match_share_11_50": {
            "without_picks": for_you["match_share_11_50"],
            "with_picks": picks["match_share_11_50"],
        },
        "seconds": round(time.perf_counter() - started, 1),
    }


def benchmark_recommendation(
    options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper
) -> None:
    """Run ``manage.py benchmark_recommendation``: each case asked for in its own throwaway database, the
    sizes not given taken from the case's defaults; one JSON line."""
    reports: dict[str, dict[str, Any]] = {}
    for case, defaults, run in (
        ("topics", TOPICS_DEFAULTS, topics_run),
        ("specific", SPECIFIC_DEFAULTS, specific_run),
    ):
        if options["case"] not in (case, "both"):
            continue
        sizes = {
            name: default if options[name] is None else options[name] for name, default in defaults.items()
        }
        with feeds_throwaway_database("benchmark-recommendation"):
            reports[case] = run(**sizes)
    if options["case"] == "both":
        stdout.write(json.dumps({"benchmark": "recommendation", "case": "both", **reports}))
    else:
        stdout.write(json.dumps(reports[options["case"]]))
