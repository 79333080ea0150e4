"""The candidate catalog: every video that may appear in For You and topic feeds, with its ranking features.

Candidate generation reads this in-memory index instead of scanning the video
table on every request. It is rebuilt from the database when it is older than
``FEED_CATALOG_TTL_SECONDS`` or marked stale (a video was published, moderated
or deleted; the rollup updated the stats). A stale catalog keeps serving while a
background thread rebuilds it, so no request waits for a rebuild except the
first one (and every one in tests, where ``FEED_CATALOG_SYNC_REFRESH`` is on).
Removed, limited and non-public videos are never in it, and the final page query
re-checks moderation, so a stale catalog can only ever show fewer videos.
"""

from __future__ import annotations

import gc
import logging
import math
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from creators.models import Hashtag, Topic, Video, VideoTopic
from creators.selectors import creator_is_restricted_q
from feeds.models import VideoStats

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Features:
    video_id: int
    public_id: uuid.UUID
    creator_id: int
    topic_ids: tuple[int, ...]
    hashtag_ids: tuple[int, ...]
    region: str
    is_mature: bool
    is_news_verified: bool
    published_ts: float
    duration: float
    impressions: int
    completions: int
    likes: int
    shares: int
    skips: int
    not_interested: int
    recent_completions: float

    @property
    def completion_rate(self) -> float:
        # Smoothed toward 1/3 so a video with three views can't outrank one with three thousand.
        return (self.completions + 2.0) / (self.impressions + 6.0)

    @property
    def quality(self) -> float:
        engagement = (self.likes + 2.0 * self.shares + 1.0) / (self.impressions + 20.0)
        negative = (self.skips + 3.0 * self.not_interested) / (self.impressions + 20.0)
        return max(0.05, 1.0 + 4.0 * engagement - 1.5 * negative)


@dataclass
class Catalog:
    built_at: float
    features: dict[int, Features]
    by_topic: dict[int, list[int]]
    by_creator: dict[int, list[int]]
    by_region: dict[str, list[int]]
    trending: list[int]
    fresh: list[int]
    topic_ids: dict[str, int] = field(default_factory=dict)
    topic_names: dict[int, str] = field(default_factory=dict)
    topic_slugs: dict[int, str] = field(default_factory=dict)
    hashtag_names: dict[int, str] = field(default_factory=dict)
    by_public_id: dict[uuid.UUID, int] = field(default_factory=dict)


_lock = threading.Lock()
_state: dict[str, object] = {"catalog": None, "stale": False, "building": False}


