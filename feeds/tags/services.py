"""Writes of hashtag pages: following and unfollowing a hashtag, and the rollup that counts each hashtag's
videos and views and ranks the trending hashtags per region."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from creators.models import Hashtag, Video
from feeds.catalog import recommendable_videos
from feeds.models import HashtagFollow, HashtagStats, InterestProfile, TrendingHashtag
from feeds.tags.selectors import hashtag_get
from feeds.welcome.services import interests_pick
from platform.errors import NotFound
from platform.models import User
from platform.viewer import viewer_for_user

TRENDING_KEEP = 20  # per region
# A follow is read by For You from the profile row; at most this many (the newest) are kept there.
PROFILE_FOLLOWS_KEEP = 50


def _hashtag_of(name: str) -> Hashtag:
    hashtag = hashtag_get(name=name)
    if hashtag is None:
        raise NotFound(_("No such hashtag."))
    return hashtag


def _profile_follows_store(*, user: User) -> None:
    """Copy the person's follows (newest last) onto their interest profile, where For You reads them with
    the rest of the profile in one query. Called inside the follow's transaction."""
    key = f"u:{user.pk}"
    followed = list(
        HashtagFollow.objects.filter(user=user)
        .order_by("-created", "-pk")
        .values_list("hashtag_id", flat=True)[:PROFILE_FOLLOWS_KEEP]
    )[::-1]
    updated = InterestProfile.objects.filter(viewer_key=key).update(followed_hashtags=followed)
    if not updated:
        try:
            with transaction.atomic():
                InterestProfile.objects.create(viewer_key=key, user=user, followed_hashtags=followed)
        except IntegrityError:  # the first signal batch made it meanwhile
            InterestProfile.objects.filter(viewer_key=key).update(followed_hashtags=followed)


def hashtag_follow(*, user: User, name: str) -> HashtagFollow:
    """Follow a hashtag (idempotent): its videos join the person's For You candidates from the next page."""
    hashtag = _hashtag_of(name)
    with transaction.atomic():
        follow, created = HashtagFollow.objects.get_or_create(user=user, hashtag=hashtag)
        if created:
            _interest_seed(user=user, hashtag=hashtag)
            _profile_follows_store(user=user)
    return follow


def _interest_seed(*, user: User, hashtag: Hashtag) -> None:
    """A follow is also light interest evidence, as a pick at sign-up is (``feeds.welcome``): it decays,
    and watching soon says more. A hashtag no video the feeds may show carries teaches nothing."""
    try:
        interests_pick(viewer=viewer_for_user(user), topic_ids=(), hashtag_ids=(hashtag.pk,))
    except ValidationError:
        return


def hashtag_unfollow(*, user: User, name: str) -> None:
    """Stop following a hashtag (idempotent)."""
    hashtag = _hashtag_of(name)
    with transaction.atomic():
        deleted, _ = HashtagFollow.objects.filter(user=user, hashtag=hashtag).delete()
        if deleted:
            _profile_follows_store(user=user)


def hashtags_rollup(*, now: datetime.datetime | None = None) -> int:
    """Count each hashtag's recommendable videos and their views, and rank the trending hashtags per region
    (the creator's region; "" for everywhere) by their videos' recent completions, decayed by the signal
    rollup. Two grouped queries over the hashtags of recommendable videos; pages read only what this
    writes. Returns how many hashtags were counted."""
    now = now or timezone.now()
    through = Video.hashtags.through
    memberships = through.objects.filter(video__in=recommendable_videos())
    counts = list(
        memberships.values("hashtag_id").annotate(
            videos=Count("video_id"), views=Coalesce(Sum("video__stats__impressions"), 0)
        )
    )
    region = Coalesce(
        NullIf(F("video__owner__region"), Value("")), F("video__owner__user__region"), Value("")
    )
    scores: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    rows = (
        memberships.filter(video__stats__recent_completions__gt=0)
        .values("hashtag_id", place=region)
        .annotate(score=Sum("video__stats__recent_completions"))
    )
    for row in rows:
        place, hashtag_id, score = row["place"], row["hashtag_id"], row["score"]
        if place:
            scores[place][hashtag_id] += score
        scores[""][hashtag_id] += score
    trending = [
        TrendingHashtag(
            region=place, hashtag_id=hashtag_id, rank=rank, score=round(score, 4), computed_at=now
        )
        for place, by_tag in scores.items()
        for rank, (hashtag_id, score) in enumerate(
            sorted(by_tag.items(), key=lambda pair: (-pair[1], pair[0]))[:TRENDING_KEEP], start=1
        )
    ]
    with transaction.atomic():
        HashtagStats.objects.bulk_create(
            [
                HashtagStats(
                    hashtag_id=row["hashtag_id"], videos=row["videos"], views=row["views"], computed_at=now
                )
                for row in counts
            ],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["hashtag"],
            update_fields=["videos", "views", "computed_at"],
        )
        # A hashtag none of whose videos may be recommended any more counts nothing.
        HashtagStats.objects.exclude(computed_at=now).delete()
        TrendingHashtag.objects.all().delete()
        TrendingHashtag.objects.bulk_create(trending, batch_size=2000)
    return len(counts)
