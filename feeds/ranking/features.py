"""What ranking knows about a video: its features, the candidate catalog's shape, and quality.

Pure data and arithmetic, no ORM: ``feeds.catalog`` fills these from the
database; everything in ``feeds.ranking`` reads them. Follower counts are not a
feature: the catalog does not even carry them.

The scorer reads a catalog's features as columns (``FeatureTable``, NumPy arrays, one row per video):
a page scores its ~600 candidates in a few array operations, and builds ``Features`` objects only for
the few dozen videos the page rules and the page itself look at.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

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


# Pads the rows of a table's topic and hashtag columns: no id is negative.
NO_ID = -1
# A table this large whose ids run from 0 to at most this many times its rows finds rows by position
# (``FeatureTable.dense_rows``): a page's ~700 lookups in a 100k-video catalog then cost one read each.
DENSE_MIN_ROWS, DENSE_SPREAD = 1024, 4


@dataclass(frozen=True, eq=False)
class FeatureTable:
    """The features the scorer reads, as columns: one row per video (``rows`` maps a video id to its row).

    ``topic_ids`` and ``hashtag_ids`` are matrices as wide as the row with the most, padded with ``NO_ID``.
    ``watch_value`` is ``Features.watch_value`` (completion rate × quality)."""

    video_ids: np.ndarray
    creator_ids: np.ndarray
    published_ts: np.ndarray
    impressions: np.ndarray
    watch_value: np.ndarray
    is_mature: np.ndarray
    topic_ids: np.ndarray
    hashtag_ids: np.ndarray
    rows: dict[int, int]
    # The video ids in order, and the row of each: ``rows_of`` looks many up at once.
    sorted_ids: np.ndarray
    sorted_rows: np.ndarray
    # Where the ids are dense (a whole catalog's, 1 to about its size): the row of each id by position, -1
    # where none, and -1 once more at the end for every id past it. ``rows_of`` then reads it directly.
    dense_rows: np.ndarray | None = None

    @classmethod
    def of(cls, features: Iterable[Features]) -> FeatureTable:
        items = list(features)
        return cls.from_columns(
            video_ids=np.fromiter((item.video_id for item in items), np.int64, len(items)),
            creator_ids=np.fromiter((item.creator_id for item in items), np.int64, len(items)),
            published_ts=np.fromiter((item.published_ts for item in items), np.float64, len(items)),
            impressions=np.fromiter((item.impressions for item in items), np.int64, len(items)),
            watch_value=np.fromiter((item.watch_value for item in items), np.float64, len(items)),
            is_mature=np.fromiter((item.is_mature for item in items), np.bool_, len(items)),
            topic_ids=_padded([item.topic_ids for item in items]),
            hashtag_ids=_padded([item.hashtag_ids for item in items]),
        )

    @classmethod
    def from_columns(cls, **columns: np.ndarray) -> FeatureTable:
        video_ids = columns["video_ids"]
        order = np.argsort(video_ids, kind="stable")
        dense_rows = None
        top = int(video_ids.max(initial=-1))
        if len(video_ids) >= DENSE_MIN_ROWS and video_ids.min() >= 0 and top <= DENSE_SPREAD * len(video_ids):
            dense_rows = np.full(top + 2, -1, dtype=np.int64)
            dense_rows[video_ids[order][::-1]] = order[::-1]  # a repeated id keeps its first row
        return cls(
            **columns,
            rows={video_id: row for row, video_id in enumerate(video_ids.tolist())},
            sorted_ids=video_ids[order],
            sorted_rows=order,
            dense_rows=dense_rows,
        )

    def rows_of(self, video_ids: np.ndarray) -> np.ndarray:
        """The row of each of ``video_ids``, -1 for one the table does not have."""
        if self.dense_rows is not None:
            past = len(self.dense_rows) - 1
            return self.dense_rows[np.where((video_ids >= 0) & (video_ids < past), video_ids, past)]
        if not len(self.sorted_ids):
            return np.full(len(video_ids), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.sorted_ids, video_ids), len(self.sorted_ids) - 1)
        return np.where(self.sorted_ids[at] == video_ids, self.sorted_rows[at], -1)

    def with_rows_of(self, other: FeatureTable) -> FeatureTable:
        """This table and the rows of ``other`` whose videos it does not have yet."""
        new = np.fromiter(
            (row for video_id, row in other.rows.items() if video_id not in self.rows), np.int64
        )
        if not len(new):
            return self

        def joined(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
            if mine.ndim == 1:
                return np.concatenate((mine, theirs[new]))
            width = max(mine.shape[1], theirs.shape[1])
            return np.concatenate((_widened(mine, width), _widened(theirs[new], width)))

        return FeatureTable.from_columns(
            **{name: joined(getattr(self, name), getattr(other, name)) for name in TABLE_COLUMNS}
        )


TABLE_COLUMNS = (
    "video_ids",
    "creator_ids",
    "published_ts",
    "impressions",
    "watch_value",
    "is_mature",
    "topic_ids",
    "hashtag_ids",
)


def _padded(rows: list[tuple[int, ...]]) -> np.ndarray:
    width = max(map(len, rows), default=0)
    matrix = np.full((len(rows), width), NO_ID, dtype=np.int64)
    for index, ids in enumerate(rows):
        matrix[index, : len(ids)] = ids
    return matrix


def _widened(matrix: np.ndarray, width: int) -> np.ndarray:
    if matrix.shape[1] == width:
        return matrix
    return np.pad(matrix, ((0, 0), (0, width - matrix.shape[1])), constant_values=NO_ID)


def watch_values(
    *,
    impressions: np.ndarray,
    completions: np.ndarray,
    likes: np.ndarray,
    shares: np.ndarray,
    skips: np.ndarray,
    not_interested: np.ndarray,
) -> np.ndarray:
    """``Features.watch_value`` of many videos at once: ``watch_through`` × ``quality_of``, the same
    arithmetic in the same order (so the same floats)."""
    completion_rate = (completions + 2.0) / (impressions + 6.0)
    engagement = (likes + 2.0 * shares + 1.0) / (impressions + 20.0)
    negative = (skips + 3.0 * not_interested) / (impressions + 20.0)
    return completion_rate * np.maximum(0.05, 1.0 + 4.0 * engagement - 1.5 * negative)


class PackedFeatures(Mapping[int, "Features"]):
    """Features kept packed (``packed``: video id → what ``decode`` turns into ``Features``), each decoded
    the first time it is read: a page reads a few dozen of the hundreds it ranks."""

    def __init__(self, packed: dict[int, Any], decode: Callable[[Any], Features]) -> None:
        self.packed, self.decode = packed, decode
        self.decoded: dict[int, Features] = {}

    def __getitem__(self, video_id: int) -> Features:
        item = self.decoded.get(video_id)
        if item is None:
            item = self.decoded[video_id] = self.decode(self.packed[video_id])
        return item

    def __contains__(self, video_id: object) -> bool:
        return video_id in self.packed

    def __iter__(self) -> Iterator[int]:
        return iter(self.packed)

    def __len__(self) -> int:
        return len(self.packed)

    def absorb(self, other: Mapping[int, Features]) -> None:
        """Take in the videos of ``other`` this does not hold yet."""
        if isinstance(other, PackedFeatures):
            for video_id, packed in other.packed.items():
                self.packed.setdefault(video_id, packed)
            return
        for video_id, item in other.items():
            if video_id not in self.packed:
                self.packed[video_id] = item
                self.decoded[video_id] = item


@dataclass
class Catalog:
    """Every video that may appear in For You and topic feeds, indexed the ways candidates are drawn.

    ``features`` is a dict of them (this process's catalog) or ``PackedFeatures`` (a page's view of the
    shared pools); ``table`` their columns for the scorer, built on first use where not given."""

    built_at: float
    features: Mapping[int, Features]
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
    table: FeatureTable | None = None

    def columns(self) -> FeatureTable:
        """The features as the scorer reads them (built here the first time for a catalog made without)."""
        if self.table is None:
            self.table = FeatureTable.of(self.features.values())
        return self.table

    def absorb(self, other: Catalog) -> None:
        """A page view takes in the features of another view of the same pools (a second read)."""
        if other is self:
            return
        if isinstance(self.features, PackedFeatures):
            self.features.absorb(other.features)
        elif isinstance(self.features, dict):
            for video_id, item in other.features.items():
                self.features.setdefault(video_id, item)
        else:
            raise TypeError("a catalog whose features are read-only takes in no others")
        if self.table is not None:
            self.table = self.table.with_rows_of(other.columns())


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
        table=FeatureTable.of(features.values()),
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
