"""Candidates and scores: which videos a feed considers, and how much the viewer will like each.

score = predicted watch-through × quality × freshness, from the viewer's decayed
topic, hashtag and creator weights. Follower counts are not an input anywhere.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from feeds.ranking.features import Catalog, Features
from feeds.ranking.learning import Weights

FRESHNESS_DAYS = 14.0
HASHTAG_SHARE = 0.5  # a hashtag counts half as much as a topic
INTEREST_POOL_SIZES = (120, 80, 50)  # from the viewer's first, second and third topic
TOP_CREATORS, PER_CREATOR = 5, 8
TRENDING_POOL = 120
EXPLORE_SAMPLE = 60
COWATCH_BOOST = 0.3


@dataclass
class Scored:
    video_id: int
    score: float
    source: str  # interest, creator, trending, explore, cowatch, local, topic


@dataclass(frozen=True)
class Filters:
    """What a viewer may not be shown: seen, hidden or already served, and mature content for minors."""

    excluded: frozenset[int]
    allow_mature: bool

    def allows(self, catalog: Catalog, video_id: int) -> bool:
        item = catalog.features.get(video_id)
        return (
            item is not None and video_id not in self.excluded and (self.allow_mature or not item.is_mature)
        )


def interest(*, item: Features, weights: Weights) -> float:
    """How much the viewer's history says they will like this: the scorer's hot loop, kept flat."""
    raw = weights.creators.get(item.creator_id, 0.0)
    for topic_id in item.topic_ids:
        raw += weights.topics.get(topic_id, 0.0)
    for tag_id in item.hashtag_ids:
        raw += HASHTAG_SHARE * weights.hashtags.get(tag_id, 0.0)
    return raw


def affinity(*, item: Features, weights: Weights) -> tuple[float, str, int]:
    """``interest`` split into its parts, to say which part says most (for the reasons shown)."""
    topic_part = sum(weights.topics.get(topic_id, 0.0) for topic_id in item.topic_ids)
    hashtag_part = HASHTAG_SHARE * sum(weights.hashtags.get(tag_id, 0.0) for tag_id in item.hashtag_ids)
    creator_part = weights.creators.get(item.creator_id, 0.0)
    parts = {"topic": topic_part, "hashtag": hashtag_part, "creator": creator_part}
    strongest = max(parts, key=lambda key: parts[key])
    best_topic = max(item.topic_ids, key=lambda topic_id: weights.topics.get(topic_id, 0.0), default=0)
    return topic_part + hashtag_part + creator_part, strongest, best_topic


def score(*, item: Features, weights: Weights, now_ts: float, boost: float = 0.0) -> float:
    lift = math.tanh(interest(item=item, weights=weights) / 3.0)  # -1 .. 1
    watch_through = min(1.0, max(0.01, item.completion_rate * (1.0 + 1.5 * lift)))
    age_days = max(0.0, (now_ts - item.published_ts) / 86400.0)
    freshness = 0.6 + 0.4 * math.exp(-age_days / FRESHNESS_DAYS)
    return watch_through * item.quality * freshness * (1.0 + boost)


def rank(
    *,
    catalog: Catalog,
    sources: Mapping[str, Iterable[int]],
    weights: Weights,
    filters: Filters,
    now_ts: float,
    boosts: dict[int, float] | None = None,
) -> list[Scored]:
    """Score every allowed candidate once (credited to the first source that found it), best first."""
    best: dict[int, Scored] = {}
    boosts = boosts or {}
    for source, ids in sources.items():
        for video_id in ids:
            if video_id in best or not filters.allows(catalog, video_id):
                continue
            value = score(
                item=catalog.features[video_id],
                weights=weights,
                now_ts=now_ts,
                boost=boosts.get(video_id, 0.0),
            )
            best[video_id] = Scored(video_id=video_id, score=value, source=source)
    return sorted(best.values(), key=lambda scored: scored.score, reverse=True)


def for_you_sources(
    *, catalog: Catalog, weights: Weights, cowatch: list[tuple[int, float]]
) -> tuple[dict[str, list[int]], dict[int, float]]:
    """For You's candidate pools: the viewer's top topics and creators, videos co-watched with their
    recent favourites (boosted by how strongly), and trending; with the co-watch boosts."""
    interest_pool: list[int] = []
    for position, topic_id in enumerate(weights.top_topics(len(INTEREST_POOL_SIZES))):
        interest_pool.extend(catalog.by_topic.get(topic_id, [])[: INTEREST_POOL_SIZES[position]])
    sources: dict[str, list[int]] = {
        "interest": interest_pool,
        "creator": [
            video_id
            for creator_id in weights.top_creators(TOP_CREATORS)
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
