"""The scorer and the page rules, on hand-made catalog features."""

import dataclasses
import time
import uuid

import pytest

from feeds.ranking import (
    KIND_WEIGHTS,
    Catalog,
    Features,
    Filters,
    History,
    Scored,
    VideoFacts,
    Weights,
    diversify,
    for_you_sources,
    learn,
    merge,
    rank,
    score,
)
from feeds.ranking.learning import HALF_LIFE_DAYS
from feeds.ranking.scoring import UNCERTAINTY, Affinity, guess

NOW = time.time()


def features(
    video_id: int,
    *,
    creator: int = 1,
    topics=(1,),
    impressions=100,
    completions=30,
    likes=5,
    shares=1,
    skips=10,
    age_days=1.0,
):
    return Features(
        video_id=video_id,
        public_id=uuid.uuid4(),
        creator_id=creator,
        topic_ids=tuple(topics),
        hashtag_ids=(),
        region="",
        is_mature=False,
        is_news_verified=False,
        published_ts=NOW - age_days * 86400,
        duration=10.0,
        impressions=impressions,
        completions=completions,
        likes=likes,
        shares=shares,
        skips=skips,
        not_interested=0,
        recent_completions=completions,
    )


def catalog_of(*items: Features) -> Catalog:
    return Catalog(
        built_at=0,
        features={item.video_id: item for item in items},
        by_topic={},
        by_creator={},
        by_region={},
        trending=[],
        fresh=[],
    )


def test_interest_in_a_topic_raises_its_videos():
    stem, comedy = features(1, topics=(1,)), features(2, topics=(2,))
    weights = Weights(topics={1: 3.0, 2: -1.0})
    assert score(item=stem, weights=weights, now_ts=NOW) > score(item=comedy, weights=weights, now_ts=NOW)
    neutral = Weights()
    assert score(item=stem, weights=neutral, now_ts=NOW) == score(item=comedy, weights=neutral, now_ts=NOW)


def test_smoothing_keeps_a_three_view_video_below_a_three_thousand_view_one():
    lucky = features(1, impressions=3, completions=3, likes=3, shares=0, skips=0)
    proven = features(2, impressions=3000, completions=2100, likes=600, shares=80, skips=300)
    assert score(item=proven, weights=Weights(), now_ts=NOW) > score(
        item=lucky, weights=Weights(), now_ts=NOW
    )


def test_fresh_videos_score_higher_than_stale_ones_all_else_equal():
    assert score(item=features(1, age_days=0), weights=Weights(), now_ts=NOW) > score(
        item=features(2, age_days=60), weights=Weights(), now_ts=NOW
    )


def test_skips_lower_quality():
    assert features(1, skips=0).quality > features(2, skips=90).quality


def test_diversity_allows_two_per_creator_and_no_three_in_a_row_from_a_topic():
    items = [features(i, creator=1 if i < 5 else i, topics=(1,) if i < 10 else (i,)) for i in range(1, 30)]
    catalog = catalog_of(*items)
    ranked = [Scored(video_id=item.video_id, score=100 - item.video_id, source="interest") for item in items]
    page = diversify(ranked=ranked, explore=[], catalog=catalog, size=12)
    creators = [catalog.features[s.video_id].creator_id for s in page]
    assert creators.count(1) == 2
    topics = [catalog.features[s.video_id].topic_ids[0] for s in page]
    assert all(not (topics[i] == topics[i + 1] == topics[i + 2]) for i in range(len(topics) - 2))
    assert len(page) == 12


def test_at_least_ten_percent_of_a_page_is_exploration():
    items = [features(i, creator=i, topics=(i % 7,)) for i in range(1, 60)]
    catalog = catalog_of(*items)
    ranked = [Scored(video_id=i, score=1.0 / i, source="interest") for i in range(1, 40)]
    explore = [Scored(video_id=i, score=0.0, source="explore") for i in range(40, 60)]
    page = diversify(ranked=ranked, explore=explore, catalog=catalog, size=20)
    assert len(page) == 20
    assert sum(1 for s in page if s.source == "explore") >= 2


