"""What ``feeds`` keeps about a person, for "download your data" and account deletion: the signals of
their viewer key ``u:<id>``, their interest profile, their profile visits, the hashtags they follow and
the reports they made.
Registered in ``FeedsConfig.ready()``.

On deletion their signals and profile visits are deleted, not re-keyed: a random key would still tie the
rows together as one person's history. What the signals already taught is kept only as aggregates that
name no one (``VideoStats``, the creators' daily rollups), so other creators' analytics stay as they were.
Reports they made stay (a moderation record about someone else's video) without the reporter.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy

from creators.models import CreatorProfile, Report
from feeds.models import HashtagFollow, InterestProfile, ProfileVisit, Signal
from feeds.search.models import SearchTerm
from platform.models import User
from platform.personal_data import Content, json_bytes, json_lines

FILES = {
    "signals.jsonl": gettext_lazy(
        "Everything the player reported while you were logged in, one event a line: what you "
        'watched, for how long, likes, shares, skips and "not interested", with the video\'s id and the feed.'
    ),
    "interest_profile.json": gettext_lazy(
        "What the For You feed has learned you like (topic, hashtag and creator "
        "weights by id) and the videos it recently showed you or you hid."
    ),
    "reports.json": gettext_lazy(
        "The reports you made, their reason, what you wrote and what became of them."
    ),
    "hashtag_follows.json": gettext_lazy("The hashtags you follow and when you followed each."),
}


def viewer_key_of(user: User) -> str:
    return f"u:{user.pk}"


def feeds_export(user: User) -> Iterable[tuple[str, Content]]:
    key = viewer_key_of(user)
    signals = (
        Signal.objects.filter(viewer_key=key)
        .order_by("pk")
        .values("created_at", "kind", "source", "video__public_id", "position", "watched_seconds", "looped")
        .iterator(chunk_size=5000)
    )
    yield "signals.jsonl", json_lines(signals)
    profile = InterestProfile.objects.filter(Q(viewer_key=key) | Q(user=user)).first()
    yield (
        "interest_profile.json",
        json_bytes(
            None
            if profile is None
            else {
                "weights": profile.weights,
                "recently_shown_video_ids": profile.seen,
                "hidden_video_ids": profile.hidden,
                "favourite_video_ids": profile.favourites,
                "recent_view_outcomes_by_video_id": profile.outcomes,
                "not_for_me_creators_since": profile.not_for_me,
                "followed_hashtag_ids": profile.followed_hashtags,
                "signal_count": profile.signal_count,
                "updated_at": profile.updated_at,
            }
        ),
    )
    reports = (
        Report.objects.filter(Q(reporter=user) | Q(viewer_key=key))
        .select_related("video", "profile")
        .order_by("created_at")
    )
    yield (
        "reports.json",
        json_bytes(
            [
                {
                    "video": str(report.video.public_id) if report.video else None,
                    "profile": report.profile.handle if report.profile else None,
                    "comment": report.comment_id,
                    "reason": report.reason,
                    "detail": report.detail,
                    "status": report.status,
                    "created_at": report.created_at,
                    "decided_at": report.decided_at,
                }
                for report in reports
            ]
        ),
    )
    follows = (
        HashtagFollow.objects.filter(user=user)
        .order_by("created", "pk")
        .values_list("hashtag__name", "created")
    )
    yield (
        "hashtag_follows.json",
        json_bytes([{"hashtag": name, "followed_at": created} for name, created in follows]),
    )


def feeds_erase(user: User) -> None:
    key = viewer_key_of(user)
    Signal.objects.filter(viewer_key=key).delete()
    ProfileVisit.objects.filter(viewer_key=key).delete()
    HashtagFollow.objects.filter(user=user).delete()
    InterestProfile.objects.filter(Q(viewer_key=key) | Q(user=user)).delete()
    # Search's copy of their creator name and handle (their videos' search documents go with the videos).
    SearchTerm.objects.filter(
        kind=SearchTerm.Kind.CREATOR, object_id__in=CreatorProfile.objects.filter(user=user).values("pk")
    ).delete()
    # A report is unique per (target, viewer key): a key made from the report's own id keeps it so.
    Report.objects.filter(Q(reporter=user) | Q(viewer_key=key)).update(
        reporter=None, viewer_key=Concat(Value("gone:"), Cast("pk", output_field=CharField()))
    )
