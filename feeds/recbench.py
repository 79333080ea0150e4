"""``benchmark_recommendation --case specific``: viewers with hashtag-level tastes that drift, watching For You
through the real API, against random, most-popular, following and Loops' published formula (issue 13).

The world: every topic has ``TAGS_PER_TOPIC`` hashtags, every creator one topic, every video one or two of
its creator's topic's hashtags and a length of 8–60 s. Each viewer likes 3–5 hashtags drawn across topics
(physics but not chemistry) and one or two favourite creators; a video "is liked" when it carries a liked
hashtag or is by a favourite. Half of the viewers swap two of their hashtags for two others halfway through
(after 100 of 200 watched videos). For You is fetched from ``api-feed-for-you`` and taught through
``POST /api/v1/signals`` by logged-in users, with the player's own events
(``feeds.analytics.synthetic.view_events``), and the signal rollup runs every ``rollup_every`` watched
videos as the beat job would. The baselines rank in memory from the same background statistics (a snapshot
taken before any strategy runs, so no strategy profits from another's viewers) and never serve a video
twice to one viewer.

Match share is the fraction of served videos the viewer likes (by their taste when it was served):
``at_N`` over videos N-9..N, ``over_200`` over the first 200, ``drift`` over the last quarter of the run
(151–200 at the default size) for the drifting half only.
"""

# ruff: noqa: S106, S311  (synthetic users and data, as in every benchmark_* command)

from __future__ import annotations

import datetime
import math
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from creators.models import CreatorProfile, Hashtag, Topic, Video, VideoTopic
from feeds import services
from feeds.analytics.synthetic import WatchedView, view_events
from feeds.catalog import catalog_get, catalog_reset
from feeds.models import Signal, Source, VideoStats
from platform.models import User

CHECKPOINTS = (10, 50, 200)
WINDOW = 10
TAGS_PER_TOPIC = 5
NOISE = 0.05  # how often a viewer reacts against their own taste (moods differ)
# feeds.ranking.page.reasons says this of an exploration slot; the API shows reasons, not candidate sources.
EXPLORE_REASON = "A new creator or video we are trying out with a few viewers"
# Loops' published For You formula (issue 13).
LOOPS_WEIGHTS = {"freshness": 0.25, "engagement": 0.35, "interest": 0.30, "trust": 0.10}
LOOPS_ENGAGEMENT = {"likes": 0.30, "shares": 0.25, "comments": 0.20, "bookmarks": 0.15, "views": 0.10}
LOOPS_INTEREST = {"creator": 0.5, "hashtags": 0.3, "category": 0.2}
LOOPS_DISCOVERY = 0.3
FRESHNESS_HALF_LIFE_DAYS = 7.0
ENGAGEMENT_HALF_LIFE_DAYS = 14.0


@dataclass(frozen=True, slots=True)
class Clip:
    pk: int
    public_id: uuid.UUID
    topic: int
    creator: int
    hashtags: frozenset[int]
    duration: float
    quality: float
    published_at: datetime.datetime


@dataclass
class Taste:
    """One simulated viewer: the hashtags and creators they like, and the swap they make if they drift."""

    index: int
    user_id: int
    hashtags: set[int]
    creators: set[int]
    drift: tuple[list[int], list[int]] | None  # (dropped, taken up) at the halfway point
    rng: random.Random = field(default_factory=random.Random)
    liked_now: set[int] = field(default_factory=set)

    def reset(self, *, seed: int) -> None:
        self.rng.seed(seed)
        self.liked_now = set(self.hashtags)

    def change_taste(self) -> None:
        if self.drift:
            dropped, taken = self.drift
            self.liked_now = (self.liked_now - set(dropped)) | set(taken)

    def likes(self, clip: Clip) -> bool:
        return clip.creator in self.creators or not self.liked_now.isdisjoint(clip.hashtags)

    def watch(self, clip: Clip, *, key: str, at: datetime.datetime) -> WatchedView:
        """How this viewer watches ``clip``: most or all of it when liked (sometimes again), a skip in the
        first seconds when not, now and then "not interested"; likes and shares on some liked ones."""
        rng = self.rng
        liked = self.likes(clip) != (rng.random() < NOISE)
        view = WatchedView(
            viewer_key=key, video_id=clip.pk, duration=clip.duration, started_at=at, watched=0.0
        )
        if liked:
            if rng.random() < min(0.95, 0.7 * clip.quality):
                view.watched = clip.duration
                view.loops = 1 if rng.random() < 0.2 else 0
                view.is_liked = rng.random() < 0.35
            else:
                view.watched = round(clip.duration * rng.uniform(0.5, 0.95), 2)
            view.is_shared = rng.random() < 0.08
        elif rng.random() < 0.05:
            view.is_not_interested, view.watched = True, round(rng.uniform(0.5, 1.5), 2)
        elif rng.random() < 0.85:
            view.watched = round(rng.uniform(0.3, 1.9), 2)
        else:
            view.watched = round(rng.uniform(2.0, max(2.5, clip.duration * 0.3)), 2)
        return view


