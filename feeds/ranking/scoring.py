"""Candidates and scores: which videos a feed considers, and how much the viewer will like each.

score = predicted watch-through × quality × freshness, from the viewer's decayed
topic, hashtag and creator weights. Follower counts are not an input anywhere.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from typing import NamedTuple, overload

import numpy as np

from feeds.ranking.features import Catalog, Features, FeatureTable, Wants
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


class Scored(NamedTuple):
    """A candidate's score, and the source credited with finding it. A tuple: ``rank`` makes one for each
    of a page's ~600 candidates without a Python call apiece."""

    video_id: int
    score: float
    source: str  # interest, hashtag, creator, trending, explore, cowatch, local, topic


class Ranked(Sequence[Scored]):
    """``rank``'s answer: every allowed candidate, best first, each made a ``Scored`` only once it is read.

    A For You page ranks ~700 candidates and its page rules read the first few dozen: making all of them
    cost a tenth of the page. The ones read are made a ``CHUNK`` at a time; equal to a list of the same."""

    CHUNK = 64

    def __init__(self, video_ids: np.ndarray, scores: np.ndarray, names: np.ndarray) -> None:
        self._video_ids, self._scores, self._names = video_ids, scores, names
        self._made: list[Scored] = []

    def __len__(self) -> int:
        return len(self._video_ids)

    def _make(self, count: int) -> list[Scored]:
        """The first ``count`` (at least), made."""
        made = self._made
        if count > len(made):
            start = len(made)
            end = max(count, start + self.CHUNK)
            made.extend(
                map(
                    tuple.__new__,
                    repeat(Scored),
                    zip(
                        self._video_ids[start:end].tolist(),
                        self._scores[start:end].tolist(),
                        self._names[start:end].tolist(),
                        strict=True,
                    ),
                )
            )
        return made

    @overload
    def __getitem__(self, index: int) -> Scored: ...

    @overload
    def __getitem__(self, index: slice) -> list[Scored]: ...

    def __getitem__(self, index: int | slice) -> Scored | list[Scored]:
        if isinstance(index, slice):
            return self._make(len(self))[index]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._make(index + 1)[index]

    def __iter__(self) -> Iterator[Scored]:
        index = 0
        while index < len(self):
            made = self._make(index + 1)
            yield from made[index:]
            index = len(made)

    def __add__(self, other: Sequence[Scored]) -> list[Scored]:
        return [*self, *other]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # equal to a list, so unhashable as one is

    def __repr__(self) -> str:
        return f"Ranked({list(self)!r})"


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

    @cached_property
    def excluded_sorted(self) -> np.ndarray:
        """``excluded`` as a sorted array, made once for the page's several ``rank`` calls."""
        return np.sort(np.fromiter(self.excluded, np.int64, len(self.excluded)))

    def allowed_rows(self, table: FeatureTable, rows: np.ndarray) -> np.ndarray:
        """Which of a table's ``rows`` (not yet checked against ``excluded``) the rest allows: ``allows``
        for many videos at once, as a mask."""
        allowed = np.ones(len(rows), dtype=np.bool_)
        if not self.allow_mature:
            allowed &= ~table.is_mature[rows]
        if self.creators:
            allowed &= ~np.isin(table.creator_ids[rows], list(self.creators))
        if self.topics and table.topic_ids.shape[1]:
            allowed &= ~np.isin(table.topic_ids[rows], list(self.topics)).any(axis=1)
        return allowed

    def allowed(self, catalog: Catalog, video_ids: Iterable[int]) -> list[int]:
        """Those of ``video_ids`` that ``allows``, in their order."""
        table = catalog.columns()
        row_of, excluded = table.rows, self.excluded
        kept = [
            (video_id, row)
            for video_id in video_ids
            if video_id not in excluded and (row := row_of.get(video_id)) is not None
        ]
        if not kept:
            return []
        mask = self.allowed_rows(table, np.fromiter((row for _, row in kept), np.int64, len(kept)))
        return [video_id for (video_id, _), allowed in zip(kept, mask.tolist(), strict=True) if allowed]


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

    @cached_property
    def sorted_keys(self) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """``_sorted_rates`` of the hashtags, creators and topics, made once for the page's ``rank`` calls."""
        return _sorted_rates(self.hashtags), _sorted_rates(self.creators), _sorted_rates(self.topics)

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


