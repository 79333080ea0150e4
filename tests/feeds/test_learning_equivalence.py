"""Learning with its decays deferred to the end of a batch teaches what decaying every entry at each step
did: the reference below is ``feeds.ranking.learn`` as it was before the decays were deferred, kept
verbatim, and both are run on the same random profiles and signal sequences."""

import copy
import random
from dataclasses import dataclass
from typing import Any

import pytest

from feeds.ranking import History, VideoFacts, Weights, learn
from feeds.ranking.learning import (
    FAVOURITE_KINDS,
    HALF_LIFE_DAYS,
    RECENT_HALF_LIFE_DAYS,
    RECENT_KEEP,
    WATCH_KINDS,
    decay_factor,
    event_weight,
    view_outcome,
)

KINDS = [
    "impression", "progress", "complete", "skip", "like", "unlike", "share", "comment", "follow",
    "not_interested", "impression", "progress", "complete",
]  # fmt: skip


def reference_learn(*, history, events, days_since_update, now_ts):
    """``learn`` before its decays were deferred: every decay a pass over every entry, at once."""
    weights = history.weights
    weights.decay(decay_factor(days=days_since_update))
    recent = weights.short_term()
    recent.decay(decay_factor(days=days_since_update / RECENT_HALF_LIFE_DAYS * HALF_LIFE_DAYS))
    seen, hidden, favourites, outcomes = history.seen, history.hidden, history.favourites, history.outcomes
    for event, video in events:
        if video.pk not in seen[-50:]:
            seen.append(video.pk)
        if event.kind == "impression" or (event.kind in WATCH_KINDS and video.pk not in outcomes):
            outcomes.pop(video.pk, None)
            outcomes[video.pk] = 0.0
            recent.decay(RECENT_KEEP)
            weights.count_view(video)
            recent.count_view(video)
        against, enjoyed = 0.0, 0.0
        if event.kind in WATCH_KINDS:
            outcome = view_outcome(event=event, video=video)
            credited = outcomes.get(video.pk, 0.0)
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
            history.not_for_me.pop(video.creator_id, None)
            history.not_for_me[video.creator_id] = now_ts
        if event.kind == "follow":
            creator_extra = 2.0
            history.not_for_me.pop(video.creator_id, None)
        if event.kind in FAVOURITE_KINDS and video.pk not in favourites:
            favourites.append(video.pk)
        if enjoyed:
            shares = weights.explains(video)
            for target in (weights, recent):
                target.credit(video, enjoyed, shares=shares)
        if against or creator_extra or hashtag_extra:
            for target in (weights, recent):
                target.credit(video, against, creator_extra=creator_extra, hashtag_extra=hashtag_extra)
    history.trim()
    return history


@dataclass(frozen=True)
class Event:
    kind: str
    watched_seconds: float = 0.0
    looped: int = 0


def random_videos(rng: random.Random, count: int) -> list[VideoFacts]:
    return [
        VideoFacts(
            pk=pk,
            duration=rng.choice([0.0, 8.0, 15.0, 42.0]),
            creator_id=rng.randrange(1, 40),
            topic_ids=tuple(rng.sample(range(1, 60), rng.randrange(0, 3))),
            hashtag_ids=tuple(rng.sample(range(1, 300), rng.randrange(0, 5))),
        )
        for pk in range(1, count + 1)
    ]


def random_profile(rng: random.Random) -> dict[str, Any]:
    """A stored profile as the service reads it: some topics, hashtags and creators, and a recent part."""

    def part(keys: int, space: int) -> tuple[dict[str, float], dict[str, float]]:
        views = {str(key): round(rng.uniform(0.05, 40), 3) for key in rng.sample(range(1, space), keys)}
        return {key: round(count * rng.uniform(-0.6, 1.3), 4) for key, count in views.items()}, views

    (t, tv), (h, hv), (c, cv) = (
        part(rng.randrange(0, 60), 60),
        part(rng.randrange(0, 200), 300),
        part(rng.randrange(0, 40), 40),
    )
    (rt, rtv), (rh, rhv), (rc, rcv) = part(3, 60), part(8, 300), part(4, 40)
    return {
        "t": t, "tv": tv, "h": h, "hv": hv, "c": c, "cv": cv,
        "r": {"t": rt, "tv": rtv, "h": rh, "hv": rhv, "c": rc, "cv": rcv},
    }  # fmt: skip


def random_batch(rng: random.Random, videos: list[VideoFacts]) -> list[tuple[Event, VideoFacts]]:
    batch = []
    for _ in range(rng.randrange(0, 17)):
        video = rng.choice(videos)
        batch.append(
            (
                Event(
                    kind=rng.choice(KINDS),
                    watched_seconds=round(rng.uniform(0, video.duration), 2),
                    looped=rng.choice([0, 0, 0, 1, 2, 5]),
                ),
                video,
            )
        )
    return batch