def test_weights_round_trip_and_decay():
    weights = Weights(topics={1: 2.0}, hashtags={5: -1.0}, creators={9: 4.0})
    again = Weights.from_json(weights.to_json())
    assert again == weights
    again.decay(0.5)
    assert again.topics == {1: 1.0}
    rates = Affinity.of(again)
    assert rates.top_topics(3) == [1]
    assert rates.top_creators(3) == [9]
    assert rates.top_hashtags(3) == []  # only what the viewer enjoys is a candidate pool


def test_the_model_imports_nothing_from_django():
    """The recommendation model is pure: selectors fetch, ranking decides."""
    import ast
    import pathlib

    import feeds.ranking

    package = pathlib.Path(feeds.ranking.__file__).parent
    imported = set()
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
    assert "django" not in imported
    assert imported - {"__future__", "feeds"} <= {
        "math",
        "random",
        "uuid",
        "collections",
        "dataclasses",
        "functools",
        "itertools",
        "typing",
        "numpy",  # the scorer's arrays
    }


def test_every_learned_kind_is_a_real_signal_kind():
    from feeds.models import Signal

    assert set(KIND_WEIGHTS) | {"progress"} <= set(Signal.Kind.values)


class Watched:
    def __init__(self, kind, watched_seconds=0.0, looped=0):
        self.kind, self.watched_seconds, self.looped = kind, watched_seconds, looped


FACTS = VideoFacts(pk=7, duration=10.0, creator_id=3, topic_ids=(1,), hashtag_ids=(5,))


def empty_history():
    return History(weights=Weights(), seen=[], hidden=[], favourites=[])


def test_a_completion_teaches_topic_hashtag_and_creator_alike_and_makes_a_favourite():
    history = learn(
        history=empty_history(), events=[(Watched("complete", 10.0), FACTS)], days_since_update=0, now_ts=NOW
    )
    weights = history.weights
    assert (weights.topics, weights.hashtags, weights.creators) == ({1: 1.0}, {5: 1.0}, {3: 1.0})
    assert (weights.topic_views, weights.hashtag_views, weights.creator_views) == (
        {1: 1.0},
        {5: 1.0},
        {3: 1.0},
    )
    assert weights.recent is not None
    assert weights.recent.hashtags == {5: 1.0}
    assert history.seen == [7]
    assert history.favourites == [7]
    assert history.hidden == []
    assert history.outcomes == {7: 1.0}


def test_not_interested_hides_the_video_and_sinks_its_creator_and_hashtags():
    history = learn(
        history=empty_history(), events=[(Watched("not_interested"), FACTS)], days_since_update=0, now_ts=NOW
    )
    assert history.hidden == [7]
    assert history.weights.topics == {1: -3.0}
    assert history.weights.hashtags == {5: -4.0}
    assert history.weights.creators == {3: -5.0}
    assert history.favourites == []


def test_half_a_video_watched_teaches_a_little_and_leaving_early_teaches_dislike():
    half = learn(
        history=empty_history(), events=[(Watched("progress", 5.0), FACTS)], days_since_update=0, now_ts=NOW
    )
    assert half.weights.topics == {1: pytest.approx(0.1)}
    early = learn(
        history=empty_history(), events=[(Watched("progress", 2.0), FACTS)], days_since_update=0, now_ts=NOW
    )
    assert early.weights.topics[1] == pytest.approx(-0.32)
    assert early.seen == [7]
    skipped = learn(
        history=empty_history(), events=[(Watched("skip", 1.0), FACTS)], days_since_update=0, now_ts=NOW
    )
    assert skipped.weights.topics == {1: -0.6}


def player_events(facts, *, watched, loops=0):
    """What the player sends for one view: an impression, progress every 3 s, the end (and each loop)."""
    events = [Watched("impression")]
    completed = watched >= facts.duration
    for loop in range(1 + (loops if completed else 0)):
        mark = 3.0
        while mark < (facts.duration if completed else watched):
            events.append(Watched("progress", mark, loop))
            mark += 3.0
        events.append(
            Watched("complete", facts.duration, loop) if completed else Watched("progress", watched)
        )
    return [(event, facts) for event in events]


