"""Reads of the feeds app: the For You, topic, local and following feeds, ranked and filtered per viewer."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from creators.models import Video, VideoTopic
from creators.selectors import videos_visible
from feeds import sponsored
from feeds.catalog import Catalog, catalog_get
from feeds.models import CoWatch, InterestProfile, Source
from feeds.ranking import Scored, Weights, affinity, diversify, score
from platform import age

CURSOR_SALT = "feeds.cursor"
MAX_CURSOR_IDS = 400


@dataclass
class FeedItem:
    video: Video
    position: int
    source: str
    reasons: list[str]
    sponsor: sponsored.SponsoredSlot | None = None
    candidate: str = ""  # which candidate source found it (interest, trending, explore, ...); for evaluation

    @property
    def is_sponsored(self) -> bool:
        return self.sponsor is not None


@dataclass
class FeedPage:
    items: list[FeedItem]
    next_cursor: str | None
    catalog: Catalog | None = None

    def to_json(self) -> list[dict[str, Any]]:
        return [feed_item_json(item, self.catalog) for item in self.items]


def viewer_key_for(*, user: Any, session: Any) -> str:
    """``u:<id>`` for a logged-in viewer; ``a:<random>`` kept in the session for an anonymous one."""
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    key = session.get("viewer_key") if session is not None else None
    if not key:
        import uuid

        key = f"a:{uuid.uuid4().hex[:24]}"
        if session is not None:
            session["viewer_key"] = key
    return str(key)


def profile_get(*, viewer_key: str) -> InterestProfile | None:
    return InterestProfile.objects.filter(viewer_key=viewer_key).first()


def _cursor_load(cursor: str | None) -> list[int]:
    if not cursor:
        return []
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
    except signing.BadSignature:
        return []
    return [int(value) for value in data if isinstance(value, int)][:MAX_CURSOR_IDS]


def _cursor_dump(served: list[int]) -> str:
    return signing.dumps(served[-MAX_CURSOR_IDS:], salt=CURSOR_SALT, compress=True)


def _topic_name(catalog: Catalog, topic_id: int) -> str:
    return catalog.topic_names.get(topic_id, "these")


def _reason(*, scored: Scored, catalog: Catalog, weights: Weights, viewer_region: str) -> list[str]:
    item = catalog.features[scored.video_id]
    reasons: list[str] = []
    value, strongest, best_topic = affinity(item=item, weights=weights)
    if scored.source == "explore":
        reasons.append("A new creator or video we are trying out with a few viewers")
    if scored.source == "cowatch":
        reasons.append("People who finished videos you enjoyed also finished this one")
    if value > 0.3:
        if strongest == "topic" and best_topic:
            reasons.append(f"You watched {_topic_name(catalog, best_topic)} videos to the end")
        elif strongest == "creator":
            reasons.append("You enjoy this creator's videos")
        elif strongest == "hashtag":
            reasons.append("It shares hashtags with videos you liked")
    if scored.source == "trending":
        reasons.append("Popular right now: many viewers watch it to the end")
    if viewer_region and item.region == viewer_region:
        reasons.append("Popular in your region" if scored.source != "local" else "From your region")
    if scored.source == "topic" and item.topic_ids:
        reasons.append(f"In the {_topic_name(catalog, item.topic_ids[0])} feed")
    if not reasons:
        reasons.append("A well-watched video we think you may like")
    return reasons


def _eligible(catalog: Catalog, video_id: int, *, excluded: set[int], allow_mature: bool) -> bool:
    item = catalog.features.get(video_id)
    return item is not None and video_id not in excluded and (allow_mature or not item.is_mature)


def _rank(
    *,
    catalog: Catalog,
    sources: dict[str, Iterable[int]],
    weights: Weights,
    excluded: set[int],
    allow_mature: bool,
    boosts: dict[int, float] | None = None,
) -> list[Scored]:
    now_ts = time.time()
    best: dict[int, Scored] = {}
    for source, ids in sources.items():
        for video_id in ids:
            if video_id in best or not _eligible(
                catalog, video_id, excluded=excluded, allow_mature=allow_mature
            ):
                continue
            value = score(
                item=catalog.features[video_id],
                weights=weights,
                now_ts=now_ts,
                boost=(boosts or {}).get(video_id, 0.0),
            )
            best[video_id] = Scored(video_id=video_id, score=value, source=source)
    return sorted(best.values(), key=lambda scored: scored.score, reverse=True)


PAGE_FIELDS = (
    "id", "public_id", "state", "moderation_state", "caption", "visibility", "content_level", "duration", "width", "height",
    "published_at", "poster", "rendition", "rendition_version", "rendition_duration",
    "owner__id", "owner__handle", "owner__display_name", "owner__bio", "owner__links",
    "owner__follower_count", "owner__avatar_large", "owner__user_id",
)  # fmt: skip


def _page_videos(ids: list[int]) -> dict[int, Video]:
    """The page's videos in one query, re-checked against moderation now (the catalog may be a minute old).

    Their topics and hashtags come from the catalog, not from two more queries."""
    # Only the primary key in SQL: with the state filters there too, planners pick the
    # (state, published_at) index and scan every published video (benchmark_feed).
    videos = Video.objects.filter(pk__in=ids).select_related("owner").only(*PAGE_FIELDS)
    return {
        video.pk: video
        for video in videos
        if video.state == Video.State.PUBLISHED and video.moderation_state == Video.Moderation.VISIBLE
    }


def _assemble(
    *,
    page: list[Scored],
    catalog: Catalog,
    weights: Weights,
    viewer_region: str,
    source: str,
    served: list[int],
    viewer: Any,
    feed: str,
    more: bool,
) -> FeedPage:
    ids = [scored.video_id for scored in page]
    slot = None
    if age.policy_for_user(viewer).may_see_promotions:
        slot = sponsored.provider().slot_for(
            viewer=viewer, feed=feed, exclude_video_ids=set(ids) | set(served)
        )
    if slot is not None:
        ids.append(slot.video_id)
    videos = _page_videos(ids)
    items: list[FeedItem] = []
    for scored in page:
        video = videos.get(scored.video_id)
        if video is None:
            continue
        reasons = _reason(scored=scored, catalog=catalog, weights=weights, viewer_region=viewer_region)
        items.append(
            FeedItem(video=video, position=0, source=source, reasons=reasons, candidate=scored.source)
        )
    if slot is not None and slot.video_id in videos:
        sponsored_item = FeedItem(
            video=videos[slot.video_id],
            position=0,
            source=Source.SPONSORED,
            reasons=[f"Sponsored by {slot.sponsor_name}, shown to adults who watch similar videos"],
            sponsor=slot,
        )
        items.insert(min(4, len(items)), sponsored_item)
    offset = len(served)
    for index, item in enumerate(items):
        item.position = offset + index
    new_served = served + [item.video.pk for item in items]
    return FeedPage(
        items=items, next_cursor=_cursor_dump(new_served) if more and items else None, catalog=catalog
    )


def _profile_weights(viewer_key: str) -> tuple[Weights, set[int], list[int]]:
    profile = profile_get(viewer_key=viewer_key)
    if profile is None:
        return Weights(), set(), []
    excluded = set(profile.seen[-500:]) | set(profile.hidden)
    return Weights.from_json(profile.weights), excluded, list(profile.favourites[-10:])


def feed_for_you(
    *, viewer: Any, viewer_key: str, cursor: str | None = None, size: int | None = None
) -> FeedPage:
    size = size or settings.FEED_PAGE_SIZE
    catalog = catalog_get()
    weights, excluded, favourites = _profile_weights(viewer_key)
    served = _cursor_load(cursor)
    excluded |= set(served)
    allow_mature = age.policy_for_user(viewer).may_see_mature_content
    sources: dict[str, Iterable[int]] = {}
    interest: list[int] = []
    for rank, topic_id in enumerate(weights.top_topics(3)):
        interest.extend(catalog.by_topic.get(topic_id, [])[: (120, 80, 50)[rank]])
    sources["interest"] = interest
    sources["creator"] = [
        video_id
        for creator_id in weights.top_creators(5)
        for video_id in catalog.by_creator.get(creator_id, [])[:8]
    ]
    boosts: dict[int, float] = {}
    if favourites:
        neighbours = list(
            CoWatch.objects.filter(video_id__in=favourites)
            .order_by("-weight")
            .values_list("other_id", "weight")[:100]
        )
        top = max((weight for _, weight in neighbours), default=1.0) or 1.0
        sources["cowatch"] = [video_id for video_id, _ in neighbours]
        boosts = {video_id: 0.3 * weight / top for video_id, weight in neighbours}
    sources["trending"] = catalog.trending[:120]
    ranked = _rank(
        catalog=catalog,
        sources=sources,
        weights=weights,
        excluded=excluded,
        allow_mature=allow_mature,
        boosts=boosts,
    )
    # Exploration is random but repeatable for one viewer, page and day (reproducible feeds and tests).
    rng = random.Random(f"{viewer_key}:{len(served)}:{timezone.localdate().isoformat()}")  # noqa: S311
    explore_ids = [
        video_id
        for video_id in rng.sample(catalog.fresh, min(60, len(catalog.fresh)))
        if _eligible(catalog, video_id, excluded=excluded, allow_mature=allow_mature)
    ]
    explore = _rank(
        catalog=catalog,
        sources={"explore": explore_ids},
        weights=weights,
        excluded=excluded,
        allow_mature=allow_mature,
    )
    page = diversify(ranked=ranked, explore=explore, catalog=catalog, size=size)
    return _assemble(
        page=page,
        catalog=catalog,
        weights=weights,
        viewer_region=getattr(viewer, "region", "") or "",
        source=Source.FOR_YOU,
        served=served,
        viewer=viewer,
        feed="for_you",
        more=True,
    )


def feed_topic(
    *, viewer: Any, viewer_key: str, slug: str, cursor: str | None = None, size: int | None = None
) -> FeedPage | None:
    """A topic's feed, ranked by the same scorer. STEM and News list only reviewer-approved videos
    (the catalog holds approved topics only); News also only verified publishers."""
    size = size or settings.FEED_PAGE_SIZE
    catalog = catalog_get()
    topic_id = catalog.topic_ids.get(slug)
    if topic_id is None:
        return None
    members = catalog.by_topic.get(topic_id, [])
    if slug == "news":
        members = [video_id for video_id in members if catalog.features[video_id].is_news_verified]
    return _ranked_page(
        catalog=catalog,
        candidates=members,
        candidate="topic",
        source=Source.TOPIC,
        feed=f"topic:{slug}",
        viewer=viewer,
        viewer_key=viewer_key,
        viewer_region=getattr(viewer, "region", "") or "",
        cursor=cursor,
        size=size,
    )


def feed_local(
    *, viewer: Any, viewer_key: str, region: str, cursor: str | None = None, size: int | None = None
) -> FeedPage:
    """Videos from the viewer's region, ranked by the same scorer."""
    catalog = catalog_get()
    return _ranked_page(
        catalog=catalog,
        candidates=catalog.by_region.get(region, []) if region else [],
        candidate="local",
        source=Source.LOCAL,
        feed="local",
        viewer=viewer,
        viewer_key=viewer_key,
        viewer_region=region,
        cursor=cursor,
        size=size or settings.FEED_PAGE_SIZE,
    )


