"""Simulate viewers with hidden tastes and compare Joyreel's For You with simple baselines.

Runs in a throwaway database. ``--case topics`` (the default): each simulated viewer
likes 2–3 topics and a few creators, watches those to the end more often, skips the
rest, with noise. Every strategy starts from the same catalogue and the same
background popularity; all signals go through ``feeds.services.signals_record``, the
service the site uses. ``--case specific`` (issue 13, ``devtools.bench.recommendation``): viewers
who like a few hashtags across topics and change two of them halfway, watching
through the real API, against Loops' published formula too. ``--case both`` prints
one line with each case's report under its name.
"""

import datetime
import json
import random
import statistics
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils import timezone

from creators.models import CreatorProfile, Hashtag, Topic, Video, VideoTopic
from devtools.bench import recommendation as recbench
from devtools.bench.feed_setup import feeds_throwaway_database
from feeds import selectors, services
from feeds.catalog import catalog_get, catalog_reset
from feeds.models import VideoStats
from platform.models import User
from platform.viewer import viewer_for_user

CHECKPOINTS = (10, 50, 200)
PAGE = 20
TOPICS_DEFAULTS = {"videos": 3000, "creators": 300, "viewers": 150, "seed": 11}
SPECIFIC_DEFAULTS = {"videos": 3000, "creators": 300, "viewers": 100, "watched": 200, "seed": 1}


class Viewer:
    def __init__(self, index: int, topics: list[int], creators: set[int], rng: random.Random) -> None:
        self.index, self.topics, self.creators, self.rng = index, set(topics), creators, rng
        self.signals = 0
        self.seen: set[int] = set()

    def likes(self, video: "Item") -> bool:
        return video.topic in self.topics or video.creator in self.creators

    def watch(self, video: "Item") -> float:
        """The fraction of the video this viewer watches (their hidden taste, plus noise)."""
        liked = self.likes(video)
        if self.rng.random() < 0.1:
            liked = not liked  # noise: moods differ
        if liked:
            return 1.0 if self.rng.random() < 0.75 * video.quality else self.rng.uniform(0.4, 0.9)
        return self.rng.uniform(0.02, 0.12) if self.rng.random() < 0.75 else self.rng.uniform(0.2, 0.5)


@dataclass(slots=True)
class Item:
    pk: int
    public_id: uuid.UUID
    topic: int
    creator: int
    quality: float
    duration: float
    published_at: datetime.datetime