def test_a_view_teaches_one_outcome_however_many_events_the_player_sent():
    long_video = VideoFacts(pk=1, duration=60.0, creator_id=1, topic_ids=(1,), hashtag_ids=(10,))
    short_a = VideoFacts(pk=2, duration=9.0, creator_id=2, topic_ids=(2,), hashtag_ids=(20,))
    short_b = VideoFacts(pk=3, duration=9.0, creator_id=2, topic_ids=(2,), hashtag_ids=(20,))
    history = learn(
        history=empty_history(),
        events=[
            *player_events(long_video, watched=30.0),  # eleven events, half watched
            *player_events(short_a, watched=9.0),  # four events each, watched to the end
            *player_events(short_b, watched=9.0),
        ],
        days_since_update=0,
        now_ts=NOW,
    )
    assert history.weights.topics[1] == pytest.approx(0.1)  # one half-watched view
    assert history.weights.topics[2] == pytest.approx(2.0)  # two completions outweigh it twenty times
    assert history.weights.topic_views == {1: 1.0, 2: 2.0}
    looped = learn(
        history=empty_history(),
        events=player_events(short_a, watched=9.0, loops=2),
        days_since_update=0,
        now_ts=NOW,
    )
    assert looped.weights.topics[2] == pytest.approx(1.6)  # a completion and two loops
    assert looped.weights.topic_views == {2: 1.0}


def test_a_view_split_over_batches_teaches_the_same_as_in_one():
    events = player_events(FACTS, watched=10.0, loops=1)
    whole = learn(history=empty_history(), events=events, days_since_update=0, now_ts=NOW)
    split = empty_history()
    for start in range(0, len(events), 2):
        split = learn(history=split, events=events[start : start + 2], days_since_update=0, now_ts=NOW)
    assert split.weights.topics == pytest.approx(whole.weights.topics)
    assert split.weights.topic_views == whole.weights.topic_views
    assert split.outcomes == whole.outcomes == {7: pytest.approx(1.3)}


def test_short_term_interest_follows_a_change_of_taste_within_a_session():
    old = VideoFacts(pk=0, duration=10.0, creator_id=1, topic_ids=(1,), hashtag_ids=(5,))
    history = empty_history()
    for pk in range(1, 31):  # thirty videos with hashtag 5 enjoyed to the end
        history = learn(
            history=history,
            events=player_events(dataclasses.replace(old, pk=pk), watched=10.0),
            days_since_update=0,
            now_ts=NOW,
        )
    new = VideoFacts(pk=100, duration=10.0, creator_id=2, topic_ids=(2,), hashtag_ids=(6,))
    for pk in range(31, 35):  # then hashtag 5 is skipped four times and hashtag 6 enjoyed twice
        history = learn(
            history=history,
            events=[
                (Watched("impression"), dataclasses.replace(old, pk=pk)),
                (Watched("skip", 1.0), dataclasses.replace(old, pk=pk)),
            ],
            days_since_update=0,
            now_ts=NOW,
        )
    for pk in (101, 102):
        history = learn(
            history=history,
            events=player_events(dataclasses.replace(new, pk=pk), watched=10.0),
            days_since_update=0,
            now_ts=NOW,
        )
    long_term_only = Affinity.of(dataclasses.replace(history.weights, recent=None))
    assert long_term_only.hashtags[5] > long_term_only.hashtags[6]  # thirty enjoyed views still say "5"
    rates = Affinity.of(history.weights)
    assert rates.hashtags[6] > rates.hashtags[5]  # the last few views say "6" now
    assert rates.top_hashtags(1) == [6]


def test_the_page_guess_is_repeatable_bounded_and_shrinks_with_exposure():
    assert guess(seed=1, video_id=5, impressions=0) == guess(seed=1, video_id=5, impressions=0)
    guesses = {guess(seed=seed, video_id=5, impressions=0) for seed in range(50)}
    assert len(guesses) > 40  # differs from page to page and viewer to viewer
    bound = UNCERTAINTY / 6**0.5
    assert all(-bound <= value <= bound for value in guesses)
    assert max(abs(guess(seed=seed, video_id=5, impressions=10_000)) for seed in range(50)) < bound / 30


