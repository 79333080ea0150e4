"""The scorer's arrays: ``rank`` orders candidates exactly as scoring each with ``score`` one by one does,
and the columns it reads (from a catalog's features or from the shared pools' bytes) hold the same numbers."""

import random
import time
import uuid
from typing import Any

import numpy as np
import pytest

from feeds.pools.codec import features_decode, features_encode, features_table
from feeds.ranking import (
    Catalog,
    Features,
    FeatureTable,
    Filters,
    PackedFeatures,
    Weights,
    diversify,
    rank,
    score,
)
from feeds.ranking.scoring import EXPLORE_SAMPLE, Affinity, Ranked, for_you_wants, guess

NOW = time.time()


def random_features(rng: random.Random, video_id: int) -> Features:
    impressions = rng.choice([0, 1, 3, 20, 140, 5000])
    return Features(
        video_id=video_id,
        public_id=uuid.UUID(int=rng.getrandbits(128)),
        creator_id=rng.randint(1, 15),
        topic_ids=tuple(rng.sample(range(1, 9), rng.randint(0, 3))),
        hashtag_ids=tuple(rng.sample(range(100, 130), rng.randint(0, 10))),
        region=rng.choice(["", "DE-BY", "FR"]),
        is_mature=rng.random() < 0.1,
        is_news_verified=rng.random() < 0.2,
        published_ts=NOW - rng.uniform(-3600, 90 * 86400),
        duration=rng.uniform(1, 60),
        impressions=impressions,
        completions=rng.randint(0, impressions),
        likes=rng.randint(0, impressions),
        shares=rng.randint(0, impressions // 3 + 1),
        skips=rng.randint(0, impressions),
        not_interested=rng.randint(0, 3),
        recent_completions=rng.uniform(0, 50),
    )


def random_weights(rng: random.Random) -> Weights:
    def part(keys: range, count: int) -> tuple[dict[int, float], dict[int, float]]:
        chosen = rng.sample(keys, count)
        views = {key: rng.uniform(0.5, 30) for key in chosen}
        return {key: views[key] * rng.uniform(-0.8, 0.9) for key in chosen}, views

    (topics, topic_views), (hashtags, hashtag_views) = part(range(1, 9), 4), part(range(100, 130), 12)
    (creators, creator_views), (recent_tags, recent_tag_views) = (
        part(range(1, 16), 5),
        part(range(100, 130), 3),
    )
    return Weights(
        topics=topics,
        topic_views=topic_views,
        hashtags=hashtags,
        hashtag_views=hashtag_views,
        creators=creators,
        creator_views=creator_views,
        recent=Weights(hashtags=recent_tags, hashtag_views=recent_tag_views),
    )


def one_by_one(*, catalog, sources, weights, filters, boosts, seed):
    """What ``rank`` computes, the slow way: ``Filters.allows`` and ``score`` per candidate, first source
    credited, sorted best first (equal scores in the order found)."""
    found: dict[int, tuple[float, str]] = {}
    for source, ids in sources.items():
        for video_id in ids:
            if video_id in found or not filters.allows(catalog, video_id):
                continue
            item = catalog.features[video_id]
            jitter = (
                0.0 if seed is None else guess(seed=seed, video_id=video_id, impressions=item.impressions)
            )
            found[video_id] = (
                score(item=item, weights=weights, now_ts=NOW, boost=boosts.get(video_id, 0.0), jitter=jitter),
                source,
            )
    return sorted(
        ((video_id, value, source) for video_id, (value, source) in found.items()), key=lambda row: -row[1]
    )


def catalog_of(items: list[Features]) -> Catalog:
    return Catalog(
        built_at=0,
        features={item.video_id: item for item in items},
        by_topic={},
        by_creator={},
        by_region={},
        trending=[],
        fresh=[],
    )


@pytest.mark.parametrize("case", range(40))
def test_rank_orders_candidates_as_scoring_them_one_by_one_does(case):
    rng = random.Random(case)
    # Some cases rank in a catalog large enough to find its rows by position (``FeatureTable.dense_rows``).
    items = [random_features(rng, video_id) for video_id in range(1, 1501 if case % 8 == 3 else 301)]
    if case % 4 == 1:  # equal features under other ids (and no guess): equal scores, kept in the order found
        items += [Features(**{**_fields(item), "video_id": item.video_id + 1000}) for item in items[:40]]
    catalog = catalog_of(items)
    ids = [item.video_id for item in items]
    sources = {
        "hashtag": rng.sample(ids, 80),
        "interest": [*rng.sample(ids, 120), 99_999],  # one no longer in the catalog
        "creator": rng.sample(ids, 30),
        "trending": rng.sample(ids, 120),
    }
    weights = random_weights(rng) if case % 5 else Weights()
    filters = Filters(
        excluded=frozenset(rng.sample(ids, 30)),
        allow_mature=case % 2 == 0,
        creators=frozenset(rng.sample(range(1, 16), case % 3)),
        topics=frozenset(rng.sample(range(1, 9), case % 2)),
    )
    boosts = {video_id: rng.uniform(0, 0.3) for video_id in rng.sample(ids, 20)} if case % 3 else {}
    seed = None if case % 4 == 1 else rng.getrandbits(32)
    for rates in (weights, Affinity.of(weights)):
        ranked = rank(
            catalog=catalog,
            sources=sources,
            weights=rates,
            filters=filters,
            now_ts=NOW,
            boosts=boosts,
            seed=seed,
        )
        expected = one_by_one(
            catalog=catalog, sources=sources, weights=weights, filters=filters, boosts=boosts, seed=seed
        )
        assert [(scored.video_id, scored.source) for scored in ranked] == [
            (video_id, source) for video_id, _, source in expected
        ]
        assert [scored.score for scored in ranked] == pytest.approx(
            [value for _, value, _ in expected], rel=1e-12
        )
    every = [*ids, 99_999]
    assert filters.allowed(catalog, every) == [
        video_id for video_id in every if filters.allows(catalog, video_id)
    ]


def _fields(item: Features) -> dict[str, Any]:
    return {name: getattr(item, name) for name in Features.__dataclass_fields__ if name != "watch_value"}


@pytest.mark.parametrize("dense", [True, False])
def test_a_table_finds_rows_by_position_or_by_search_alike(dense):
    rng = random.Random(9)
    # Dense: ids 1 to 3,000 with holes, shuffled; sparse: ids far apart (found by search).
    ids = rng.sample(range(1, 3001), 1200) if dense else rng.sample(range(1, 10**9), 1200)
    table = FeatureTable.of([random_features(rng, video_id) for video_id in ids])
    assert (table.dense_rows is not None) == dense
    asked = [*rng.sample(ids, 300), 0, -5, max(ids) + 1, 10**12, *rng.sample(range(1, 3001), 300)]
    assert table.rows_of(np.array(asked, dtype=np.int64)).tolist() == [
        table.rows.get(video_id, -1) for video_id in asked
    ]


def test_rank_of_nothing_allowed_is_empty():
    catalog = catalog_of([random_features(random.Random(1), 1)])
    everything_out = Filters(excluded=frozenset({1}), allow_mature=True)
    assert (
        rank(
            catalog=catalog,
            sources={"interest": [1, 2]},
            weights=Weights(),
            filters=everything_out,
            now_ts=NOW,
        )
        == []
    )
    assert rank(catalog=catalog, sources={}, weights=Weights(), filters=everything_out, now_ts=NOW) == []


def assert_same_table(table: FeatureTable, expected: FeatureTable) -> None:
    for name in ("video_ids", "creator_ids", "published_ts", "impressions", "watch_value", "is_mature"):
        assert getattr(table, name).tolist() == getattr(expected, name).tolist(), name
    for name in ("topic_ids", "hashtag_ids"):
        assert getattr(table, name).tolist() == getattr(expected, name).tolist(), name
    assert table.rows == expected.rows


def test_the_table_read_from_the_pools_bytes_holds_the_features_numbers():
    rng = random.Random(3)
    items = [random_features(rng, video_id) for video_id in rng.sample(range(1, 10_000), 200)]
    table = features_table([features_encode(item) for item in items])
    # Exactly the same floats (watch_value included): the two stores rank alike.
    assert_same_table(table, FeatureTable.of(items))
    assert table.watch_value.tolist() == [item.watch_value for item in items]


def test_a_table_of_videos_without_topics_or_hashtags_and_of_none():
    item = Features(**{**_fields(random_features(random.Random(5), 7)), "topic_ids": (), "hashtag_ids": ()})
    table = features_table([features_encode(item)])
    assert table.topic_ids.shape == (1, 0)
    assert table.hashtag_ids.shape == (1, 0)
    assert features_table([]).rows == {}


def test_packed_features_decode_only_what_is_read():
    rng = random.Random(9)
    items = [random_features(rng, video_id) for video_id in range(1, 6)]
    decoded: list[int] = []

    def decode(blob: bytes) -> Features:
        item = features_decode(blob)
        decoded.append(item.video_id)
        return item

    features = PackedFeatures({item.video_id: features_encode(item) for item in items}, decode)
    assert len(features) == 5
    assert 3 in features
    assert 9 not in features
    assert features[3] == items[2]
    assert features.get(3) == items[2]
    assert features.get(9) is None
    assert decoded == [3]


def test_a_page_view_takes_in_a_second_reads_features_and_columns():
    rng = random.Random(11)
    items = [random_features(rng, video_id) for video_id in range(1, 9)]

    def view(chosen: list[Features]) -> Catalog:
        blobs = [features_encode(item) for item in chosen]
        table = features_table(blobs)
        catalog = catalog_of([])
        catalog.features = PackedFeatures(
            dict(zip(table.video_ids.tolist(), blobs, strict=True)), features_decode
        )
        catalog.table, catalog.is_page_view = table, True
        return catalog

    first, second = view(items[:5]), view(items[3:])
    first.absorb(second)
    assert sorted(first.features) == list(range(1, 9))
    assert_same_table(first.columns(), FeatureTable.of([*items[:5], *items[5:]]))
    assert first.features[8] == items[7]
    assert isinstance(first.columns().topic_ids, np.ndarray)


def test_for_you_samples_the_fresh_pool_at_as_many_different_places_as_it_explores():
    """The shared pools sample the fresh pool at ``Wants.explore``'s positions: each a different one
    (they were all the same, so a page of the Redis store explored one video), the same for one seed."""
    wants = for_you_wants(weights=Affinity.of(Weights()), cowatch=[], seed="u:1:0:2026-12-07")
    assert len(set(wants.explore)) == EXPLORE_SAMPLE
    assert all(0.0 <= position < 1.0 for position in wants.explore)
    again = for_you_wants(weights=Affinity.of(Weights()), cowatch=[], seed="u:1:0:2026-12-07")
    assert again.explore == wants.explore
    other = for_you_wants(weights=Affinity.of(Weights()), cowatch=[], seed="u:1:20:2026-12-07")
    assert other.explore != wants.explore


def test_ranked_reads_as_the_list_it_stands_for_and_makes_only_what_is_read():
    rng = random.Random(11)
    items = [random_features(rng, video_id) for video_id in range(1, 301)]
    catalog = catalog_of(items)
    ids = [item.video_id for item in items]
    sources = {"interest": ids[:150], "trending": ids[100:]}
    ranked = rank(
        catalog=catalog,
        sources=sources,
        weights=random_weights(rng),
        filters=Filters(excluded=frozenset(), allow_mature=True),
        now_ts=NOW,
        seed=7,
    )
    assert len(ranked) == 300 > 2 * Ranked.CHUNK
    assert ranked[0].video_id in ids
    assert len(ranked._made) == Ranked.CHUNK  # reading the best made one chunk, not all 300
    whole = list(ranked)
    assert len(ranked._made) == 300
    assert whole == [ranked[index] for index in range(300)]
    assert [scored.score for scored in whole] == sorted((scored.score for scored in whole), reverse=True)
    assert ranked == whole
    assert whole == ranked
    assert ranked != whole[:-1]
    assert ranked[-1] == whole[-1]
    assert ranked[60:70] == whole[60:70]
    assert ranked + whole[:2] == [*whole, *whole[:2]]
    with pytest.raises(IndexError):
        ranked[300]
    with pytest.raises(IndexError):
        ranked[-301]
    # Iterated from a fresh answer, across chunk boundaries, it is the same list.
    again = rank(
        catalog=catalog,
        sources=sources,
        weights=Weights(),
        filters=Filters(excluded=frozenset(), allow_mature=True),
        now_ts=NOW,
    )
    assert [scored.video_id for scored in again] == [again[index].video_id for index in range(len(again))]


def diversify_by_lists(*, ranked, explore, catalog, size, explore_share=0.1, feed_topic=None, fills=False):
    """``diversify`` as it was written over copied lists (before ``Ranked``): the reference it must equal."""
    import math
    from collections import Counter

    from feeds.ranking.page import MAX_PER_CREATOR, MAX_TOPIC_RUN

    def primary_topic(item, *, besides):
        return next((topic for topic in item.topic_ids if topic != besides), None)

    explore_slots = math.ceil(size * explore_share) if explore else 0
    explore_positions = {int((index + 1) * size / (explore_slots + 1)) for index in range(explore_slots)}
    page: list[Any] = []
    per_creator: Counter[int] = Counter()
    used: set[int] = set()
    main, extra = list(ranked), list(explore)

    def fits(candidate):
        item = catalog.features[candidate.video_id]
        if candidate.video_id in used or per_creator[item.creator_id] >= MAX_PER_CREATOR:
            return False
        topic = primary_topic(item, besides=feed_topic)
        if topic is not None and len(page) >= MAX_TOPIC_RUN:
            tail = [
                primary_topic(catalog.features[chosen.video_id], besides=feed_topic)
                for chosen in page[-MAX_TOPIC_RUN:]
            ]
            if all(previous == topic for previous in tail):
                return False
        return True

    def take(pool):
        for index, candidate in enumerate(pool):
            if fits(candidate):
                page.append(candidate)
                used.add(candidate.video_id)
                per_creator[catalog.features[candidate.video_id].creator_id] += 1
                del pool[index]
                return True
        return False

    def take_any():
        for pool in (main, extra):
            pool[:] = [candidate for candidate in pool if candidate.video_id not in used]
        rest = main or extra
        if not rest:
            return False
        last = catalog.features[page[-1].video_id].creator_id if page else None
        index = next((at for at, c in enumerate(rest) if catalog.features[c.video_id].creator_id != last), 0)
        candidate = rest.pop(index)
        page.append(candidate)
        used.add(candidate.video_id)
        per_creator[catalog.features[candidate.video_id].creator_id] += 1
        return True

    while len(page) < size and (main or extra):
        wants_explore = len(page) in explore_positions
        took = (take(extra) if wants_explore else take(main)) or (
            take(main) if wants_explore else take(extra)
        )
        if not (took or (fills and take_any())):
            break
    return page


@pytest.mark.parametrize("case", range(24))
def test_diversify_over_ranked_answers_picks_as_over_lists(case):
    rng = random.Random(100 + case)
    # Few creators and topics (case % 3 == 0: two creators) so the page rules bite and ``fills`` has work.
    items = [
        Features(
            **{
                **_fields(random_features(rng, video_id)),
                "creator_id": rng.randint(1, 2 if case % 3 == 0 else 12),
                "topic_ids": tuple(rng.sample(range(1, 4), rng.randint(0, 2))),
            }
        )
        for video_id in range(1, 401)
    ]
    catalog = catalog_of(items)
    ids = [item.video_id for item in items]
    filters = Filters(excluded=frozenset(rng.sample(ids, 20)), allow_mature=True)
    weights = random_weights(rng)
    # Sometimes fewer candidates than the page holds: the pools run out and ``fills`` takes the rest.
    main_ids = rng.sample(ids, 250 if case % 6 < 3 else 25)
    ranked = rank(
        catalog=catalog, sources={"interest": main_ids}, weights=weights, filters=filters, now_ts=NOW
    )
    # Explore overlaps the main pool at times: a video taken from one stays in the other, unused.
    explore = rank(
        catalog=catalog,
        sources={"explore": rng.sample(main_ids[:20], 5) + rng.sample(ids, 10)},
        weights=weights,
        filters=filters,
        now_ts=NOW,
    )
    options: dict[str, Any] = {
        "catalog": catalog,
        "size": 60 if case % 6 >= 3 else rng.choice([10, 20, 60]),
        "feed_topic": 1 if case % 2 else None,
        "fills": case % 4 in (1, 2),
    }
    expected = diversify_by_lists(ranked=list(ranked), explore=list(explore), **options)
    assert diversify(ranked=ranked, explore=explore, **options) == expected
    assert diversify(ranked=list(ranked), explore=list(explore), **options) == expected