@dataclass
class World:
    clips: dict[int, Clip]
    tastes: list[Taste]
    popularity: dict[int, VideoStats]  # the background statistics, before any strategy ran
    now: datetime.datetime


def world_build(*, videos: int, creators: int, viewers: int, rng: random.Random) -> World:
    now = timezone.now()
    topics = list(Topic.objects.exclude(slug="news").order_by("pk"))  # News lists verified publishers only
    tags = {
        topic.pk: [Hashtag.objects.create(name=f"{topic.slug}{index}").pk for index in range(TAGS_PER_TOPIC)]
        for topic in topics
    }
    born = now.date().replace(year=1990)
    users = User.objects.bulk_create(
        [
            User(email=f"c{i}@sim.invalid", display_name=f"C{i}", date_of_birth=born, password="!")
            for i in range(creators)
        ]
    )
    profiles = CreatorProfile.objects.bulk_create(
        [
            CreatorProfile(user=user, handle=f"sim_{i}", display_name=f"Sim {i}")
            for i, user in enumerate(users)
        ]
    )
    creator_topic = {profile.pk: rng.choice(topics).pk for profile in profiles}
    rows = []
    for index in range(videos):
        length = round(rng.uniform(8.0, 60.0), 1)
        rows.append(
            Video(
                owner=rng.choice(profiles),
                caption=f"sim {index}",
                state=Video.State.PUBLISHED,
                duration=length,
                rendition_duration=length,
                trim_end=length,
                original=f"sim/{index}.mp4",
                rendition=f"sim/{index}-r.mp4",
                published_at=now - datetime.timedelta(hours=rng.uniform(0, 24 * 30)),
            )
        )
    saved = Video.objects.bulk_create(rows)
    clips: dict[int, Clip] = {}
    for video in saved:
        topic = creator_topic[video.owner_id]
        clips[video.pk] = Clip(
            pk=video.pk,
            public_id=video.public_id,
            topic=topic,
            creator=video.owner_id,
            hashtags=frozenset(rng.sample(tags[topic], rng.choice((1, 2)))),
            duration=float(video.duration or 0.0),
            quality=rng.uniform(0.6, 1.25),
            published_at=video.published_at or now,
        )
    VideoTopic.objects.bulk_create(
        [
            VideoTopic(video_id=clip.pk, topic_id=clip.topic, review_state="approved")
            for clip in clips.values()
        ]
    )
    through = Video.hashtags.through
    through.objects.bulk_create(
        [through(video_id=clip.pk, hashtag_id=tag) for clip in clips.values() for tag in clip.hashtags]
    )
    _background(clips, rng)
    popularity = {stats.video_id: stats for stats in VideoStats.objects.all()}
    viewer_users = User.objects.bulk_create(
        [
            User(email=f"v{i}@sim.invalid", display_name=f"V{i}", date_of_birth=born, password="!")
            for i in range(viewers)
        ]
    )
    every_tag = [tag for topic_tags in tags.values() for tag in topic_tags]
    by_creator = sorted({clip.creator for clip in clips.values()})
    tastes = []
    for index, user in enumerate(viewer_users):
        liked_topics = rng.sample(sorted(tags), rng.choice((3, 4, 5)))  # one hashtag each: across topics
        liked = [rng.choice(tags[topic]) for topic in liked_topics]
        drift = None
        if index % 2 == 1:
            dropped = rng.sample(liked, 2)
            taken = rng.sample([tag for tag in every_tag if tag not in liked], 2)
            drift = (dropped, taken)
        favourites = set(rng.sample(by_creator, rng.choice((1, 2))))
        tastes.append(Taste(index, user.pk, set(liked), favourites, drift, random.Random(rng.random())))
    return World(clips=clips, tastes=tastes, popularity=popularity, now=now)