def test_a_liked_hashtag_inside_a_broad_topic_outranks_the_topics_other_videos():
    physics = dataclasses.replace(features(1, topics=(1,)), hashtag_ids=(10,))
    chemistry = dataclasses.replace(features(2, topics=(1,)), hashtag_ids=(11,))
    history = empty_history()
    for pk, facts in enumerate([(10, 10.0), (10, 10.0), (11, 1.0), (11, 1.0)], start=1):
        tag, watched = facts
        video = VideoFacts(pk=pk, duration=10.0, creator_id=pk + 10, topic_ids=(1,), hashtag_ids=(tag,))
        kind = "skip" if watched < 2 else "complete"
        history = learn(
            history=history,
            events=[(Watched("impression"), video), (Watched(kind, watched), video)],
            days_since_update=0,
            now_ts=NOW,
        )
    assert score(item=physics, weights=history.weights, now_ts=NOW) > 3 * score(
        item=chemistry, weights=history.weights, now_ts=NOW
    )


def test_hashtag_pools_come_from_the_viewers_best_hashtags():
    items = [dataclasses.replace(features(i, creator=i), hashtag_ids=(i % 2 + 10,)) for i in range(1, 7)]
    catalog = catalog_of(*items)
    catalog.by_hashtag = {10: [2, 4, 6], 11: [1, 3, 5]}
    weights = Weights(hashtags={10: 2.0, 11: -1.0}, hashtag_views={10: 2.0, 11: 2.0})
    sources, _ = for_you_sources(catalog=catalog, weights=weights, cowatch=[])
    assert sources["hashtag"] == [2, 4, 6]


def test_weights_halve_every_half_life():
    history = History(weights=Weights(topics={1: 4.0}), seen=[], hidden=[], favourites=[])
    learn(history=history, events=[], days_since_update=HALF_LIFE_DAYS * 2, now_ts=NOW)
    assert history.weights.topics == {1: 1.0}


def test_merging_adds_weights_and_keeps_the_newest_history():
    mine = History(weights=Weights(topics={1: 1.0}), seen=list(range(400)), hidden=[], favourites=[1])
    theirs = History(
        weights=Weights(topics={1: 2.0, 2: 1.0}), seen=list(range(400, 600)), hidden=[9], favourites=[2]
    )
    merged = merge(mine=mine, theirs=theirs)
    assert merged.weights.topics == {1: 3.0, 2: 1.0}
    assert merged.seen == list(range(100, 600))
    assert merged.hidden == [9]
    assert merged.favourites == [1, 2]


def test_for_you_draws_from_top_topics_and_creators_cowatch_and_trending():
    items = [features(i, creator=i % 4, topics=(i % 3,)) for i in range(1, 13)]
    catalog = catalog_of(*items)
    catalog.by_topic = {0: [3, 6, 9, 12], 1: [1, 4, 7, 10], 2: [2, 5, 8, 11]}
    catalog.by_creator = {1: [1, 5, 9]}
    catalog.trending = [12, 11]
    weights = Weights(topics={1: 2.0, 2: -1.0}, creators={1: 1.0})
    sources, boosts = for_you_sources(catalog=catalog, weights=weights, cowatch=[(6, 4.0), (8, 2.0)])
    assert sources == {
        "hashtag": [],
        "interest": [1, 4, 7, 10],
        "creator": [1, 5, 9],
        "cowatch": [6, 8],
        "trending": [12, 11],
    }
    assert boosts == {6: 0.3, 8: 0.15}


def test_rank_skips_what_the_filters_exclude_and_credits_the_first_source():
    mature = dataclasses.replace(features(4), is_mature=True)
    catalog = catalog_of(features(1), features(2), features(3), mature)
    sources = {"interest": [1, 2], "trending": [1, 3, 4, 99]}
    minor = Filters(excluded=frozenset({2}), allow_mature=False)
    ranked = rank(catalog=catalog, sources=sources, weights=Weights(), filters=minor, now_ts=NOW)
    assert {(scored.video_id, scored.source) for scored in ranked} == {(1, "interest"), (3, "trending")}
    adult = Filters(excluded=frozenset(), allow_mature=True)
    ranked = rank(catalog=catalog, sources=sources, weights=Weights(), filters=adult, now_ts=NOW)
    assert sorted(scored.video_id for scored in ranked) == [1, 2, 3, 4]