def _members(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in ``sorted_values`` (``np.isin`` for a set already sorted once)."""
    if not len(sorted_values):
        return np.zeros(len(values), dtype=np.bool_)
    at = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    found: np.ndarray = sorted_values[at] == values
    return found


def _sorted_rates(rates: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    """The keys of ``rates`` in order, and their rates: what ``_best_rates`` searches."""
    known = np.fromiter(rates.keys(), np.int64, len(rates))
    values = np.fromiter(rates.values(), np.float64, len(rates))
    order = np.argsort(known)
    return known[order], values[order]


def _best_rates(
    rates: dict[int, float], keys: np.ndarray, sorted_rates: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Per row of ``keys`` (a matrix padded with ``NO_ID``, or one key a row), the highest of the rates
    its keys have: ``_best`` (or ``rates.get(key, 0.0)``) for many videos at once; 0 where none has one.
    ``sorted_rates`` is ``_sorted_rates(rates)`` where the caller keeps it."""
    if keys.ndim == 1:
        keys = keys[:, None]
    if not rates or not keys.shape[1]:
        return np.zeros(len(keys))
    known, values = sorted_rates or _sorted_rates(rates)
    at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
    best = np.where(known[at] == keys, values[at], -np.inf).max(axis=1)
    return np.where(best == -np.inf, 0.0, best)


def rank(
    *,
    catalog: Catalog,
    sources: Mapping[str, Iterable[int]],
    weights: Weights | Affinity,
    filters: Filters,
    now_ts: float,
    boosts: dict[int, float] | None = None,
    seed: int | None = None,
) -> Ranked:
    """Score every allowed candidate once (credited to the first source that found it), best first.

    With a ``seed``, each score carries that page's ``guess`` at the video's watch-through. ``score`` for
    every candidate at once, as arrays over the catalog's ``FeatureTable`` (the feed's hot loop)."""
    rates = weights if isinstance(weights, Affinity) else Affinity.of(weights)
    table = catalog.columns()
    members = [ids if isinstance(ids, list) else list(ids) for ids in sources.values()]
    found = np.concatenate([np.array(ids, dtype=np.int64) for ids in members] or [np.zeros(0, np.int64)])
    # Each candidate once, where it was found first (its source, and its place among equal scores).
    first = np.unique(found, return_index=True)[1]
    first.sort()
    candidates = found[first]
    found_in = np.repeat(np.arange(len(members)), [len(ids) for ids in members])[first]
    at = table.rows_of(candidates)
    allowed = at >= 0
    if filters.excluded:
        allowed &= ~_members(filters.excluded_sorted, candidates)
    allowed[allowed] = filters.allowed_rows(table, at[allowed])
    candidates, found_in, at = candidates[allowed], found_in[allowed], at[allowed]
    if not len(at):
        return Ranked(candidates, np.zeros(0), np.zeros(0, dtype=object))
    hashtags, creators, topics = rates.sorted_keys
    lift = (
        HASHTAG_PART * _best_rates(rates.hashtags, table.hashtag_ids[at], hashtags)
        + CREATOR_PART * _best_rates(rates.creators, table.creator_ids[at], creators)
        + TOPIC_PART * _best_rates(rates.topics, table.topic_ids[at], topics)
    )
    exponent = SHARPNESS * np.clip(lift, -RATE_LIMIT, RATE_LIMIT)
    if seed is not None:  # ``guess``
        video_ids: list[int] = candidates.tolist()
        hashes = np.fromiter(
            map(hash, zip([seed] * len(video_ids), video_ids, strict=True)), np.int64, len(at)
        )
        spread = hashes % 2001  # NumPy's remainder takes the divisor's sign, as Python's does
        exponent = exponent + (spread / 1000.0 - 1.0) * UNCERTAINTY / np.sqrt(table.impressions[at] + 6.0)
    age_days = (now_ts - table.published_ts[at]) / 86400.0
    freshness = 0.6 + 0.4 * np.exp(-np.maximum(age_days, 0.0) / FRESHNESS_DAYS)
    values = table.watch_value[at] * freshness * np.exp(exponent)
    if boosts:
        values = values * (1.0 + _best_rates(boosts, candidates))  # ``boosts.get(video_id, 0.0)``
    # Best first; equal scores keep the order they were found in (as a stable sort in reverse does).
    order = np.argsort(-values, kind="stable")
    return Ranked(candidates[order], values[order], np.array(list(sources), dtype=object)[found_in[order]])


def _positions(seed: str) -> tuple[float, ...]:
    """``EXPLORE_SAMPLE`` positions in [0, 1), random but repeatable for one seed."""
    rng = random.Random(seed)  # noqa: S311  (not security: reproducible feeds and tests)
    return tuple(rng.random() for _ in range(EXPLORE_SAMPLE))


def for_you_wants(*, weights: Affinity, cowatch: list[tuple[int, float]], seed: str) -> Wants:
    """What ``for_you_sources`` and ``explore_sample`` will read, for a store that fetches only that."""
    return Wants(
        topics=dict(zip(weights.top_topics(len(INTEREST_POOL_SIZES)), INTEREST_POOL_SIZES, strict=False)),
        hashtags=dict(zip(weights.top_hashtags(len(HASHTAG_POOL_SIZES)), HASHTAG_POOL_SIZES, strict=False)),
        creators=dict.fromkeys(weights.top_creators(TOP_CREATORS), PER_CREATOR),
        trending=TRENDING_POOL,
        explore=_positions(seed),
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
    unseen = filters.allowed(
        catalog, (video_id for video_id in catalog.features if video_id not in last_seen)
    )
    again = filters.allowed(catalog, sorted(last_seen, key=last_seen.__getitem__))
    return unseen, again


def staleness_boosts(again: Sequence[int]) -> dict[int, float]:
    """Scale each repeat's score by how long ago it was seen (oldest × 1, just seen × almost 0), so
    the best matches come back first and nothing is starved: what waits grows older than the rest."""
    count = len(again)
    return {video_id: -position / count for position, video_id in enumerate(again)}


def explore_sample(*, catalog: Catalog, filters: Filters, seed: str) -> list[int]:
    """Fresh and under-exposed videos to try out, random but repeatable for one seed."""
    rng = random.Random(seed)  # noqa: S311  (not security: reproducible feeds and tests)
    return filters.allowed(catalog, rng.sample(catalog.fresh, min(EXPLORE_SAMPLE, len(catalog.fresh))))
