"""The scorer and the page rules, on hand-made catalog features."""

import time
import uuid

from feeds.catalog import Catalog, Features
from feeds.ranking import Scored, Weights, diversify, score

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
    assert again.top_topics(3) == [1]
    assert again.top_creators(3) == [9]