class Command(BaseCommand):
    help = "Compare For You with random, most-popular and newest-from-followed on simulated viewers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", choices=("topics", "specific", "both"), default="topics")
        # Defaults differ by case (see SPECIFIC_DEFAULTS): the specific case watches through the API.
        parser.add_argument("--videos", type=int, default=None)
        parser.add_argument("--creators", type=int, default=None)
        parser.add_argument("--viewers", type=int, default=None)
        parser.add_argument("--watched", type=int, default=None, help="videos each viewer watches (specific)")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        reports: dict[str, dict[str, Any]] = {}
        for case, defaults in (("topics", TOPICS_DEFAULTS), ("specific", SPECIFIC_DEFAULTS)):
            if options["case"] not in (case, "both"):
                continue
            sizes = {
                name: default if options[name] is None else options[name]
                for name, default in defaults.items()
            }
            with feeds_throwaway_database("benchmark-recommendation"):
                reports[case] = self._run(sizes) if case == "topics" else recbench.specific_run(**sizes)
        if options["case"] == "both":
            self.stdout.write(json.dumps({"benchmark": "recommendation", "case": "both", **reports}))
        else:
            self.stdout.write(json.dumps(reports[options["case"]]))

    # --- the world ------------------------------------------------------------------

    def _catalogue(self, options: dict[str, Any], rng: random.Random) -> dict[int, Item]:
        now = timezone.now()
        topics = list(Topic.objects.all())
        users = User.objects.bulk_create(
            [
                User(
                    email=f"c{i}@sim.invalid",
                    display_name=f"C{i}",
                    date_of_birth=now.date().replace(year=1990),
                    password="!",
                )
                for i in range(options["creators"])
            ]
        )
        creators = CreatorProfile.objects.bulk_create(
            [
                CreatorProfile(user=user, handle=f"sim_{i}", display_name=f"Sim {i}")
                for i, user in enumerate(users)
            ]
        )
        creator_topic = {creator.pk: rng.choice(topics) for creator in creators}
        tags = {topic.pk: Hashtag.objects.create(name=f"{topic.slug}tag") for topic in topics}
        items: dict[int, Item] = {}
        videos = Video.objects.bulk_create(
            [
                Video(
                    owner=rng.choice(creators),
                    caption=f"sim {i}",
                    state=Video.State.PUBLISHED,
                    duration=20.0,
                    rendition_duration=20.0,
                    trim_end=20.0,
                    original=f"sim/{i}.mp4",
                    rendition=f"sim/{i}-r.mp4",
                    published_at=now - timedelta(hours=rng.uniform(0, 24 * 30)),
                )
                for i in range(options["videos"])
            ]
        )
        VideoTopic.objects.bulk_create(
            [
                VideoTopic(video=video, topic=creator_topic[video.owner_id], review_state="approved")
                for video in videos
            ]
        )
        through = Video.hashtags.through
        through.objects.bulk_create(
            [
                through(video_id=video.pk, hashtag_id=tags[creator_topic[video.owner_id].pk].pk)
                for video in videos
            ]
        )
        for video in videos:
            items[video.pk] = Item(
                pk=video.pk,
                public_id=video.public_id,
                topic=creator_topic[video.owner_id].pk,
                creator=video.owner_id,
                quality=rng.uniform(0.6, 1.25),
                duration=20.0,
                published_at=video.published_at or now,
            )
        return items

    def _background(self, items: dict[int, Item], rng: random.Random) -> None:
        """Popularity that owes nothing to any one viewer's taste: some videos are just well made."""
        stats = []
        for item in items.values():
            impressions = int(rng.paretovariate(1.3) * 20)
            completions = int(impressions * min(0.9, 0.3 * item.quality * rng.uniform(0.7, 1.3)))
            stats.append(
                VideoStats(
                    video_id=item.pk,
                    impressions=impressions,
                    completions=completions,
                    likes=completions // 5,
                    skips=impressions // 3,
                    recent_completions=completions,
                )
            )
        VideoStats.objects.bulk_create(stats)

    def _viewers(self, options: dict[str, Any], items: dict[int, Item], rng: random.Random) -> list[Viewer]:
        topics = sorted({item.topic for item in items.values()})
        by_topic: dict[int, list[int]] = {}
        for item in items.values():
            by_topic.setdefault(item.topic, []).append(item.creator)
        viewers = []
        for index in range(options["viewers"]):
            liked = rng.sample(topics, rng.choice((2, 3)))
            creators = {rng.choice(by_topic[topic]) for topic in liked} | set(
                rng.sample(sorted({item.creator for item in items.values()}), 2)
            )
            viewers.append(Viewer(index, liked, creators, random.Random(rng.random())))
        return viewers

    # --- strategies -----------------------------------------------------------------

    def _strategies(
        self, items: dict[int, Item], rng: random.Random
    ) -> dict[str, Callable[[Viewer, str], list[int]]]:
        by_popularity = [
            video_id
            for video_id, _ in sorted(
                VideoStats.objects.values_list("video_id", "completions"),
                key=lambda pair: pair[1],
                reverse=True,
            )
        ]
        newest = sorted(items.values(), key=lambda item: item.published_at, reverse=True)

        def for_you(viewer: Viewer, key: str) -> list[int]:
            page = selectors.feed_for_you(viewer=viewer_for_user(None, key=key), size=PAGE)
            viewer.last_page = page  # type: ignore[attr-defined]
            return [item.video.pk for item in page.items]

        def random_feed(viewer: Viewer, key: str) -> list[int]:
            pool = [video_id for video_id in items if video_id not in viewer.seen]
            return rng.sample(pool, min(PAGE, len(pool)))

        def popular(viewer: Viewer, key: str) -> list[int]:
            return [video_id for video_id in by_popularity if video_id not in viewer.seen][:PAGE]

        def followed(viewer: Viewer, key: str) -> list[int]:
            # The viewer follows the creators they love; this feed is their newest videos.
            return [
                item.pk for item in newest if item.creator in viewer.creators and item.pk not in viewer.seen
            ][:PAGE]

        return {"for_you": for_you, "random": random_feed, "popular": popular, "following": followed}

    def _simulate(
        self,
        name: str,
        strategy: Callable[[Viewer, str], list[int]],
        viewers: list[Viewer],
        items: dict[int, Item],
    ) -> dict[str, Any]:
        checkpoints: dict[int, dict[str, list[float]]] = {
            point: {"match": [], "watch": []} for point in CHECKPOINTS
        }
        impressions_by_creator: set[int] = set()
        explore_share: list[float] = []
        for viewer in viewers:
            viewer.signals, viewer.seen = 0, set()
            key = f"sim:{name}:{viewer.index}"
            pending = list(CHECKPOINTS)
            guard = 0
            while pending and guard < 40:
                guard += 1
                page = strategy(viewer, key)
                if not page:
                    for point in pending:  # an empty feed shows nothing anyone likes
                        checkpoints[point]["match"].append(0.0)
                        checkpoints[point]["watch"].append(0.0)
                    break
                if name == "for_you":
                    served = viewer.last_page.items  # type: ignore[attr-defined]
                    explore_share.append(
                        sum(1 for item in served if item.candidate == "explore") / len(served)
                    )
                matches = [1.0 if viewer.likes(items[video_id]) else 0.0 for video_id in page]
                watches = [viewer.watch(items[video_id]) for video_id in page]
                while pending and viewer.signals >= pending[0]:
                    point = pending.pop(0)
                    checkpoints[point]["match"].append(statistics.mean(matches))
                    checkpoints[point]["watch"].append(statistics.mean(watches))
                events: list[services.SignalInput] = []
                for video_id, fraction in zip(page, watches, strict=True):
                    if pending and viewer.signals + len(events) >= pending[0]:
                        break  # measure the next page right at the checkpoint
                    item = items[video_id]
                    viewer.seen.add(video_id)
                    impressions_by_creator.add(item.creator)
                    watched = round(fraction * item.duration, 2)
                    events.append(self._event(item, "impression", 0.0, name))
                    if fraction >= 1.0:
                        events.append(self._event(item, "complete", item.duration, name))
                        if viewer.rng.random() < 0.3:
                            events.append(self._event(item, "like", 0.0, name))
                    elif watched < 2.0:
                        events.append(self._event(item, "skip", watched, name))
                    else:
                        events.append(self._event(item, "progress", watched, name))
                for start in range(0, len(events), settings.SIGNAL_BATCH_MAX):
                    services.signals_record(
                        viewer=viewer_for_user(None, key=key),
                        items=events[start : start + settings.SIGNAL_BATCH_MAX],
                    )
                viewer.signals += len(events)
        creators = {item.creator for item in items.values()}
        return {
            **{
                f"after_{point}": {
                    "match_share": round(statistics.mean(values["match"]), 3),
                    "watch_fraction": round(statistics.mean(values["watch"]), 3),
                }
                for point, values in checkpoints.items()
            },
            "coverage": round(len(impressions_by_creator) / len(creators), 3),
            **({"exploration_share": round(statistics.mean(explore_share), 3)} if explore_share else {}),
        }

    @staticmethod
    def _event(item: Item, kind: str, watched: float, strategy: str) -> services.SignalInput:
        source = "for_you" if strategy == "for_you" else "following" if strategy == "following" else "for_you"
        return services.SignalInput(
            event_id=uuid.uuid4(), video=item.public_id, kind=kind, source=source, watched_seconds=watched
        )

    def _run(self, options: dict[str, Any]) -> dict[str, Any]:
        rng = random.Random(options["seed"])
        items = self._catalogue(options, rng)
        self._background(items, rng)
        catalog_reset()
        catalog_get()
        viewers = self._viewers(options, items, rng)
        results = {}
        for name, strategy in self._strategies(items, rng).items():
            for viewer in viewers:
                viewer.rng.seed(viewer.index)  # the same moods for every strategy
            results[name] = self._simulate(name, strategy, viewers, items)
        popular_match = results["popular"]["after_50"]["match_share"] or 1e-9
        return {
            "benchmark": "recommendation",
            "database": connection.vendor,
            "videos": len(items),
            "creators": options["creators"],
            "viewers": len(viewers),
            **results,
            "for_you_vs_popular_match_after_50": round(
                results["for_you"]["after_50"]["match_share"] / popular_match, 2
            ),
        }
