"""Candidates and scores: which videos a feed considers, and how much the viewer will like each.

score = predicted watch-through × quality × freshness, from the viewer's decayed
topic, hashtag and creator weights. Follower counts are not an input anywhere.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from feeds.ranking.features import Catalog, Features, Wants
from feeds.ranking.learning import RATE_LIMIT, History, Weights, interest_rate

FRESHNESS_DAYS = 14.0
# A hashtag says as much as a creator (specific tastes inside a broad topic); a topic says half as much.
HASHTAG_PART, CREATOR_PART, TOPIC_PART = 1.0, 1.0, 0.5
SHARPNESS = 2.0  # interest multiplies the score by exp(SHARPNESS × interest)
UNCERTAINTY = 1.0  # how far a barely-watched video's watch-through may be guessed up or down per page
INTEREST_POOL_SIZES = (120, 80, 50)  # from the viewer's first, second and third topic
HASHTAG_POOL_SIZES = (100, 80, 60, 50, 40, 30)  # from the viewer's best hashtags
TOP_CREATORS, PER_CREATOR = 5, 8
TRENDING_POOL = 120
EXPLORE_SAMPLE = 60
COWATCH_BOOST = 0.3
# A short-term interest this low in a topic only "not for me" can teach (leaving at once is -0.6 a view):
# the viewer's session has turned against the topic, and the ranked feeds leave it out until it recovers.
NOT_FOR_ME_RATE = -1.0


@dataclass
class Scored:
    video_id: int
    score: float
    source: str  # interest, hashtag, creator, trending, explore, cowatch, local, topic


@dataclass(frozen=True)
class Filters:
    """What a viewer may not be shown: seen, hidden or already served, mature content for minors, and the
    creators and topics they said "not for me" to (``not_for_me``)."""

    excluded: frozenset[int]
    allow_mature: bool
    creators: frozenset[int] = frozenset()
    topics: frozenset[int] = frozenset()

    def allows(self, catalog: Catalog, video_id: int) -> bool:
        item = catalog.features.get(video_id)
        return (
            item is not None
            and video_id not in self.excluded
            and (self.allow_mature or not item.is_mature)
            and item.creator_id not in self.creators
            and self.topics.isdisjoint(item.topic_ids)
        )


def not_for_me(
    *, history: History, now_ts: float, feed_topic: int | None = None
) -> tuple[frozenset[int], frozenset[int]]:
    """The creators and topics the ranked feeds leave out for this viewer now: every creator they said
    "not for me" to lately (``History.creators_not_for_me``), and the topics their short-term interest has
    turned against (``NOT_FOR_ME_RATE``) — never the topic of the feed they chose."""
    recent = history.weights.recent or Weights()
    topics = frozenset(
        topic
        for topic, gain in recent.topics.items()
        if topic != feed_topic
        and interest_rate(
            gain=0.0, views=0.0, recent_gain=gain, recent_views=recent.topic_views.get(topic, 0.0)
        )
        <= NOT_FOR_ME_RATE
    )
    return history.creators_not_for_me(now_ts=now_ts), topics


@dataclass(frozen=True)
class Affinity:
    """A viewer's interest per topic, hashtag and creator, read once per page from their weights: the
    outcome per view over the long term and the last few views together (see ``learning.learn``)."""

    topics: dict[int, float]
    hashtags: dict[int, float]
    creators: dict[int, float]

    @classmethod
    def of(cls, weights: Weights) -> Affinity:
        """``Weights.rate`` for every key the weights know, in one pass per part (read once per page)."""
        recent = weights.recent or Weights()

        def rates(
            gains: dict[int, float],
            views: dict[int, float],
            short: dict[int, float],
            short_views: dict[int, float],
        ) -> dict[int, float]:
            return {
                key: interest_rate(
                    gain=gains.get(key, 0.0),
                    views=views.get(key, 0.0),
                    recent_gain=short.get(key, 0.0),
                    recent_views=short_views.get(key, 0.0),
                )
                for key in gains.keys() | short.keys()
            }

        return cls(
            topics=rates(weights.topics, weights.topic_views, recent.topics, recent.topic_views),
            hashtags=rates(weights.hashtags, weights.hashtag_views, recent.hashtags, recent.hashtag_views),
            creators=rates(weights.creators, weights.creator_views, recent.creators, recent.creator_views),
        )

    @staticmethod
    def _top(rates: dict[int, float], count: int) -> list[int]:
        return sorted((key for key, rate in rates.items() if rate > 0), key=rates.__getitem__, reverse=True)[
            :count
        ]

    def top_topics(self, count: int) -> list[int]:
        """The topics enjoyed most per view, best first (only enjoyed ones)."""
        return self._top(self.topics, count)

    def top_hashtags(self, count: int) -> list[int]:
        return self._top(self.hashtags, count)

    def top_creators(self, count: int) -> list[int]:
        return self._top(self.creators, count)


def _best(rates: dict[int, float], keys: tuple[int, ...]) -> float:
    """The best-liked of a video's topics or hashtags (one liked hashtag is enough); 0 if none is known."""
    best = None
    for key in keys:
        rate = rates.get(key)
        if rate is not None and (best is None or rate > best):
            best = rate
    return best or 0.0