def _ranked_page(
    *,
    catalog: Catalog,
    candidates: list[int],
    candidate: str,
    source: str,
    feed: str,
    viewer: Any,
    viewer_key: str,
    viewer_region: str,
    cursor: str | None,
    size: int,
) -> FeedPage:
    """One page of a single-pool feed (a topic, a region): rank, diversify, assemble."""
    weights, excluded, _ = _profile_weights(viewer_key)
    served = _cursor_load(cursor)
    excluded |= set(served)
    ranked = _rank(
        catalog=catalog,
        sources={candidate: candidates},
        weights=weights,
        excluded=excluded,
        allow_mature=age.policy_for_user(viewer).may_see_mature_content,
    )
    page = diversify(ranked=ranked, explore=[], catalog=catalog, size=size)
    return _assemble(
        page=page,
        catalog=catalog,
        weights=weights,
        viewer_region=viewer_region,
        source=source,
        served=served,
        viewer=viewer,
        feed=feed,
        more=len(ranked) > len(page),
    )


def following_items(videos: Iterable[Video]) -> list[FeedItem]:
    return [
        FeedItem(
            video=video,
            position=index,
            source=Source.FOLLOWING,
            reasons=[f"From @{video.owner.handle}, whom you follow"],
        )
        for index, video in enumerate(videos)
    ]


