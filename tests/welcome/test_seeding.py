"""Picks are light, decaying evidence: a few real views outweigh them. Pure (no database)."""

from dataclasses import dataclass

from feeds import ranking
from feeds.ranking import Affinity, History, VideoFacts, Weights
from feeds.welcome.seeding import seed_weights

STEM, COMEDY, MUSIC = 1, 2, 3
PHYSICS, JOKES = 11, 12


@dataclass(frozen=True)
class Event:
    kind: str
    watched_seconds: float = 0.0
    looped: int = 0


def seeded() -> History:
    weights = seed_weights(weights=Weights(), topic_ids=[STEM], hashtag_ids=[PHYSICS])
    return History(weights=weights, seen=[], hidden=[], favourites=[])


def views(
    topic: int, tag: int, *, count: int, watched: float, start: int = 100
) -> list[tuple[Event, VideoFacts]]:
    events = []
    for pk in range(start, start + count):
        video = VideoFacts(pk=pk, duration=20.0, creator_id=pk, topic_ids=(topic,), hashtag_ids=(tag,))
        events += [
            (Event("impression"), video),
            (Event("complete" if watched >= 20 else "progress", watched), video),
        ]
    return events


def learnt(history: History, events, *, days: float = 0.0) -> Affinity:
    ranking.learn(history=history, events=events, days_since_update=days, now_ts=0.0)
    return Affinity.of(history.weights)


def test_a_pick_leads_until_anything_is_watched():
    rates = Affinity.of(seeded().weights)

    assert rates.top_topics(3) == [STEM]
    assert rates.top_hashtags(3) == [PHYSICS]
    assert round(rates.topics[STEM], 3) == 0.375


def test_five_views_of_something_else_outweigh_the_picks():
    rates = learnt(seeded(), views(COMEDY, JOKES, count=5, watched=20.0))

    assert rates.top_topics(2) == [COMEDY, STEM]
    assert rates.top_hashtags(2) == [JOKES, PHYSICS]
    assert rates.topics[COMEDY] > 2 * rates.topics[STEM]


def test_one_picked_video_left_at_once_turns_the_pick_around():
    history = seeded()
    rates = learnt(history, views(STEM, PHYSICS, count=1, watched=0.5))

    assert rates.topics[STEM] < 0
    assert rates.top_topics(3) == []


def test_seeds_fade_like_any_evidence():
    history = seeded()
    rates = learnt(history, [], days=ranking.learning.HALF_LIFE_DAYS)

    assert round(history.weights.topics[STEM], 3) == 0.3
    assert round(rates.topics[STEM], 3) == round(0.3 / 1.3, 3)


def test_a_pick_after_watching_only_raises_what_watching_has_not_said():
    history = seeded()
    learnt(history, views(STEM, PHYSICS, count=3, watched=20.0))
    before = (dict(history.weights.topics), dict(history.weights.topic_views))

    seed_weights(weights=history.weights, topic_ids=[STEM, MUSIC], hashtag_ids=[])

    assert history.weights.topics[STEM] == before[0][STEM]  # watching said more: unchanged
    assert history.weights.topic_views[STEM] == before[1][STEM]
    assert (history.weights.topics[MUSIC], history.weights.topic_views[MUSIC]) == (0.6, 0.6)