def _background(clips: dict[int, Clip], rng: random.Random) -> None:
    """Popularity that owes nothing to any one viewer's taste: some videos are just well made."""
    stats = []
    for clip in clips.values():
        impressions = int(rng.paretovariate(1.3) * 20)
        completions = int(impressions * min(0.9, 0.3 * clip.quality * rng.uniform(0.7, 1.3)))
        stats.append(
            VideoStats(
                video_id=clip.pk,
                impressions=impressions,
                completions=completions,
                likes=completions // 5,
                shares=completions // 20,
                skips=impressions // 3,
                recent_completions=completions,
            )
        )
    VideoStats.objects.bulk_create(stats)


# --- strategies ---------------------------------------------------------------------------------------


class Strategy(Protocol):
    def page(self, taste: Taste) -> list[int]: ...

    def learn(self, taste: Taste, views: Sequence[tuple[Clip, WatchedView]]) -> None: ...


class ForYou:
    """The real thing: pages from ``api-feed-for-you``, signals to ``api-signals``, as a logged-in user."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.by_public_id = {str(clip.public_id): clip.pk for clip in world.clips.values()}
        self.clients: dict[int, Client] = {}
        self.next_url: dict[int, str | None] = {}
        self.explored = 0
        self.served = 0
        self.event_rng = random.Random(0)  # its own: the viewers' moods stay the same as for the baselines

    def _client(self, taste: Taste) -> Client:
        if taste.index not in self.clients:
            client = Client()
            client.force_login(User.objects.get(pk=taste.user_id))
            self.clients[taste.index] = client
        return self.clients[taste.index]

    def page(self, taste: Taste) -> list[int]:
        url = self.next_url.get(taste.index) or reverse("api-feed-for-you")
        response = self._client(taste).get(url)
        if response.status_code != 200:
            raise RuntimeError(f"For You answered {response.status_code}: {response.content[:300]!r}")
        body = response.json()
        self.next_url[taste.index] = body["next"]
        results = body["results"]
        self.explored += sum(1 for item in results if EXPLORE_REASON in item["reasons"])
        self.served += len(results)
        return [self.by_public_id[item["video"]["id"]] for item in results]

    def learn(self, taste: Taste, views: Sequence[tuple[Clip, WatchedView]]) -> None:
        events: list[dict[str, Any]] = []
        for position, (clip, view) in enumerate(views):
            for row in view_events(view, rng=self.event_rng):
                _, event_id, _, kind, _, _, watched, looped, _, _ = row
                events.append(
                    {
                        "event_id": str(event_id),
                        "video": str(clip.public_id),
                        "kind": kind,
                        "source": Source.FOR_YOU,
                        "position": position,
                        "watched_seconds": watched,
                        "looped": looped,
                    }
                )
        client = self._client(taste)
        for start in range(0, len(events), settings.SIGNAL_BATCH_MAX):
            batch = events[start : start + settings.SIGNAL_BATCH_MAX]
            response = client.post(reverse("api-signals"), {"events": batch}, content_type="application/json")
            body = response.json() if response.status_code == 200 else {}
            if response.status_code != 200 or body["errors"] or body["accepted"] != len(batch):
                raise RuntimeError(f"Signals answered {response.status_code}: {response.content[:300]!r}")


class Baseline:
    """What every in-memory baseline shares: the viewers' seen sets and the background popularity."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng = world, rng
        self.seen: dict[int, set[int]] = defaultdict(set)

        def popularity(video_id: int) -> float:
            stats = world.popularity.get(video_id)
            return 0.0 if stats is None else stats.completions + 2 * stats.likes + 3 * stats.shares

        self.by_popularity = sorted(world.clips, key=popularity, reverse=True)

    def learn(self, taste: Taste, views: Sequence[tuple[Clip, WatchedView]]) -> None:
        self.seen[taste.index].update(clip.pk for clip, _ in views)

    def _unseen(self, taste: Taste, ordered: list[int], size: int) -> list[int]:
        seen = self.seen[taste.index]
        return [video_id for video_id in ordered if video_id not in seen][:size]


class RandomFeed(Baseline):
    def page(self, taste: Taste) -> list[int]:
        seen = self.seen[taste.index]
        pool = [video_id for video_id in self.world.clips if video_id not in seen]
        return self.rng.sample(pool, min(settings.FEED_PAGE_SIZE, len(pool)))


class Popular(Baseline):
    def page(self, taste: Taste) -> list[int]:
        return self._unseen(taste, self.by_popularity, settings.FEED_PAGE_SIZE)