def interest(*, item: Features, weights: Weights | Affinity) -> float:
    """How much the viewer's history says they will enjoy this: the scorer's hot loop, kept flat."""
    rates = weights if isinstance(weights, Affinity) else Affinity.of(weights)
    return (
        HASHTAG_PART * _best(rates.hashtags, item.hashtag_ids)
        + CREATOR_PART * rates.creators.get(item.creator_id, 0.0)
        + TOPIC_PART * _best(rates.topics, item.topic_ids)
    )


def affinity(*, item: Features, weights: Weights | Affinity) -> tuple[float, str, int]:
    """The part of ``interest`` that says most, its value and the best-liked topic (for the reasons shown)."""
    rates = weights if isinstance(weights, Affinity) else Affinity.of(weights)
    parts = {
        "topic": TOPIC_PART * _best(rates.topics, item.topic_ids),
        "hashtag": HASHTAG_PART * _best(rates.hashtags, item.hashtag_ids),
        "creator": CREATOR_PART * rates.creators.get(item.creator_id, 0.0),
    }
    strongest = max(parts, key=lambda key: parts[key])
    best_topic = max(item.topic_ids, key=lambda topic_id: rates.topics.get(topic_id, 0.0), default=0)
    return parts[strongest], strongest, best_topic


def guess(*, seed: int, video_id: int, impressions: int) -> float:
    """A repeatable guess at how far a video's watch-through may be off, for one viewer's page: up to
    ±UNCERTAINTY/√(impressions+6) in log terms (Thompson-style), so viewers with the same taste do not all
    get the same few videos and the barely-watched ones get their chance."""
    spread = hash((seed, video_id)) % 2001 / 1000.0 - 1.0
    return spread * UNCERTAINTY / math.sqrt(impressions + 6.0)


def score(
    *, item: Features, weights: Weights | Affinity, now_ts: float, boost: float = 0.0, jitter: float = 0.0
) -> float:
    """predicted watch-through × quality × freshness, raised or lowered by the viewer's interest."""
    lift = max(-RATE_LIMIT, min(RATE_LIMIT, interest(item=item, weights=weights)))
    age_days = max(0.0, (now_ts - item.published_ts) / 86400.0)
    freshness = 0.6 + 0.4 * math.exp(-age_days / FRESHNESS_DAYS)
    return (
        item.completion_rate * item.quality * freshness * math.exp(SHARPNESS * lift + jitter) * (1.0 + boost)
    )


def rank(
    *,
    catalog: Catalog,
    sources: Mapping[str, Iterable[int]],
    weights: Weights | Affinity,
    filters: Filters,
    now_ts: float,
    boosts: dict[int, float] | None = None,
    seed: int | None = None,
) -> list[Scored]:
    """Score every allowed candidate once (credited to the first source that found it), best first.

    With a ``seed``, each score carries that page's ``guess`` at the video's watch-through."""
    best: dict[int, Scored] = {}
    boosts = boosts or {}
    rates = weights if isinstance(weights, Affinity) else Affinity.of(weights)
    features, excluded, allow_mature = catalog.features, filters.excluded, filters.allow_mature
    not_creators, not_topics = filters.creators, filters.topics
    # ``score`` inlined (the feed's hot loop; a test checks the two agree): names bound once, no calls
    # per candidate but the arithmetic.
    hashtags, creators, topics = rates.hashtags, rates.creators, rates.topics
    exp, sqrt, limit = math.exp, math.sqrt, RATE_LIMIT
    for source, ids in sources.items():
        for video_id in ids:
            if video_id in best or video_id in excluded:
                continue
            item = features.get(video_id)  # ``Filters.allows``, inlined
            if item is None or (item.is_mature and not allow_mature):
                continue
            if item.creator_id in not_creators or (not_topics and not not_topics.isdisjoint(item.topic_ids)):
                continue
            tag = topic = None
            for key in item.hashtag_ids:
                rate = hashtags.get(key)
                if rate is not None and (tag is None or rate > tag):
                    tag = rate
            for key in item.topic_ids:
                rate = topics.get(key)
                if rate is not None and (topic is None or rate > topic):
                    topic = rate
            lift = (
                HASHTAG_PART * (tag or 0.0)
                + CREATOR_PART * creators.get(item.creator_id, 0.0)
                + TOPIC_PART * (topic or 0.0)
            )
            lift = -limit if lift < -limit else limit if lift > limit else lift
            if seed is not None:
                lift_jitter = SHARPNESS * lift + (
                    hash((seed, video_id)) % 2001 / 1000.0 - 1.0
                ) * UNCERTAINTY / sqrt(item.impressions + 6.0)
            else:
                lift_jitter = SHARPNESS * lift
            age_days = (now_ts - item.published_ts) / 86400.0
            freshness = 0.6 + 0.4 * exp(-(age_days if age_days > 0 else 0.0) / FRESHNESS_DAYS)
            value = item.watch_value * freshness * exp(lift_jitter) * (1.0 + boosts.get(video_id, 0.0))
            best[video_id] = Scored(video_id=video_id, score=value, source=source)
    return sorted(best.values(), key=lambda scored: scored.score, reverse=True)