def _build() -> Catalog:
    started = time.perf_counter()
    videos = (
        Video.objects.filter(
            state=Video.State.PUBLISHED,
            moderation_state=Video.Moderation.VISIBLE,
            visibility=Video.Visibility.PUBLIC,
        )
        .exclude(creator_is_restricted_q("owner__"))
        .values_list(
            "pk",
            "public_id",
            "owner_id",
            "owner__region",
            "owner__user__region",
            "content_level",
            "owner__user__is_verified_publisher",
            "published_at",
            "rendition_duration",
            "duration",
        )
        .iterator(chunk_size=5000)
    )
    rows = list(videos)
    topics: dict[int, list[int]] = defaultdict(list)
    for video_id, topic_id in (
        VideoTopic.objects.filter(review_state=VideoTopic.Review.APPROVED)
        .values_list("video_id", "topic_id")
        .iterator(chunk_size=20000)
    ):
        topics[video_id].append(topic_id)
    hashtags: dict[int, list[int]] = defaultdict(list)
    through = Video.hashtags.through
    for video_id, hashtag_id in through.objects.values_list("video_id", "hashtag_id").iterator(
        chunk_size=20000
    ):
        if len(hashtags[video_id]) < 10:
            hashtags[video_id].append(hashtag_id)
    stats = {
        row[0]: row[1:]
        for row in VideoStats.objects.values_list(
            "video_id", *VideoStats.COUNTERS, "recent_completions"
        ).iterator(chunk_size=20000)
    }
    features: dict[int, Features] = {}
    now = timezone.now()
    for (
        pk,
        public_id,
        owner_id,
        profile_region,
        user_region,
        level,
        verified,
        published_at,
        rendition_duration,
        duration,
    ) in rows:
        counts = stats.get(pk, (0, 0, 0, 0, 0, 0, 0.0))
        features[pk] = Features(
            video_id=pk,
            public_id=public_id,
            creator_id=owner_id,
            topic_ids=tuple(topics.get(pk, ())),
            hashtag_ids=tuple(hashtags.get(pk, ())),
            region=profile_region or user_region or "",
            is_mature=level == Video.ContentLevel.MATURE,
            is_news_verified=bool(verified),
            published_ts=(published_at or now).timestamp(),
            duration=float(rendition_duration or duration or 0.0),
            impressions=counts[0],
            completions=counts[1],
            likes=counts[2],
            shares=counts[3],
            skips=counts[4],
            not_interested=counts[5],
            recent_completions=counts[6],
        )
    by_topic: dict[int, list[int]] = defaultdict(list)
    by_creator: dict[int, list[int]] = defaultdict(list)
    by_region: dict[str, list[int]] = defaultdict(list)
    for item in features.values():
        for topic_id in item.topic_ids:
            by_topic[topic_id].append(item.video_id)
        by_creator[item.creator_id].append(item.video_id)
        if item.region:
            by_region[item.region].append(item.video_id)

    def strength(video_id: int) -> float:
        item = features[video_id]
        return item.completion_rate * item.quality * math.log1p(item.impressions + 1)

    for index in (by_topic, by_region):
        for _key, members in index.items():
            members.sort(key=strength, reverse=True)
            del members[settings.FEED_POOL_SIZE :]
    for members in by_creator.values():
        members.sort(key=lambda video_id: features[video_id].published_ts, reverse=True)
        del members[50:]
    trending = sorted(
        features,
        key=lambda video_id: (
            (features[video_id].recent_completions + 1.0) * features[video_id].completion_rate
        ),
        reverse=True,
    )[: settings.FEED_POOL_SIZE]
    week_ago = (now.timestamp()) - 7 * 86400
    fresh = [
        video_id
        for video_id, item in features.items()
        if item.impressions < settings.FEED_EXPLORE_MAX_IMPRESSIONS or item.published_ts > week_ago
    ]
    fresh.sort(key=lambda video_id: (features[video_id].impressions, -features[video_id].published_ts))
    fresh = fresh[: settings.FEED_POOL_SIZE * 4]
    topic_rows = list(Topic.objects.values_list("pk", "slug", "name"))
    catalog = Catalog(
        built_at=time.monotonic(),
        features=features,
        by_topic=dict(by_topic),
        by_creator=dict(by_creator),
        by_region=dict(by_region),
        trending=trending,
        fresh=fresh,
        topic_ids={slug: pk for pk, slug, _ in topic_rows},
        topic_names={pk: name for pk, _, name in topic_rows},
        topic_slugs={pk: slug for pk, slug, _ in topic_rows},
        hashtag_names=dict(Hashtag.objects.values_list("pk", "name")),
        by_public_id={item.public_id: item.video_id for item in features.values()},
    )
    # The catalog lives for minutes and holds ~10 objects per video: keep the cyclic
    # garbage collector from walking it on every full collection (latency spikes).
    gc.freeze()
    logger.info("Feed catalog: %d videos in %.2fs", len(features), time.perf_counter() - started)
    return catalog


def _rebuild_in_background() -> None:
    from django.db import connection

    try:
        catalog = _build()
        with _lock:
            _state["catalog"], _state["stale"] = catalog, False
    except Exception:
        logger.exception("Feed catalog rebuild failed; serving the previous one.")
    finally:
        _state["building"] = False
        connection.close()


def catalog_get() -> Catalog:
    catalog = _state["catalog"]
    is_old = isinstance(catalog, Catalog) and (
        _state["stale"] or time.monotonic() - catalog.built_at > settings.FEED_CATALOG_TTL_SECONDS
    )
    if not isinstance(catalog, Catalog) or (is_old and settings.FEED_CATALOG_SYNC_REFRESH):
        catalog = _build()
        with _lock:
            _state["catalog"], _state["stale"] = catalog, False
        return catalog
    if is_old and not _state["building"]:
        with _lock:
            if not _state["building"]:
                _state["building"] = True
                threading.Thread(target=_rebuild_in_background, name="feed-catalog", daemon=True).start()
    return catalog


def catalog_mark_stale(video_id: int | None = None) -> None:
    _state["stale"] = True


def catalog_reset() -> None:
    """Forget the catalog (tests and benchmarks)."""
    with _lock:
        _state["catalog"], _state["stale"] = None, False
