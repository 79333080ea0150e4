"""Ranking features as compact bytes, for the shared pools in Redis.

One fixed-size head (``struct``, 109 bytes), then the topic and hashtag ids (8 bytes each) and the region.
A page's candidates are read as one ``FeatureTable`` straight from their bytes (``features_table``, NumPy,
no object per video); ``features_decode`` makes the ``Features`` of one video.
"""

from __future__ import annotations

import struct
import uuid

import numpy as np

from feeds.ranking import Features, FeatureTable
from feeds.ranking.features import NO_ID, watch_values

# video, public id, creator, published, duration, six counters, recent completions, mature, news,
# topic count, hashtag count, region length.
HEAD = struct.Struct("<q16sqddqqqqqqd??BBB")
# The same head as a NumPy record (packed, little-endian), to read many at once.
HEAD_RECORD = np.dtype(
    [
        ("video_id", "<i8"),
        ("public_id", "V16"),
        ("creator_id", "<i8"),
        ("published_ts", "<f8"),
        ("duration", "<f8"),
        ("impressions", "<i8"),
        ("completions", "<i8"),
        ("likes", "<i8"),
        ("shares", "<i8"),
        ("skips", "<i8"),
        ("not_interested", "<i8"),
        ("recent_completions", "<f8"),
        ("is_mature", "?"),
        ("is_news_verified", "?"),
        ("topic_count", "u1"),
        ("hashtag_count", "u1"),
        ("region_length", "u1"),
    ]
)
assert HEAD_RECORD.itemsize == HEAD.size


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


def features_table(blobs: list[bytes]) -> FeatureTable:
    """The scorer's columns of many encoded videos at once: their heads gathered into one record array,
    their topic and hashtag ids into two padded matrices."""
    count = len(blobs)
    if not count:
        return FeatureTable.of(())
    data = np.frombuffer(b"".join(blobs), dtype=np.uint8)
    lengths = np.fromiter(map(len, blobs), np.int64, count)
    starts = np.zeros(count, dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    heads = data[starts[:, None] + np.arange(HEAD.size)].view(HEAD_RECORD)[:, 0]
    topic_counts = heads["topic_count"].astype(np.int64)
    hashtag_counts = heads["hashtag_count"].astype(np.int64)

    def ids(first: np.ndarray, counts: np.ndarray) -> np.ndarray:
        width = int(counts.max(initial=0))
        slots = np.arange(width)
        at = (first[:, None] + 8 * slots)[:, :, None] + np.arange(8)
        values = data[np.minimum(at, len(data) - 1)].view("<i8")[:, :, 0]
        return np.where(slots < counts[:, None], values, NO_ID).astype(np.int64)

    impressions = heads["impressions"].astype(np.int64)
    return FeatureTable.from_columns(
        video_ids=heads["video_id"].astype(np.int64),
        creator_ids=heads["creator_id"].astype(np.int64),
        published_ts=heads["published_ts"].astype(np.float64),
        impressions=impressions,
        watch_value=watch_values(
            impressions=impressions,
            completions=heads["completions"],
            likes=heads["likes"],
            shares=heads["shares"],
            skips=heads["skips"],
            not_interested=heads["not_interested"],
        ),
        is_mature=heads["is_mature"].astype(np.bool_),
        topic_ids=ids(starts + HEAD.size, topic_counts),
        hashtag_ids=ids(starts + HEAD.size + 8 * topic_counts, hashtag_counts),
    )
