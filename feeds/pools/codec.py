"""Ranking features as compact bytes, for the shared pools in Redis.

One fixed-size head (``struct``, 109 bytes), then the topic and hashtag ids (8 bytes each) and the region.
"""

from __future__ import annotations

import struct
import uuid

from feeds.ranking import Features

# video, public id, creator, published, duration, six counters, recent completions, mature, news,
# topic count, hashtag count, region length.
HEAD = struct.Struct("<q16sqddqqqqqqd??BBB")


def features_encode(item: Features) -> bytes:
    region = item.region.encode()[:255]
    topics, hashtags = item.topic_ids[:255], item.hashtag_ids[:255]
    head = HEAD.pack(
        item.video_id,
        item.public_id.bytes,
        item.creator_id,
        item.published_ts,
        item.duration,
        item.impressions,
        item.completions,
        item.likes,
        item.shares,
        item.skips,
        item.not_interested,
        item.recent_completions,
        item.is_mature,
        item.is_news_verified,
        len(topics),
        len(hashtags),
        len(region),
    )
    return head + struct.pack(f"<{len(topics) + len(hashtags)}q", *topics, *hashtags) + region


def features_decode(blob: bytes) -> Features:
    (
        video_id,
        public_id,
        creator_id,
        published_ts,
        duration,
        impressions,
        completions,
        likes,
        shares,
        skips,
        not_interested,
        recent_completions,
        is_mature,
        is_news_verified,
        topic_count,
        hashtag_count,
        region_length,
    ) = HEAD.unpack_from(blob)
    ids = struct.unpack_from(f"<{topic_count + hashtag_count}q", blob, HEAD.size)
    region_start = HEAD.size + 8 * (topic_count + hashtag_count)
    return Features(
        video_id=video_id,
        public_id=uuid.UUID(bytes=public_id),
        creator_id=creator_id,
        topic_ids=ids[:topic_count],
        hashtag_ids=ids[topic_count:],
        region=blob[region_start : region_start + region_length].decode(),
        is_mature=is_mature,
        is_news_verified=is_news_verified,
        published_ts=published_ts,
        duration=duration,
        impressions=impressions,
        completions=completions,
        likes=likes,
        shares=shares,
        skips=skips,
        not_interested=not_interested,
        recent_completions=recent_completions,
    )
