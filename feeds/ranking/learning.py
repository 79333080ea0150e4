"""How a viewer's interest profile learns: per-signal weights, time decay, and merging two profiles.

Pure: the services lock and load the profile row, call ``learn`` and save what
it returns. Signal kinds are the string values of ``feeds.models.Signal.Kind``
(a test checks they agree), so this module needs no model import.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

HALF_LIFE_DAYS = 3.0
SEEN_KEEP, HIDDEN_KEEP, FAVOURITES_KEEP = 500, 300, 30

# What each kind of signal says about the viewer's interest in a video.
KIND_WEIGHTS: dict[str, float] = {
    "complete": 1.0,
    "like": 1.5,
    "unlike": -1.5,
    "share": 2.0,
    "follow": 1.0,
    "skip": -0.6,
    "not_interested": -3.0,
}
FAVOURITE_KINDS = frozenset({"complete", "like", "share"})


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

    def add(self, other: Weights) -> None:
        for target, source in (
            (self.topics, other.topics),
            (self.hashtags, other.hashtags),
            (self.creators, other.creators),
        ):
            for key, value in source.items():
                target[key] = target.get(key, 0.0) + value

    def top_topics(self, count: int) -> list[int]:
        return [
            key for key, value in sorted(self.topics.items(), key=lambda p: p[1], reverse=True) if value > 0
        ][:count]

    def top_creators(self, count: int) -> list[int]:
        return [
            key for key, value in sorted(self.creators.items(), key=lambda p: p[1], reverse=True) if value > 0
        ][:count]


class Event(Protocol):
    """What learning reads of one stored signal."""

    @property
    def kind(self) -> str: ...
    @property
    def watched_seconds(self) -> float: ...
    @property
    def looped(self) -> int: ...


@dataclass(frozen=True)
class VideoFacts:
    """What learning needs to know about the video a signal is about."""

    pk: int
    duration: float
    creator_id: int
    topic_ids: tuple[int, ...]
    hashtag_ids: tuple[int, ...]


@dataclass
class History:
    """A viewer's learned state: interest weights and the videos seen, hidden and enjoyed (oldest first)."""

    weights: Weights
    seen: list[int]
    hidden: list[int]
    favourites: list[int]

    def trim(self) -> None:
        self.seen, self.hidden, self.favourites = (
            self.seen[-SEEN_KEEP:],
            self.hidden[-HIDDEN_KEEP:],
            self.favourites[-FAVOURITES_KEEP:],
        )


def decay_factor(*, days: float) -> float:
    """How much of a weight is left after ``days`` (halves every ``HALF_LIFE_DAYS``)."""
    return math.pow(0.5, max(0.0, days) / HALF_LIFE_DAYS)


def event_weight(*, event: Event, video: VideoFacts) -> float:
    if event.kind == "complete":
        return KIND_WEIGHTS["complete"] + 0.3 * min(event.looped, 3)
    if event.kind == "progress" and video.duration > 0:
        fraction = event.watched_seconds / video.duration
        return 0.4 * fraction if fraction >= 0.5 else 0.0
    return KIND_WEIGHTS.get(event.kind, 0.0)


def learn(
    *, history: History, events: Iterable[tuple[Event, VideoFacts]], days_since_update: float
) -> History:
    """Decay the weights for the time that passed, then fold each event in (in place; returns ``history``)."""
    weights = history.weights
    weights.decay(decay_factor(days=days_since_update))
    seen, hidden, favourites = history.seen, history.hidden, history.favourites
    for event, video in events:
        delta = event_weight(event=event, video=video)
        if video.pk not in seen[-50:]:  # any event means the viewer has had this video
            seen.append(video.pk)
        if event.kind == "not_interested":
            hidden.append(video.pk)
            weights.creators[video.creator_id] = weights.creators.get(video.creator_id, 0.0) - 2.0
            for tag in video.hashtag_ids:
                weights.hashtags[tag] = weights.hashtags.get(tag, 0.0) - 1.0
        if event.kind in FAVOURITE_KINDS and video.pk not in favourites:
            favourites.append(video.pk)
        if event.kind == "follow":
            weights.creators[video.creator_id] = weights.creators.get(video.creator_id, 0.0) + 2.0
        if not delta:
            continue
        for topic_id in video.topic_ids:
            weights.topics[topic_id] = weights.topics.get(topic_id, 0.0) + delta
        for tag in video.hashtag_ids:
            weights.hashtags[tag] = weights.hashtags.get(tag, 0.0) + 0.5 * delta
        weights.creators[video.creator_id] = weights.creators.get(video.creator_id, 0.0) + 0.8 * delta
    history.trim()
    return history


def merge(*, mine: History, theirs: History) -> History:
    """An anonymous viewer's history folded into their account's: weights add, lists append."""
    mine.weights.add(theirs.weights)
    mine.seen += theirs.seen
    mine.hidden += theirs.hidden
    mine.favourites += theirs.favourites
    mine.trim()
    return mine
