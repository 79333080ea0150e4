"""The scorer and the page rules, as pure functions over catalog features and an interest profile.

score = predicted watch-through × quality × freshness. Follower counts are not
an input anywhere here: the catalog does not even carry them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from feeds.catalog import Catalog, Features

FRESHNESS_DAYS = 14.0
MAX_PER_CREATOR = 2
MAX_TOPIC_RUN = 2  # never three in a row from one topic
HASHTAG_SHARE = 0.5  # a hashtag counts half as much as a topic


@dataclass
class Weights:
    topics: dict[int, float] = field(default_factory=dict)
    hashtags: dict[int, float] = field(default_factory=dict)
    creators: dict[int, float] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, dict[str, float]] | None) -> Weights:
        data = data or {}
        return cls(
            topics={int(key): value for key, value in data.get("t", {}).items()},
            hashtags={int(key): value for key, value in data.get("h", {}).items()},
            creators={int(key): value for key, value in data.get("c", {}).items()},
        )

    def to_json(self) -> dict[str, dict[str, float]]:
        def top(weights: dict[int, float], keep: int) -> dict[str, float]:
            ranked = sorted(weights.items(), key=lambda pair: abs(pair[1]), reverse=True)[:keep]
            return {str(key): round(value, 4) for key, value in ranked if abs(value) >= 0.01}

        return {"t": top(self.topics, 40), "h": top(self.hashtags, 150), "c": top(self.creators, 150)}

    def decay(self, factor: float) -> None:
        for weights in (self.topics, self.hashtags, self.creators):
            for key in weights:
                weights[key] *= factor

    def top_topics(self, count: int) -> list[int]:
        return [
            key for key, value in sorted(self.topics.items(), key=lambda p: p[1], reverse=True) if value > 0
        ][:count]

    def top_creators(self, count: int) -> list[int]:
        return [
            key for key, value in sorted(self.creators.items(), key=lambda p: p[1], reverse=True) if value > 0
        ][:count]


@dataclass
class Scored:
    video_id: int
    score: float
    source: str  # interest, creator, trending, explore, cowatch, local, topic


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


def primary_topic(item: Features) -> int | None:
    return item.topic_ids[0] if item.topic_ids else None


def diversify(
    *,
    ranked: Sequence[Scored],
    explore: Sequence[Scored],
    catalog: Catalog,
    size: int,
    explore_share: float = 0.1,
) -> list[Scored]:
    """Pick a page: at most 2 per creator, never 3 in a row from one topic, and >= explore_share exploration."""
    explore_slots = math.ceil(size * explore_share) if explore else 0
    explore_positions = {int((index + 1) * size / (explore_slots + 1)) for index in range(explore_slots)}
    page: list[Scored] = []
    per_creator: Counter[int] = Counter()
    used: set[int] = set()
    main, extra = list(ranked), list(explore)

    def fits(candidate: Scored) -> bool:
        item = catalog.features[candidate.video_id]
        if candidate.video_id in used or per_creator[item.creator_id] >= MAX_PER_CREATOR:
            return False
        topic = primary_topic(item)
        if topic is not None and len(page) >= MAX_TOPIC_RUN:
            tail = [primary_topic(catalog.features[chosen.video_id]) for chosen in page[-MAX_TOPIC_RUN:]]
            if all(previous == topic for previous in tail):
                return False
        return True

    def take(pool: list[Scored]) -> bool:
        for index, candidate in enumerate(pool):
            if fits(candidate):
                page.append(candidate)
                used.add(candidate.video_id)
                per_creator[catalog.features[candidate.video_id].creator_id] += 1
                del pool[index]
                return True
        return False

    while len(page) < size and (main or extra):
        position = len(page)
        wants_explore = position in explore_positions
        if not (take(extra) if wants_explore else take(main)) and not (
            take(main) if wants_explore else take(extra)
        ):
            break
    return page
