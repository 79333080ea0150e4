"""The candidate catalog: every video that may appear in For You and topic feeds, loaded with its ranking features.

Candidate generation reads this in-memory index instead of scanning the video
table on every request. It is rebuilt from the database when it is older than
``FEED_CATALOG_TTL_SECONDS`` or marked stale (a video was published, moderated
or deleted; the rollup updated the stats). A stale catalog keeps serving while a
background thread rebuilds it, so no request waits for a rebuild except the
first one (and every one in tests, where ``FEED_CATALOG_SYNC_REFRESH`` is on).
Removed, limited, under-review, unverified and non-public videos are never in it, and the final page query
re-checks moderation, so a stale catalog can only ever show fewer videos.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from creators.models import Hashtag, Topic, Video, VideoTopic
from creators.selectors import creator_is_restricted_q
from feeds.models import VideoStats
from feeds.ranking.features import Catalog, Features, catalog_index
from platform import age

logger = logging.getLogger(__name__)


_lock = threading.Lock()
# "resets" and "marks" count catalog_reset and catalog_mark_stale calls: a background build that began
# before one of them must not install a forgotten catalog, nor call a changed one fresh.
_state: dict[str, Any] = {"catalog": None, "stale": False, "building": False, "resets": 0, "marks": 0}


def recommendable_q(prefix: str = "") -> Q:
    """Every video that may be recommended: one definition for both candidate stores (this process's
    catalog and the shared pools in Redis), for what is counted about them (hashtag pages) and for what
    search may show: removed, limited, under-review, unverified and non-public videos are left out, and
    those of restricted creators (private, 13-15) or of creators whose bio is under review. ``prefix``
    reaches the video through a relation ("video__")."""
    return Q(
        **{
            f"{prefix}state": Video.State.PUBLISHED,
            f"{prefix}moderation_state": Video.Moderation.VISIBLE,
            f"{prefix}visibility": Video.Visibility.PUBLIC,
            # Labelled unverified, or the creator's bio is under review: reachable by link, never
            # recommended.
            f"{prefix}is_unverified": False,
            f"{prefix}owner__is_under_review": False,
        }
    ) & ~creator_is_restricted_q(f"{prefix}owner__")


def recommendable_videos() -> QuerySet[Video]:
    """The videos ``recommendable_q`` lets through."""
    return Video.objects.filter(recommendable_q())


def features_load(*, video_ids: Iterable[int] | None = None) -> dict[int, Features]:
    """The ranking features of every video that may be recommended (``recommendable_videos``), or of
    those of ``video_ids`` that may."""
    videos = recommendable_videos()
    topic_rows = VideoTopic.objects.filter(review_state=VideoTopic.Review.APPROVED)
    through = Video.hashtags.through
    tag_rows = through.objects.all()
    stat_rows = VideoStats.objects.all()
    if video_ids is not None:
        wanted = list(video_ids)
        videos, topic_rows = videos.filter(pk__in=wanted), topic_rows.filter(video_id__in=wanted)
        tag_rows, stat_rows = tag_rows.filter(video_id__in=wanted), stat_rows.filter(video_id__in=wanted)
    rows = list(
        videos.values_list(
            "pk",
            "public_id",
            "owner_id",
            "owner__region",
            "owner__user__region",
            "content_level",
            "is_age_restricted",
            "owner__user__is_verified_publisher",
            "published_at",
            "rendition_duration",
            "duration",
        ).iterator(chunk_size=5000)
    )
    topics: dict[int, list[int]] = defaultdict(list)
    for video_id, topic_id in topic_rows.values_list("video_id", "topic_id").iterator(chunk_size=20000):
        topics[video_id].append(topic_id)
    hashtags: dict[int, list[int]] = defaultdict(list)
    for video_id, hashtag_id in tag_rows.values_list("video_id", "hashtag_id").iterator(chunk_size=20000):
        if len(hashtags[video_id]) < 10:
            hashtags[video_id].append(hashtag_id)
    stats = {
        row[0]: row[1:]
        for row in stat_rows.values_list("video_id", *VideoStats.COUNTERS, "recent_completions").iterator(
            chunk_size=20000
        )
    }
    features: dict[int, Features] = {}
    now = timezone.now()
    for (
        pk,
        public_id,
        owner_id,
        profile_region,
        user_region,
        level,
        age_restricted,
        verified,
        published_at,
        rendition_duration,
        duration,
    ) in rows:
        counts = stats.get(pk, (0, 0, 0, 0, 0, 0, 0.0))
        features[pk] = Features(
            video_id=pk,
            public_id=public_id,
            creator_id=owner_id,
            topic_ids=tuple(topics.get(pk, ())),
            hashtag_ids=tuple(hashtags.get(pk, ())),
            region=profile_region or user_region or "",
            is_mature=age.is_adults_only(
                is_mature_level=level == Video.ContentLevel.MATURE, is_age_restricted=age_restricted
            ),
            is_news_verified=bool(verified),
            published_ts=(published_at or now).timestamp(),
            duration=float(rendition_duration or duration or 0.0),
            impressions=counts[0],
            completions=counts[1],
            likes=counts[2],
            shares=counts[3],
            skips=counts[4],
            not_interested=counts[5],
            recent_completions=counts[6],
        )
    return features


def build_catalog() -> Catalog:
    started = time.perf_counter()
    features = features_load()
    now = timezone.now()
    catalog = catalog_index(
        features=features,
        topics=list(Topic.objects.values_list("pk", "slug", "name")),
        hashtag_names=dict(Hashtag.objects.values_list("pk", "name")),
        pool_size=settings.FEED_POOL_SIZE,
        explore_max_impressions=settings.FEED_EXPLORE_MAX_IMPRESSIONS,
        now_ts=now.timestamp(),
        built_at=time.monotonic(),
    )
    # The catalog lives for minutes and holds ~10 objects per video: keep the cyclic
    # garbage collector from walking it on every full collection (latency spikes).
    gc.freeze()
    logger.info("Feed catalog: %d videos in %.2fs", len(features), time.perf_counter() - started)
    return catalog


def _rebuild_in_background() -> None:
    from django.db import connection

    resets, marks = _state["resets"], _state["marks"]
    try:
        catalog = build_catalog()
        with _lock:
            if _state["resets"] == resets:  # not forgotten meanwhile (tests and benchmarks reset it)
                # A change marked while this was being built may be missing from it: still stale.
                _state["catalog"], _state["stale"] = catalog, _state["marks"] != marks
    except Exception:
        logger.exception("Feed catalog rebuild failed; serving the previous one.")
    finally:
        _state["building"] = False
        connection.close()


def catalog_get() -> Catalog:
    catalog = _state["catalog"]
    is_old = isinstance(catalog, Catalog) and (
        _state["stale"] or time.monotonic() - catalog.built_at > settings.FEED_CATALOG_TTL_SECONDS
    )
    if not isinstance(catalog, Catalog) or (is_old and settings.FEED_CATALOG_SYNC_REFRESH):
        marks = _state["marks"]
        catalog = build_catalog()
        with _lock:
            _state["catalog"], _state["stale"] = catalog, _state["marks"] != marks
        return catalog
    if is_old and not _state["building"]:
        with _lock:
            if not _state["building"]:
                _state["building"] = True
                threading.Thread(target=_rebuild_in_background, name="feed-catalog", daemon=True).start()
    return catalog


def catalog_recent(*, max_age_seconds: float) -> Catalog | None:
    """The catalog this process holds if it was built within ``max_age_seconds``, else None; never builds
    one. Search ranks a few hundred videos by their features: the feeds keep this catalog current, and
    counts a few minutes old order them as well. Where the feeds refresh it on every request (the tests'
    ``FEED_CATALOG_SYNC_REFRESH``), an old or marked one is not used."""
    catalog = _state["catalog"]
    if not isinstance(catalog, Catalog):
        return None
    age = time.monotonic() - catalog.built_at
    if settings.FEED_CATALOG_SYNC_REFRESH and (_state["stale"] or age > settings.FEED_CATALOG_TTL_SECONDS):
        return None
    return catalog if age <= max_age_seconds else None


def catalog_mark_stale(video_id: int | None = None) -> None:
    with _lock:
        _state["stale"] = True
        _state["marks"] += 1


def catalog_reset() -> None:
    """Forget the catalog (tests and benchmarks)."""
    with _lock:
        _state["catalog"], _state["stale"] = None, False
        _state["resets"] += 1
