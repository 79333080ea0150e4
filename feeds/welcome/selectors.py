"""Reads of the interests step: the topics to pick from and the hashtags suggested for the picked ones."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from creators.models import Topic
from feeds.pools import feed_pools
from feeds.ranking import Catalog, Wants

SUGGESTED_PER_TOPIC = 4
# How many of a topic's strongest videos the suggestions are counted over: the pool the feeds already keep,
# so a suggestion costs no query (the candidate store holds it) and follows what viewers watch.
SUGGEST_POOL = 100


@dataclass(frozen=True)
class HashtagChoice:
    pk: int
    name: str
    topic_id: int
    views: int


def topics_all() -> list[Topic]:
    return list(Topic.objects.order_by("position", "name"))


def _allowed_videos(catalog: Catalog, members: Iterable[int]) -> list[int]:
    """Members that any viewer may be shown: never a mature video, whoever picks (teens get the same step)."""
    features = catalog.features
    return [video_id for video_id in members if video_id in features and not features[video_id].is_mature]


def hashtags_suggested(
    *, topic_ids: Collection[int], per_topic: int = SUGGESTED_PER_TOPIC
) -> list[HashtagChoice]:
    """The most-watched hashtags of each picked topic's feed-eligible, non-mature videos, topic by topic in
    the order given; a hashtag suggested for one topic is not suggested again for the next."""
    if not topic_ids:
        return []
    store = feed_pools()
    catalog = store.view(Wants(topics=dict.fromkeys(topic_ids, SUGGEST_POOL)))
    chosen: list[HashtagChoice] = []
    taken: set[int] = set()
    for topic_id in topic_ids:
        videos = _allowed_videos(catalog, catalog.by_topic.get(topic_id, [])[:SUGGEST_POOL])
        views: Counter[int] = Counter()
        for video_id in videos:
            item = catalog.features[video_id]
            for tag in item.hashtag_ids:
                views[tag] += item.impressions + 1
        store.names_fill(catalog, videos)
        best = sorted((tag for tag in views if tag not in taken), key=lambda tag: (-views[tag], tag))[
            :per_topic
        ]
        for tag in best:
            name = catalog.hashtag_names.get(tag)
            if name:
                taken.add(tag)
                chosen.append(HashtagChoice(pk=tag, name=name, topic_id=topic_id, views=views[tag]))
    return chosen


def hashtags_pickable(hashtag_ids: Collection[int]) -> set[int]:
    """Those of ``hashtag_ids`` that some feed-eligible, non-mature video carries: what a pick may seed."""
    if not hashtag_ids:
        return set()
    catalog = feed_pools().view(Wants(hashtags=dict.fromkeys(hashtag_ids, SUGGEST_POOL)))
    return {
        tag for tag in hashtag_ids if _allowed_videos(catalog, catalog.by_hashtag.get(tag, [])[:SUGGEST_POOL])
    }