class Following(Baseline):
    """The viewer follows their favourite creators: their newest videos first, then the most popular."""

    def page(self, taste: Taste) -> list[int]:
        followed = sorted(
            (clip for clip in self.world.clips.values() if clip.creator in taste.creators),
            key=lambda clip: clip.published_at,
            reverse=True,
        )
        ordered = list(dict.fromkeys([clip.pk for clip in followed] + self.by_popularity))
        return self._unseen(taste, ordered, settings.FEED_PAGE_SIZE)


def view_outcome(view: WatchedView) -> float:
    """How much one view says the viewer enjoyed the video, from -1 (not interested) to 2.5."""
    if view.is_not_interested:
        return -1.0
    if view.watched < 2.0:
        return -0.5
    return (
        min(1.0, view.watched / view.duration) + 0.5 * view.loops + 0.5 * view.is_liked + 0.5 * view.is_shared
    )


class Loops(Baseline):
    """Loops' published For You formula over the whole catalogue, the viewer's interest updated after every
    view (no batching, no rollup lag): 0.25·freshness + 0.35·engagement + 0.30·interest + 0.10·trust, 30% of
    each page from discovery (random unseen videos)."""

    def __init__(self, world: World, rng: random.Random) -> None:
        super().__init__(world, rng)
        self.base: dict[int, float] = {}
        stats = world.popularity
        top = {
            name: max((getattr(row, name) for row in stats.values()), default=0) or 1
            for name in ("likes", "shares", "impressions")
        }

        def normalised(video_id: int, name: str) -> float:
            row = stats.get(video_id)
            return 0.0 if row is None else math.log1p(getattr(row, name)) / math.log1p(top[name])

        for clip in world.clips.values():
            age_days = max(0.0, (world.now - clip.published_at).total_seconds() / 86400)
            freshness = 0.5 ** (age_days / FRESHNESS_HALF_LIFE_DAYS)
            engagement = 0.5 ** (age_days / ENGAGEMENT_HALF_LIFE_DAYS) * (
                LOOPS_ENGAGEMENT["likes"] * normalised(clip.pk, "likes")
                + LOOPS_ENGAGEMENT["shares"] * normalised(clip.pk, "shares")
                + LOOPS_ENGAGEMENT["views"] * normalised(clip.pk, "impressions")
                # comments and bookmarks: the simulated world has none
            )
            trust = 1.0  # every simulated creator is in good standing
            self.base[clip.pk] = (
                LOOPS_WEIGHTS["freshness"] * freshness
                + LOOPS_WEIGHTS["engagement"] * engagement
                + LOOPS_WEIGHTS["trust"] * trust
            )
        self.affinity: dict[int, dict[str, dict[int, float]]] = defaultdict(
            lambda: {
                "creator": defaultdict(float),
                "hashtag": defaultdict(float),
                "topic": defaultdict(float),
            }
        )

    def learn(self, taste: Taste, views: Sequence[tuple[Clip, WatchedView]]) -> None:
        super().learn(taste, views)
        affinity = self.affinity[taste.index]
        for clip, view in views:
            outcome = view_outcome(view)
            affinity["creator"][clip.creator] += outcome
            affinity["topic"][clip.topic] += outcome
            for tag in clip.hashtags:
                affinity["hashtag"][tag] += outcome

    def page(self, taste: Taste) -> list[int]:
        size = settings.FEED_PAGE_SIZE
        affinity = self.affinity[taste.index]
        scale = {kind: max([0.0, *values.values()]) or 1.0 for kind, values in affinity.items()}
        creator, hashtag, topic = affinity["creator"], affinity["hashtag"], affinity["topic"]
        seen = self.seen[taste.index]
        scored = []
        for clip in self.world.clips.values():
            if clip.pk in seen:
                continue
            interest = (
                LOOPS_INTEREST["creator"] * max(0.0, creator.get(clip.creator, 0.0)) / scale["creator"]
                + LOOPS_INTEREST["hashtags"]
                * max(0.0, *(hashtag.get(tag, 0.0) for tag in clip.hashtags))
                / scale["hashtag"]
                + LOOPS_INTEREST["category"] * max(0.0, topic.get(clip.topic, 0.0)) / scale["topic"]
            )
            scored.append((self.base[clip.pk] + LOOPS_WEIGHTS["interest"] * interest, clip.pk))
        scored.sort(reverse=True)
        discovery = round(size * LOOPS_DISCOVERY)
        page = [video_id for _, video_id in scored[: size - discovery]]
        rest = [video_id for _, video_id in scored[size - discovery :]]
        for video_id in self.rng.sample(rest, min(discovery, len(rest))):
            page.insert(self.rng.randrange(len(page) + 1), video_id)
        return page


# --- the run ------------------------------------------------------------------------------------------


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