def for_you_wants(*, weights: Affinity, cowatch: list[tuple[int, float]], seed: str) -> Wants:
    """What ``for_you_sources`` and ``explore_sample`` will read, for a store that fetches only that."""
    return Wants(
        topics=dict(zip(weights.top_topics(len(INTEREST_POOL_SIZES)), INTEREST_POOL_SIZES, strict=False)),
        hashtags=dict(zip(weights.top_hashtags(len(HASHTAG_POOL_SIZES)), HASHTAG_POOL_SIZES, strict=False)),
        creators=dict.fromkeys(weights.top_creators(TOP_CREATORS), PER_CREATOR),
        trending=TRENDING_POOL,
        explore=tuple(random.Random(seed).random() for _ in range(EXPLORE_SAMPLE)),  # noqa: S311
        ids=tuple(video_id for video_id, _ in cowatch),
    )


def for_you_sources(
    *, catalog: Catalog, weights: Weights | Affinity, cowatch: list[tuple[int, float]]
) -> tuple[dict[str, list[int]], dict[int, float]]:
    """For You's candidate pools: the viewer's best hashtags, topics and creators, videos co-watched with their
    recent favourites (boosted by how strongly), and trending; with the co-watch boosts."""
    rates = weights if isinstance(weights, Affinity) else Affinity.of(weights)
    interest_pool: list[int] = []
    for position, topic_id in enumerate(rates.top_topics(len(INTEREST_POOL_SIZES))):
        interest_pool.extend(catalog.by_topic.get(topic_id, [])[: INTEREST_POOL_SIZES[position]])
    hashtag_pool: list[int] = []
    for position, tag_id in enumerate(rates.top_hashtags(len(HASHTAG_POOL_SIZES))):
        hashtag_pool.extend(catalog.by_hashtag.get(tag_id, [])[: HASHTAG_POOL_SIZES[position]])
    sources: dict[str, list[int]] = {
        "hashtag": hashtag_pool,
        "interest": interest_pool,
        "creator": [
            video_id
            for creator_id in rates.top_creators(TOP_CREATORS)
            for video_id in catalog.by_creator.get(creator_id, [])[:PER_CREATOR]
        ],
    }
    boosts: dict[int, float] = {}
    if cowatch:
        top = max((weight for _, weight in cowatch), default=1.0) or 1.0
        sources["cowatch"] = [video_id for video_id, _ in cowatch]
        boosts = {video_id: COWATCH_BOOST * weight / top for video_id, weight in cowatch}
    sources["trending"] = catalog.trending[:TRENDING_POOL]
    return sources, boosts


def rewatch_order(
    *, catalog: Catalog, recent: Sequence[int], filters: Filters
) -> tuple[list[int], list[int]]:
    """For a viewer who has seen everything For You would pick: every other video they may see,
    split into never seen and seen before (least recently seen first), so the feed never runs dry.

    ``recent`` is what the viewer was shown, oldest first (their history, then this session's pages)."""
    last_seen: dict[int, int] = {}
    for position, video_id in enumerate(recent):
        last_seen[video_id] = position
    unseen = [
        video_id
        for video_id in catalog.features
        if video_id not in last_seen and filters.allows(catalog, video_id)
    ]
    again = [
        video_id
        for video_id in sorted(last_seen, key=last_seen.__getitem__)
        if filters.allows(catalog, video_id)
    ]
    return unseen, again


def staleness_boosts(again: Sequence[int]) -> dict[int, float]:
    """Scale each repeat's score by how long ago it was seen (oldest × 1, just seen × almost 0), so
    the best matches come back first and nothing is starved: what waits grows older than the rest."""
    count = len(again)
    return {video_id: -position / count for position, video_id in enumerate(again)}


def explore_sample(*, catalog: Catalog, filters: Filters, seed: str) -> list[int]:
    """Fresh and under-exposed videos to try out, random but repeatable for one seed."""
    rng = random.Random(seed)  # noqa: S311  (not security: reproducible feeds and tests)
    return [
        video_id
        for video_id in rng.sample(catalog.fresh, min(EXPLORE_SAMPLE, len(catalog.fresh)))
        if filters.allows(catalog, video_id)
    ]
