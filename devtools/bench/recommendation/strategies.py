"""What ``benchmark_recommendation`` compares: For You through the real API (with and without the
interests step's picks), and the baselines ranked in memory (random, most popular, following, Loops'
published formula, and an oracle that knows each viewer's tastes)."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol

from django.conf import settings
from django.test import Client
from django.urls import reverse

from devtools.bench.recommendation.world import Clip, Taste, World
from devtools.synthetic import WatchedView, view_events
from feeds.models import Source
from platform.models import User

# feeds.ranking.page.reasons says this of an exploration slot; the API shows reasons, not candidate sources.
EXPLORE_REASON = "A new creator or video we are trying out with a few viewers"
# Loops' published For You formula.
LOOPS_WEIGHTS = {"freshness": 0.25, "engagement": 0.35, "interest": 0.30, "trust": 0.10}
LOOPS_ENGAGEMENT = {"likes": 0.30, "shares": 0.25, "comments": 0.20, "bookmarks": 0.15, "views": 0.10}
LOOPS_INTEREST = {"creator": 0.5, "hashtags": 0.3, "category": 0.2}
LOOPS_DISCOVERY = 0.3
# Loops does not publish its decay. Of 7/14, 14/30, 30/60 days and none (seed 1), 30/60 served liked videos
# most often over the first 50 and nearly most over 200: the strong choice, as the baseline should be.
FRESHNESS_HALF_LIFE_DAYS = 30.0
ENGAGEMENT_HALF_LIFE_DAYS = 60.0


class Strategy(Protocol):
    def page(self, taste: Taste) -> list[int]: ...

    def learn(self, taste: Taste, views: Sequence[tuple[Clip, WatchedView]]) -> None: ...


class ForYou:
    """The real thing: pages from ``api-feed-for-you``, signals to ``api-signals``, as a logged-in user."""

    def __init__(self, world: World, *, event_seed: int = 0) -> None:
        self.world = world
        self.by_public_id = {str(clip.public_id): clip.pk for clip in world.clips.values()}
        self.clients: dict[int, Client] = {}
        self.next_url: dict[int, str | None] = {}
        self.explored = 0
        self.served = 0
        # Its own: the viewers' moods stay the same as for the baselines (and a second run of the same
        # viewers sends new event ids, not duplicates of the first's).
        self.event_rng = random.Random(event_seed)

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


class ForYouWithPicks(ForYou):
    """For You for viewers who, before their first page, pick their true hashtags and those hashtags'
    topics in the "What do you enjoy?" step (through ``api-me-interests``, the service the page uses)."""

    def __init__(self, world: World, *, event_seed: int = 1) -> None:
        super().__init__(world, event_seed=event_seed)
        self.topic_of = {tag: clip.topic for clip in world.clips.values() for tag in clip.hashtags}

    def page(self, taste: Taste) -> list[int]:
        if taste.index not in self.clients:
            hashtags = sorted(tag for tag in taste.liked_now if tag in self.topic_of)  # on some video
            body = {"topics": sorted({self.topic_of[tag] for tag in hashtags}), "hashtags": hashtags}
            response = self._client(taste).post(
                reverse("api-me-interests"), body, content_type="application/json"
            )
            if response.status_code != 200:
                raise RuntimeError(f"Interests answered {response.status_code}: {response.content[:300]!r}")
        return super().page(taste)


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


class Oracle(Baseline):
    """The ceiling: knows what each viewer likes now and serves the best made of those first, then the
    most popular of the rest (no exploring, never a video twice)."""

    def page(self, taste: Taste) -> list[int]:
        seen = self.seen[taste.index]
        liked = sorted(
            (clip for clip in self.world.clips.values() if clip.pk not in seen and taste.likes(clip)),
            key=lambda clip: clip.quality,
            reverse=True,
        )
        ordered = list(dict.fromkeys([clip.pk for clip in liked] + self.by_popularity))
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
