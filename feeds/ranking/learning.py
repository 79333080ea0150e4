"""How a viewer's interest profile learns: per-signal weights, time decay, and merging two profiles.

Pure: the services lock and load the profile row, call ``learn`` and save what
it returns. Signal kinds are the string values of ``feeds.models.Signal.Kind``
(a test checks they agree), so this module needs no model import.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy
import numpy.typing

HALF_LIFE_DAYS = 3.0
SEEN_KEEP, HIDDEN_KEEP, FAVOURITES_KEEP, OUTCOMES_KEEP, NOT_FOR_ME_KEEP = 500, 300, 30, 60, 100
# "Not for me" keeps the video's creator out of the ranked feeds this long, from the very next page;
# after that the learnt dislike still keeps them rare. Following the creator lifts it at once.
NOT_FOR_ME_DAYS = 7.0
# The short-term interest: every view that starts keeps this share of what came before (the last ~6 views).
RECENT_KEEP = 0.85
RECENT_HALF_LIFE_DAYS = 1 / 24  # and it halves every hour: a session's mood, not a lasting taste

# What each action says about the viewer's interest in a video, on top of how far they watched it.
KIND_WEIGHTS: dict[str, float] = {
    "complete": 1.0,
    "like": 1.5,
    "comment": 1.5,  # writing a comment says as much as a like (issue 24)
    "unlike": -1.5,
    "share": 2.0,
    "follow": 1.0,
    "skip": -0.6,
    "not_interested": -3.0,
}
FAVOURITE_KINDS = frozenset({"complete", "like", "comment", "share"})
WATCH_KINDS = frozenset({"progress", "complete", "skip"})
# A view's outcome is -0.6 when left at once and rises with the share watched: 0 at three sevenths, 0.1
# at half, 0.8 just short of the end; a completion is 1, each loop after it (up to 3) adds 0.3. (Measured
# with benchmark_recommendation: a view left before half way mostly means "not for me".)
PROGRESS_SLOPE, PROGRESS_START = 1.4, -0.6
LOOP_BONUS, LOOPS_COUNTED = 0.3, 3

# Each part of the interest: its gains and views fields, and their keys in the stored JSON.
PARTS = (
    ("topics", "topic_views", "t", "tv"),
    ("hashtags", "hashtag_views", "h", "hv"),
    ("creators", "creator_views", "c", "cv"),
)
FIELDS = tuple(name for part in PARTS for name in part[:2])
# How interest is read from the weights (``rate``): the outcome per view, smoothed by one neutral view;
# a view in the short-term interest counts RECENT_SHARE times one in the long-term.
PRIOR_VIEWS = 1.0
RECENT_SHARE = 4.0
RATE_LIMIT = 2.0


def interest_rate(*, gain: float, views: float, recent_gain: float, recent_views: float) -> float:
    """The outcome per view, long- and short-term together, smoothed by PRIOR_VIEWS, within ±RATE_LIMIT:
    the one formula behind ``Weights.rate`` and ``scoring.Affinity``."""
    rate = (gain + RECENT_SHARE * recent_gain) / (views + RECENT_SHARE * recent_views + PRIOR_VIEWS)
    return max(-RATE_LIMIT, min(RATE_LIMIT, rate))


# Below this many values, Python one by one is quicker than the arrays.
ROUNDED_IN_ARRAYS = 64


def rounded(values: list[float], places: int) -> list[float]:
    """``round(value, places)`` of each value, exactly as ``round`` gives it (``_rounded``)."""
    if len(values) < ROUNDED_IN_ARRAYS:
        return [round(value, places) for value in values]
    return _rounded(numpy.array(values, dtype=numpy.float64), places)


def _rounded(array: numpy.typing.NDArray[numpy.float64], places: int) -> list[float]:
    """``round(value, places)`` of each value, exactly as ``round`` gives it, for a whole profile's worth
    of values at once: rounding one by one was most of the time spent storing a profile.

    ``n / 10**places`` is the float nearest to the decimal ``n`` times ``10**-places`` (IEEE division is
    correctly rounded), as ``round`` answers; ``n`` is the scaled value's nearest integer, unless the
    scaled value lies so near a half (or is so large) that the multiplication's own rounding could have
    moved it across: those few are left to ``round``."""
    scale = 10.0**places
    scaled = array * scale
    result: list[float] = numpy.copysign(numpy.floor(scaled + 0.5) / scale, array).tolist()
    unsure = (numpy.abs(scaled - numpy.floor(scaled) - 0.5) < 1e-6) | (numpy.abs(scaled) > 2.0**40)
    for index in numpy.flatnonzero(unsure).tolist():
        result[index] = round(float(array[index]), places)
    return result


# How sharply an enjoyed view's credit goes to the hashtag or creator that already explains it best.
EXPLAIN = 5.0


@dataclass
class Weights:
    """Interest per topic, hashtag and creator: the outcomes of the views that had it (``topics`` …, the
    gain) and how many views had it (``topic_views`` …), both decayed. Their ratio is how much the viewer
    enjoys it; ``recent`` is the same for the last few views only (the short-term interest)."""

    topics: dict[int, float] = field(default_factory=dict)
    hashtags: dict[int, float] = field(default_factory=dict)
    creators: dict[int, float] = field(default_factory=dict)
    topic_views: dict[int, float] = field(default_factory=dict)
    hashtag_views: dict[int, float] = field(default_factory=dict)
    creator_views: dict[int, float] = field(default_factory=dict)
    recent: Weights | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Weights:
        data = data or {}

        def ids(key: str) -> dict[int, float]:
            stored = data.get(key) or {}
            return dict(zip(map(int, stored), map(float, stored.values()), strict=True))

        recent = data.get("r")
        fields = {
            name: ids(key)
            for gains, views, *keys in PARTS
            for name, key in zip((gains, views), keys, strict=True)
        }
        return cls(**fields, recent=cls.from_json(recent) if recent else None)

    def to_json(self, *, keep: tuple[int, int, int] = (40, 150, 150)) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for (gains, views, gain_key, views_key), count in zip(PARTS, keep, strict=True):
            gain, seen = getattr(self, gains), getattr(self, views)
            # Keep what says most: the largest gains and the most viewed (a hashtag always skipped matters too).
            keys = list(set(gain) | set(seen))
            if len(keys) < ROUNDED_IN_ARRAYS:
                ranked = sorted(
                    keys, key=lambda key: abs(gain.get(key, 0.0)) + seen.get(key, 0.0), reverse=True
                )[:count]
                kept_gains = [key for key in ranked if abs(gain.get(key, 0.0)) >= 0.01]
                kept_views = [key for key in ranked if seen.get(key, 0.0) >= 0.05]
                data[gain_key] = {str(key): round(gain[key], 4) for key in kept_gains}
                data[views_key] = {str(key): round(seen[key], 3) for key in kept_views}
                continue
            # A whole profile's worth: the same ranking (a stable sort, ties in the same order) in arrays.
            zeros = [0.0] * len(keys)
            gain_of = numpy.fromiter(map(gain.get, keys, zeros), numpy.float64, len(keys))
            seen_of = numpy.fromiter(map(seen.get, keys, zeros), numpy.float64, len(keys))
            order = numpy.argsort(-(numpy.abs(gain_of) + seen_of), kind="stable")[:count]
            ranked_keys, gain_of, seen_of = numpy.array(keys)[order], gain_of[order], seen_of[order]
            kept = numpy.abs(gain_of) >= 0.01
            data[gain_key] = dict(
                zip(map(str, ranked_keys[kept].tolist()), _rounded(gain_of[kept], 4), strict=True)
            )
            kept = seen_of >= 0.05
            data[views_key] = dict(
                zip(map(str, ranked_keys[kept].tolist()), _rounded(seen_of[kept], 3), strict=True)
            )
        if self.recent is not None:
            data["r"] = self.recent.to_json(keep=(20, 40, 40))
        return data

    def decay(self, factor: float) -> None:
        if factor == 1.0:
            return
        for name in FIELDS:
            weights = getattr(self, name)
            for key in weights:
                weights[key] *= factor

    def add(self, other: Weights) -> None:
        for name in FIELDS:
            target = getattr(self, name)
            for key, value in getattr(other, name).items():
                target[key] = target.get(key, 0.0) + value
        if other.recent is not None:
            self.short_term().add(other.recent)

    def short_term(self) -> Weights:
        if self.recent is None:
            self.recent = Weights()
        return self.recent

    def count_view(self, video: VideoFacts) -> None:
        """One more view had these topics, hashtags and creator."""
        for key, views in (
            *((topic, self.topic_views) for topic in video.topic_ids),
            *((tag, self.hashtag_views) for tag in video.hashtag_ids),
            (video.creator_id, self.creator_views),
        ):
            views[key] = views.get(key, 0.0) + 1.0

    def rate(self, gains: str, key: int) -> float:
        """How much the viewer enjoys one topic, hashtag or creator (``gains`` is "topics", "hashtags" or
        "creators"): long- and short-term outcome per view together, smoothed, within ±RATE_LIMIT."""
        views = gains[:-1] + "_views"
        recent = self.recent or Weights()
        return interest_rate(
            gain=getattr(self, gains).get(key, 0.0),
            views=getattr(self, views).get(key, 0.0),
            recent_gain=getattr(recent, gains).get(key, 0.0),
            recent_views=getattr(recent, views).get(key, 0.0),
        )

    def explains(self, video: VideoFacts) -> tuple[dict[int, float], float]:
        """How much of an enjoyed view goes to each of its hashtags and to its creator: a viewer likes a
        video for one liked hashtag or a favourite creator, so what already explains it best takes the
        credit (a hashtag that only ever came along with a liked one does not). All unknown: full each."""
        parts = [("hashtags", tag) for tag in video.hashtag_ids] + [("creators", video.creator_id)]
        strength = [math.exp(EXPLAIN * self.rate(kind, key)) for kind, key in parts]
        total = sum(strength)
        shares = [min(1.0, len(parts) * value / total) for value in strength]
        return dict(zip(video.hashtag_ids, shares, strict=False)), shares[-1]

    def credit(
        self,
        video: VideoFacts,
        delta: float,
        *,
        creator_extra: float = 0.0,
        hashtag_extra: float = 0.0,
        shares: tuple[dict[int, float], float] | None = None,
        unit: float = 1.0,
    ) -> None:
        """Add ``delta`` to the video's topics, and to its hashtags and creator by their ``shares``; each
        addition is multiplied by ``unit`` (the stored units of weights with a decay pending, ``_Deferred``)."""
        tag_shares, creator_share = shares or ({}, 1.0)
        for topic in video.topic_ids:
            self.topics[topic] = self.topics.get(topic, 0.0) + delta * unit
        for tag in video.hashtag_ids:
            self.hashtags[tag] = (
                self.hashtags.get(tag, 0.0) + (tag_shares.get(tag, 1.0) * delta + hashtag_extra) * unit
            )
        self.creators[video.creator_id] = (
            self.creators.get(video.creator_id, 0.0) + (creator_share * delta + creator_extra) * unit
        )


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
    """A viewer's learned state: interest weights, the videos seen, hidden and enjoyed (oldest first),
    the outcome credited so far to each recent view (so a view counts once, however many events), and
    when they last said "not for me" to each creator (unix seconds, oldest first)."""

    weights: Weights
    seen: list[int]
    hidden: list[int]
    favourites: list[int]
    outcomes: dict[int, float] = field(default_factory=dict)
    not_for_me: dict[int, float] = field(default_factory=dict)
    followed_hashtags: tuple[int, ...] = ()  # hashtags the viewer follows (not learnt: read for the pools)
    hidden_creators: frozenset[int] = frozenset()  # blocked either way or muted (not learnt: a copy)
    stored: bool = False  # read from a stored profile (a new viewer's is made empty, with no copy yet)

    def trim(self) -> None:
        self.seen, self.hidden, self.favourites = (
            self.seen[-SEEN_KEEP:],
            self.hidden[-HIDDEN_KEEP:],
            self.favourites[-FAVOURITES_KEEP:],
        )
        # dicts keep insertion order: the oldest go first
        if len(self.outcomes) > OUTCOMES_KEEP:
            self.outcomes = dict(list(self.outcomes.items())[-OUTCOMES_KEEP:])
        if len(self.not_for_me) > NOT_FOR_ME_KEEP:
            self.not_for_me = dict(list(self.not_for_me.items())[-NOT_FOR_ME_KEEP:])

    def creators_not_for_me(self, *, now_ts: float) -> frozenset[int]:
        """The creators whose videos the ranked feeds leave out now (``NOT_FOR_ME_DAYS``)."""
        since = now_ts - NOT_FOR_ME_DAYS * 86400.0
        return frozenset(creator for creator, at in self.not_for_me.items() if at >= since)


def decay_factor(*, days: float) -> float:
    """How much of a weight is left after ``days`` (halves every ``HALF_LIFE_DAYS``)."""
    return math.pow(0.5, max(0.0, days) / HALF_LIFE_DAYS)


def view_outcome(*, event: Event, video: VideoFacts) -> float | None:
    """How much the view shows the viewer enjoyed the video, as of the furthest point this event reports;
    None for events that are not about watching (likes, shares…)."""
    if event.kind == "complete":
        return KIND_WEIGHTS["complete"] + LOOP_BONUS * min(event.looped, LOOPS_COUNTED)
    if event.kind == "progress":
        if event.looped:  # a second loop is under way: it was completed at least once
            return KIND_WEIGHTS["complete"] + LOOP_BONUS * min(event.looped - 1, LOOPS_COUNTED)
        fraction = min(1.0, event.watched_seconds / video.duration) if video.duration > 0 else 0.0
        return PROGRESS_START + PROGRESS_SLOPE * fraction
    if event.kind == "skip":
        return KIND_WEIGHTS["skip"]
    return None


def event_weight(*, event: Event, video: VideoFacts) -> float:
    """What an action other than watching adds to the interest (watching counts through ``view_outcome``)."""
    return 0.0 if event.kind in WATCH_KINDS else KIND_WEIGHTS.get(event.kind, 0.0)


class _Deferred:
    """One ``Weights`` whose decay is kept as a factor until the batch ends (``real = stored * scale``):
    the short-term interest decays once per view that starts, and a decay is then one multiplication,
    not a pass over every entry. Reads scale up, writes scale down; ``settle`` applies the factor."""

    __slots__ = ("scale", "weights")

    # Below this the factor is applied at once, so that writes never divide by a vanishing number.
    FLOOR = 1e-12

    def __init__(self, weights: Weights) -> None:
        self.weights = weights
        self.scale = 1.0

    def decay(self, factor: float) -> None:
        self.scale *= factor
        if self.scale < self.FLOOR:
            self.settle()

    def settle(self) -> None:
        if self.scale != 1.0:
            self.weights.decay(self.scale)
            self.scale = 1.0

    def get(self, name: str, key: int) -> float:
        values: dict[int, float] = getattr(self.weights, name)
        return values.get(key, 0.0) * self.scale

    def count_view(self, video: VideoFacts) -> None:
        weights, step = self.weights, 1.0 / self.scale
        for key, views in (
            *((topic, weights.topic_views) for topic in video.topic_ids),
            *((tag, weights.hashtag_views) for tag in video.hashtag_ids),
            (video.creator_id, weights.creator_views),
        ):
            views[key] = views.get(key, 0.0) + step

    def credit(
        self,
        video: VideoFacts,
        delta: float,
        *,
        creator_extra: float = 0.0,
        hashtag_extra: float = 0.0,
        shares: tuple[dict[int, float], float] | None = None,
    ) -> None:
        """``Weights.credit`` in stored units."""
        self.weights.credit(
            video,
            delta,
            creator_extra=creator_extra,
            hashtag_extra=hashtag_extra,
            shares=shares,
            unit=1.0 / self.scale,
        )


def _explains(long: _Deferred, recent: _Deferred, video: VideoFacts) -> tuple[dict[int, float], float]:
    """``Weights.explains`` read through pending decays."""

    def rate(gains: str, key: int) -> float:
        views = gains[:-1] + "_views"
        return interest_rate(
            gain=long.get(gains, key),
            views=long.get(views, key),
            recent_gain=recent.get(gains, key),
            recent_views=recent.get(views, key),
        )

    parts = [("hashtags", tag) for tag in video.hashtag_ids] + [("creators", video.creator_id)]
    strength = [math.exp(EXPLAIN * rate(kind, key)) for kind, key in parts]
    total = sum(strength)
    shares = [min(1.0, len(parts) * value / total) for value in strength]
    return dict(zip(video.hashtag_ids, shares, strict=False)), shares[-1]


def learn(
    *,
    history: History,
    events: Iterable[tuple[Event, VideoFacts]],
    days_since_update: float,
    now_ts: float,
) -> History:
    """Decay the weights for the time that passed, then fold each event in (in place; returns ``history``).

    Watching teaches one outcome per view, whatever the number of progress events the player sent: the
    view's outcome rises to its furthest point, completion and loops, and only the rise is credited. An
    impression starts a view (so does any first event of a video without one); a view that starts also
    steps the short-term interest on, which forgets older views at ``RECENT_KEEP`` per view. "Not for me"
    also notes the creator at ``now_ts``; a follow forgets that note.

    The decays are kept as factors while the events are folded in and applied once at the end
    (``_Deferred``): the same numbers up to float rounding, for one pass over the weights, not one per view."""
    weights = _Deferred(history.weights)
    weights.decay(decay_factor(days=days_since_update))
    recent = _Deferred(history.weights.short_term())
    recent.decay(decay_factor(days=days_since_update / RECENT_HALF_LIFE_DAYS * HALF_LIFE_DAYS))
    seen, hidden, favourites, outcomes = history.seen, history.hidden, history.favourites, history.outcomes
    for event, video in events:
        if video.pk not in seen[-50:]:  # any event means the viewer has had this video
            seen.append(video.pk)
        if event.kind == "impression" or (event.kind in WATCH_KINDS and video.pk not in outcomes):
            outcomes.pop(video.pk, None)
            outcomes[video.pk] = 0.0
            recent.decay(RECENT_KEEP)
            weights.count_view(video)
            recent.count_view(video)
        # What the event adds: disliking counts in full against each hashtag and the creator; enjoying
        # is explained (``Weights.explains``). A view's outcome may go from negative to positive as it
        # goes on: its negative part is undone in full and only its positive part is explained.
        against, enjoyed = 0.0, 0.0
        if event.kind in WATCH_KINDS:
            outcome = view_outcome(event=event, video=video)
            credited = outcomes.get(video.pk, 0.0)
            # The first watch event sets the view's outcome (leaving early is negative); later ones can only
            # raise it, as the furthest point does.
            if outcome is not None and (outcome > credited or credited == 0.0):
                against = min(outcome, 0.0) - min(credited, 0.0)
                enjoyed = max(outcome, 0.0) - max(credited, 0.0)
                outcomes[video.pk] = outcome
        else:
            delta = event_weight(event=event, video=video)
            against, enjoyed = min(delta, 0.0), max(delta, 0.0)
        creator_extra = hashtag_extra = 0.0
        if event.kind == "not_interested":
            hidden.append(video.pk)
            creator_extra, hashtag_extra = -2.0, -1.0
            history.not_for_me.pop(video.creator_id, None)  # re-inserted: the newest last
            history.not_for_me[video.creator_id] = now_ts
        if event.kind == "follow":
            creator_extra = 2.0
            history.not_for_me.pop(video.creator_id, None)
        if event.kind in FAVOURITE_KINDS and video.pk not in favourites:
            favourites.append(video.pk)
        if enjoyed:
            shares = _explains(weights, recent, video)
            for target in (weights, recent):
                target.credit(video, enjoyed, shares=shares)
        if against or creator_extra or hashtag_extra:
            for target in (weights, recent):
                target.credit(video, against, creator_extra=creator_extra, hashtag_extra=hashtag_extra)
    weights.settle()
    recent.settle()
    history.trim()
    return history


def merge(*, mine: History, theirs: History) -> History:
    """An anonymous viewer's history folded into their account's: weights add, lists append."""
    mine.weights.add(theirs.weights)
    mine.seen += theirs.seen
    mine.hidden += theirs.hidden
    mine.favourites += theirs.favourites
    mine.outcomes |= theirs.outcomes
    for creator, at in theirs.not_for_me.items():
        mine.not_for_me[creator] = max(at, mine.not_for_me.get(creator, at))
    mine.trim()
    return mine
