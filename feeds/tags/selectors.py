"""Reads of hashtag pages: the hashtag's feed (the topic feeds' way, from the candidate catalog), its counts
(from the hashtag rollup), related hashtags (co-occurrence among its best videos) and the trending ones."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from creators.models import Hashtag
from feeds import ranking
from feeds.models import HashtagFollow, HashtagStats, Source, TrendingHashtag
from feeds.pools import feed_pools
from feeds.selectors import FeedPage, _ranked_page, _single_pool
from platform.viewer import Viewer

# What ``creators.services.hashtags_parse`` stores: word characters, at most 50, lower-case, no '#'.
NAME_RE = re.compile(r"\w{1,50}", re.UNICODE)
RELATED_COUNT = 8
TRENDING_COUNT = 10


@dataclass(frozen=True)
class TagSummary:
    hashtag: Hashtag
    video_count: int
    view_count: int
    related: list[str]
    is_following: bool

    @property
    def name(self) -> str:
        return self.hashtag.name


@dataclass(frozen=True)
class Trending:
    name: str
    rank: int
    score: float


def hashtag_name_normalise(raw: str) -> str | None:
    """``#Munich``, ``munich`` and ``MUNICH`` are one hashtag, ``munich``; None for what no hashtag can be."""
    name = raw.strip().removeprefix("#").casefold()
    return name if NAME_RE.fullmatch(name) else None


def hashtag_url(name: str) -> str:
    return reverse("feeds:tag", args=[name])


def hashtag_get(*, name: str) -> Hashtag | None:
    """The hashtag of that name (any case, with or without '#'), or None."""
    normal = hashtag_name_normalise(name)
    if normal is None:
        return None
    return Hashtag.objects.filter(name=normal).first()


def feed_hashtag(
    *, viewer: Viewer, hashtag: Hashtag, cursor: str | None = None, size: int | None = None
) -> FeedPage:
    """A hashtag's videos ranked for this viewer, built like a topic feed: one pool of the hashtag's
    members from the candidate catalog, so every rule the feeds keep (moderation, visibility, age rating,
    restricted mode, blocks and mutes, labels) is the one they already apply. Unlike a topic feed it keeps
    the videos the viewer saw before: the page lists the hashtag's videos (the one they came from too)."""
    catalog = feed_pools().view(ranking.Wants(hashtags={hashtag.pk: settings.FEED_POOL_SIZE}))
    members = catalog.by_hashtag.get(hashtag.pk, [])
    page = _ranked_page(
        viewer=viewer,
        sources=_single_pool("tag", catalog, members),
        explores=False,
        source=Source.HASHTAG,
        feed=f"hashtag:{hashtag.name}",
        viewer_region=viewer.region,
        cursor=cursor,
        size=size,
        shows_seen=True,  # a hashtag's page lists its videos, those watched before too
    )
    for item in page.items:
        if item.source == Source.HASHTAG:
            item.reasons.insert(0, _("Tagged #%(name)s") % {"name": hashtag.name})
    return page


def hashtags_related(*, hashtag: Hashtag, limit: int = RELATED_COUNT) -> list[str]:
    """The hashtags most often on the same videos as this one, among its best recommendable videos (the
    catalog's pool of it): no query, and nothing counted that the feeds would not show."""
    store = feed_pools()
    catalog = store.view(ranking.Wants(hashtags={hashtag.pk: settings.FEED_POOL_SIZE}))
    members = catalog.by_hashtag.get(hashtag.pk, [])
    together: Counter[int] = Counter()
    for video_id in members:
        features = catalog.features.get(video_id)
        if features is not None:
            together.update(tag_id for tag_id in features.hashtag_ids if tag_id != hashtag.pk)
    store.names_fill(catalog, members)
    # Most shared first; a tie goes to the name (a stable order for one catalog).
    ranked = sorted(together.items(), key=lambda pair: (-pair[1], catalog.hashtag_names.get(pair[0], "")))
    return [catalog.hashtag_names[tag_id] for tag_id, _ in ranked if tag_id in catalog.hashtag_names][:limit]


def hashtag_summary(*, hashtag: Hashtag, viewer: Viewer) -> TagSummary:
    """What the hashtag page shows above its videos: counts from the rollup, related hashtags, and whether
    the viewer follows it."""
    stats = HashtagStats.objects.filter(hashtag=hashtag).values_list("videos", "views").first()
    video_count, view_count = stats or (0, 0)
    is_following = (
        viewer.user_id is not None
        and HashtagFollow.objects.filter(user_id=viewer.user_id, hashtag=hashtag).exists()
    )
    return TagSummary(
        hashtag=hashtag,
        video_count=video_count,
        view_count=view_count,
        related=hashtags_related(hashtag=hashtag),
        is_following=is_following,
    )


def hashtags_trending(*, region: str, limit: int = TRENDING_COUNT) -> tuple[str, list[Trending]]:
    """The trending hashtags of a region as the rollup ranked them, or everywhere's when the region has
    none (or none is given); returns the region answered for ("" for everywhere) and the list."""
    for place in dict.fromkeys([region[:10], ""]):
        rows = list(
            TrendingHashtag.objects.filter(region=place)
            .order_by("rank")
            .values_list("hashtag__name", "rank", "score")[:limit]
        )
        if rows:
            return place, [Trending(name=name, rank=rank, score=score) for name, rank, score in rows]
    return "", []


def hashtags_followed(*, user_id: int) -> list[str]:
    """The names of the hashtags a person follows, newest first."""
    return list(
        HashtagFollow.objects.filter(user_id=user_id)
        .order_by("-created", "-pk")
        .values_list("hashtag__name", flat=True)
    )