def following_queryset(*, viewer: Any) -> QuerySet[Video]:
    """Newest first from creators the viewer follows (approved), limited videos included, never removed ones."""
    if not viewer.is_authenticated:
        return Video.objects.none()
    return (
        videos_visible(viewer=viewer)
        .filter(owner__followers__follower_id=viewer.pk, owner__followers__status="approved")
        .select_related("owner")
        .prefetch_related(
            "hashtags", Prefetch("video_topics", queryset=VideoTopic.objects.select_related("topic"))
        )
        .order_by("-published_at", "-id")
    )


def feed_item_json(item: FeedItem, catalog: Catalog | None = None) -> dict[str, Any]:
    """A feed item as the API returns it (the shape of ``FeedItemSerializer``), built without DRF's
    per-field machinery: this runs twenty times for every page of every viewer."""
    video, owner = item.video, item.video.owner
    features = catalog.features.get(video.pk) if catalog is not None else None
    if features is not None:
        hashtags = (
            [catalog.hashtag_names.get(tag_id, "") for tag_id in features.hashtag_ids] if catalog else []
        )
        topics = [catalog.topic_slugs.get(topic_id, "") for topic_id in features.topic_ids] if catalog else []
    else:
        hashtags = [tag.name for tag in video.hashtags.all()]
        topics = [video_topic.topic.slug for video_topic in video.video_topics.all()]
    public_id = str(video.public_id)
    return {
        "position": item.position,
        "source": item.source,
        "is_sponsored": item.is_sponsored,
        "reasons": item.reasons,
        "video": {
            "id": public_id,
            "creator": owner.handle,
            "caption": video.caption,
            "hashtags": hashtags,
            "topics": topics,
            "visibility": video.visibility,
            "content_level": video.content_level,
            "duration": video.rendition_duration or video.duration,
            "width": video.width,
            "height": video.height,
            "published_at": video.published_at.isoformat().replace("+00:00", "Z")
            if video.published_at
            else None,
            "poster_url": f"/v/{public_id}/poster" if video.poster.name else None,
            "video_url": f"/v/{public_id}/video?v={video.rendition_version}"
            if video.rendition.name
            else None,
        },
        "creator": {
            "handle": owner.handle,
            "display_name": owner.display_name,
            "bio": owner.bio,
            "links": owner.links,
            "follower_count": owner.follower_count,
            "avatar_url": f"/@{owner.handle}/avatar-large.jpg" if owner.avatar_large.name else None,
            "url": f"/@{owner.handle}/",
        },
        "sponsor": (
            {"name": item.sponsor.sponsor_name, "click_url": item.sponsor.click_url} if item.sponsor else None
        ),
    }