def history_of(stored: dict[str, Any], rng: random.Random) -> History:
    return History(
        weights=Weights.from_json(stored),
        seen=[rng.randrange(1, 200) for _ in range(rng.randrange(0, 30))],
        hidden=[],
        favourites=[],
    )


def assert_same_weights(deferred: Weights, reference: Weights) -> None:
    for name in ("topics", "hashtags", "creators", "topic_views", "hashtag_views", "creator_views"):
        ours, theirs = getattr(deferred, name), getattr(reference, name)
        assert ours.keys() == theirs.keys()
        for key, value in theirs.items():
            assert ours[key] == pytest.approx(value, rel=1e-9, abs=1e-12), (name, key)
    if reference.recent is not None:
        assert deferred.recent is not None
        assert_same_weights(deferred.recent, reference.recent)


# What the profile row stores is rounded (4 places for gains, 3 for views) and leaves out the near-zero: the
# two may round a value on the edge differently, by one in its last place, and so keep or drop it.
STORED_UNIT = {"t": 1e-4, "h": 1e-4, "c": 1e-4, "tv": 1e-3, "hv": 1e-3, "cv": 1e-3}
STORED_FLOOR = {"t": 0.01, "h": 0.01, "c": 0.01, "tv": 0.05, "hv": 0.05, "cv": 0.05}


def assert_same_stored(deferred: dict[str, Any], reference: dict[str, Any]) -> None:
    assert deferred.keys() == reference.keys()
    for part, theirs in reference.items():
        ours = deferred[part]
        if part == "r":
            assert_same_stored(ours, theirs)
            continue
        unit = STORED_UNIT[part] * 1.001
        for key in ours.keys() | theirs.keys():
            if key in ours and key in theirs:
                assert abs(ours[key] - theirs[key]) <= unit, (part, key, ours[key], theirs[key])
            else:  # kept by one only: on the edge of what is kept
                value = ours.get(key, theirs.get(key))
                assert abs(abs(value) - STORED_FLOOR[part]) <= unit, (part, key, value)


@pytest.mark.parametrize("seed", range(40))
def test_deferred_decay_learns_what_decaying_at_every_step_did(seed):
    rng = random.Random(seed)
    videos = random_videos(rng, rng.choice([5, 30, 120]))
    stored = random_profile(rng) if seed % 4 else {}
    deferred = history_of(stored, random.Random(seed))
    reference = copy.deepcopy(deferred)
    now_ts = 1_700_000_000.0
    for _ in range(12):
        batch = random_batch(rng, videos)
        days = rng.choice([0.0, 0.0001, 0.01, 0.3, 2.0, 9.0])
        now_ts += days * 86400
        learn(history=deferred, events=batch, days_since_update=days, now_ts=now_ts)
        reference_learn(history=reference, events=batch, days_since_update=days, now_ts=now_ts)

        assert_same_weights(deferred.weights, reference.weights)
        assert_same_stored(deferred.weights.to_json(), reference.weights.to_json())
        assert (deferred.seen, deferred.hidden, deferred.favourites) == (
            reference.seen,
            reference.hidden,
            reference.favourites,
        )
        assert deferred.outcomes == reference.outcomes
        assert deferred.not_for_me == reference.not_for_me
        # What the next batch reads back is the stored JSON, as in the service.
        stored = deferred.weights.to_json()
        deferred.weights, reference.weights = Weights.from_json(stored), Weights.from_json(stored)


def test_a_profile_left_for_a_year_forgets_its_short_term_interest_and_learns_again():
    video = VideoFacts(pk=1, duration=10.0, creator_id=3, topic_ids=(2,), hashtag_ids=(7,))
    stored = {"t": {"2": 1.5}, "tv": {"2": 3.0}, "r": {"t": {"2": 0.8}, "tv": {"2": 1.0}}}
    deferred, reference = (
        History(weights=Weights.from_json(stored), seen=[], hidden=[], favourites=[]) for _ in range(2)
    )
    batch = [(Event("impression"), video), (Event("complete"), video), (Event("like"), video)]

    learn(history=deferred, events=batch, days_since_update=365.0, now_ts=0.0)
    reference_learn(history=reference, events=batch, days_since_update=365.0, now_ts=0.0)

    assert_same_weights(deferred.weights, reference.weights)
    assert deferred.weights.recent is not None
    # The old short-term interest is gone (decayed to nothing), the new view is all it holds.
    assert deferred.weights.recent.topic_views == {2: pytest.approx(1.0)}
    assert deferred.weights.recent.topics[2] == pytest.approx(2.5)