def test_rewatch_order_puts_never_seen_apart_and_repeats_least_recently_seen_first():
    from feeds.ranking import rewatch_order, staleness_boosts

    catalog = catalog_of(*(features(i) for i in range(1, 7)))
    filters = Filters(excluded=frozenset({6}), allow_mature=False)
    unseen, again = rewatch_order(catalog=catalog, recent=[3, 1, 2, 3, 6, 99], filters=filters)
    assert unseen == [4, 5]
    assert again == [1, 2, 3]  # 3 was seen again last; 6 is hidden; 99 is gone
    assert staleness_boosts(again) == {1: 0.0, 2: -1 / 3, 3: -2 / 3}


def test_in_a_topics_own_feed_the_run_rule_looks_at_the_other_topics():
    # Six creators, all in topic 1 (the feed's), half also in topic 2, half in topic 3.
    items = [features(i, creator=i, topics=(1, 2 if i % 2 else 3)) for i in range(1, 7)]
    catalog = catalog_of(*items)
    ranked = [Scored(video_id=i, score=10.0 - i, source="topic") for i in range(1, 7)]
    assert len(diversify(ranked=ranked, explore=[], catalog=catalog, size=6)) == 2  # all "topic 1"
    page = diversify(ranked=ranked, explore=[], catalog=catalog, size=6, feed_topic=1)
    assert len(page) == 6


def test_rank_scores_every_candidate_exactly_as_score_does():
    items = [
        dataclasses.replace(
            features(i, creator=i % 3, topics=(i % 2 + 1,), impressions=i * 7, age_days=i / 3),
            hashtag_ids=tuple({10 + i % 4, 10 + i % 3}),
        )
        for i in range(1, 25)
    ]
    catalog = catalog_of(*items)
    weights = Weights(
        topics={1: 1.5, 2: -0.5},
        topic_views={1: 2.0, 2: 3.0},
        hashtags={10: 2.0, 11: -1.0, 12: 0.4},
        hashtag_views={10: 2.0, 11: 2.0, 12: 4.0},
        creators={1: 3.0},
        recent=Weights(hashtags={13: 1.0}, hashtag_views={13: 1.0}),
    )
    filters = Filters(excluded=frozenset(), allow_mature=True)
    for seed in (None, 42):
        ranked = rank(
            catalog=catalog,
            sources={"interest": [item.video_id for item in items]},
            weights=weights,
            filters=filters,
            now_ts=NOW,
            boosts={3: 0.3},
            seed=seed,
        )
        for scored in ranked:
            item = catalog.features[scored.video_id]
            jitter = (
                0.0
                if seed is None
                else guess(seed=seed, video_id=item.video_id, impressions=item.impressions)
            )
            expected = score(
                item=item,
                weights=weights,
                now_ts=NOW,
                boost=0.3 if item.video_id == 3 else 0.0,
                jitter=jitter,
            )
            assert scored.score == pytest.approx(expected, rel=1e-12)


def test_a_page_that_fills_keeps_the_caps_while_it_can_then_takes_the_best_of_the_rest():
    # A topic made by two creators: 20 videos of creator 1, 4 of creator 2, all in the feed's topic 1.
    items = [features(i, creator=1 if i <= 20 else 2, topics=(1,)) for i in range(1, 25)]
    catalog = catalog_of(*items)
    ranked = [Scored(video_id=item.video_id, score=100 - item.video_id, source="topic") for item in items]
    assert len(diversify(ranked=ranked, explore=[], catalog=catalog, size=12, feed_topic=1)) == 4
    page = diversify(ranked=ranked, explore=[], catalog=catalog, size=12, feed_topic=1, fills=True)
    creators = [catalog.features[s.video_id].creator_id for s in page]
    assert len(page) == len({s.video_id for s in page}) == 12
    assert creators[:4] == [1, 1, 2, 2]  # the caps first
    # then the best of the rest, never one creator twice in a row while the other has videos left
    assert creators[4:] == [1, 2, 1, 2, 1, 1, 1, 1]
    assert [s.video_id for s in page if catalog.features[s.video_id].creator_id == 1] == list(range(1, 9))
