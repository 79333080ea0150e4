"""What ranking knows about a video: its features, the candidate catalog's shape, and quality.

Pure data and arithmetic, no ORM: ``feeds.catalog`` fills these from the
database; everything in ``feeds.ranking`` reads them. Follower counts are not a
feature: the catalog does not even carry them.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field

WEEK_SECONDS = 7 * 86400


def watch_through(*, completions: int, impressions: int) -> float:
    """The smoothed watch-through: pulled toward 1/3 so three lucky views can't beat three thousand."""
    return (completions + 2.0) / (impressions + 6.0)


def quality_of(*, impressions: int, likes: int, shares: int, skips: int, not_interested: int) -> float:
    """Likes and shares lift a video; skips and "not interested" sink it (never below 0.05)."""
    engagement = (likes + 2.0 * shares + 1.0) / (impressions + 20.0)
    negative = (skips + 3.0 * not_interested) / (impressions + 20.0)
    return max(0.05, 1.0 + 4.0 * engagement - 1.5 * negative)


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
    # completion_rate × quality, worked out once: the scorer reads it for every candidate of every page.
    watch_value: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "watch_value", self.completion_rate * self.quality)

    @property
    def completion_rate(self) -> float:
        return watch_through(completions=self.completions, impressions=self.impressions)

    @property
    def quality(self) -> float:
        return quality_of(
            impressions=self.impressions,
            likes=self.likes,
            shares=self.shares,
            skips=self.skips,
            not_interested=self.not_interested,
        )

    @property
    def pool_strength(self) -> float:
        """How topic and region pools order their members before they are cut to size."""
        return self.completion_rate * self.quality * math.log1p(self.impressions + 1)

    @property
    def trending_strength(self) -> float:
        """Recent completions (decayed by the rollup) weighted by how often viewers finish it."""
        return (self.recent_completions + 1.0) * self.completion_rate

    def is_fresh(self, *, now_ts: float, max_impressions: int) -> bool:
        """Under-exposed or new this week: a candidate for exploration."""
        return self.impressions < max_impressions or self.published_ts > now_ts - WEEK_SECONDS


@dataclass
class Catalog:
    """Every video that may appear in For You and topic feeds, indexed the ways candidates are drawn."""

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
    by_hashtag: dict[int, list[int]] = field(default_factory=dict)
    # Read for one page only (from shared pools): its features may be added to; a shared catalog's never.
    is_page_view: bool = False


@dataclass(frozen=True)
class Wants:
    """Which candidates one page may rank: how many of the best of each pool, and videos known by id.

    A candidate store answers it with a ``Catalog`` holding those pools (cut to size) and the features
    of every video in them; a store that holds everything in memory may answer with all of it."""

    topics: dict[int, int] = field(default_factory=dict)
    hashtags: dict[int, int] = field(default_factory=dict)
    creators: dict[int, int] = field(default_factory=dict)
    region: str = ""
    region_count: int = 0
    trending: int = 0
    # Positions in [0, 1) to sample the fresh pool at (drawn from the page's seed): exploration.
    explore: tuple[float, ...] = ()
    ids: tuple[int, ...] = ()


def catalog_index(
    *,
    features: dict[int, Features],
    topics: list[tuple[int, str, str]],
    hashtag_names: dict[int, str],
    pool_size: int,
    explore_max_impressions: int,
    now_ts: float,
    built_at: float,
) -> Catalog:
    """Index features into candidate pools: per topic, hashtag and region the strongest ``pool_size``, per
    creator the newest 50, trending, and fresh (under-exposed first) for exploration."""
    by_topic: dict[int, list[int]] = {}
    by_creator: dict[int, list[int]] = {}
    by_region: dict[str, list[int]] = {}
    by_hashtag: dict[int, list[int]] = {}
    for item in features.values():
        for topic_id in item.topic_ids:
            by_topic.setdefault(topic_id, []).append(item.video_id)
        for tag_id in item.hashtag_ids:
            by_hashtag.setdefault(tag_id, []).append(item.video_id)
        by_creator.setdefault(item.creator_id, []).append(item.video_id)
        if item.region:
            by_region.setdefault(item.region, []).append(item.video_id)

    def strength(video_id: int) -> float:
        return features[video_id].pool_strength

    for index in (by_topic, by_region, by_hashtag):
        for members in index.values():
            members.sort(key=strength, reverse=True)
            del members[pool_size:]
    for members in by_creator.values():
        members.sort(key=lambda video_id: features[video_id].published_ts, reverse=True)
        del members[50:]
    trending = sorted(features, key=lambda video_id: features[video_id].trending_strength, reverse=True)
    fresh = [
        video_id
        for video_id, item in features.items()
        if item.is_fresh(now_ts=now_ts, max_impressions=explore_max_impressions)
    ]
    fresh.sort(key=lambda video_id: (features[video_id].impressions, -features[video_id].published_ts))
    return Catalog(
        built_at=built_at,
        features=features,
        by_topic=by_topic,
        by_creator=by_creator,
        by_region=by_region,
        trending=trending[:pool_size],
        fresh=fresh[: pool_size * 4],
        topic_ids={slug: pk for pk, slug, _ in topics},
        topic_names={pk: name for pk, _, name in topics},
        topic_slugs={pk: slug for pk, slug, _ in topics},
        hashtag_names=hashtag_names,
        by_public_id={item.public_id: item.video_id for item in features.values()},
        by_hashtag=by_hashtag,
    )
