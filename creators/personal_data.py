"""What ``creators`` keeps about a person, for "download your data" and account deletion: their creator
profile and avatar, every video (original file, captions and metadata), follows both ways, and the moderation
decisions about them with their appeals. Registered in ``CreatorsConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from django.utils.translation import gettext_lazy

from creators.models import Appeal, CaptionTrack, CreatorProfile, Decision, Follow, UploadSession, Video
from creators.services._storage import files_delete
from creators.services.profiles import follow_delete
from creators.services.resumable import upload_session_cancel
from creators.services.uploads import video_delete
from platform.models import User
from platform.personal_data import Content, audit_entries_scrub, json_bytes

FILES = {
    "profile.json": gettext_lazy(
        "Your creator profile: handle, display name, bio, links, region, follower count."
    ),
    "avatar-small.jpg, avatar-large.jpg": gettext_lazy("Your profile picture, as stored."),
    "videos.json": gettext_lazy(
        "Every video you uploaded: caption, hashtags, topics, visibility, content level, "
        "moderation state, processing state, trim, size and dates."
    ),
    "videos/<id>/": gettext_lazy("The original file of each video, exactly as you uploaded it."),
    "videos/<id>/captions-<language>.vtt": gettext_lazy(
        "Each video's captions, one file per language, as we serve them (WebVTT)."
    ),
    "follows.json": gettext_lazy(
        "The accounts you follow (and requests waiting), and the people who follow you."
    ),
    "decisions.json": gettext_lazy(
        "Moderation decisions about your account or videos, with their statement of reasons, "
        "and your appeals."
    ),
}


def _video_row(video: Video) -> dict[str, Any]:
    return {
        "id": str(video.public_id),
        "caption": video.caption,
        "hashtags": sorted(tag.name for tag in video.hashtags.all()),
        "topics": sorted(topic.slug for topic in video.topics.all()),
        "visibility": video.visibility,
        "content_level": video.content_level,
        "moderation_state": video.moderation_state,
        "moderation_reason": video.moderation_reason,
        "is_age_restricted": video.is_age_restricted,
        "is_unverified": video.is_unverified,
        "state": video.state,
        "original_filename": video.original_filename,
        "original_size": video.original_size,
        "duration": video.duration,
        "width": video.width,
        "height": video.height,
        "trim_start": video.trim_start,
        "trim_end": video.trim_end,
        "captions": list(video.caption_languages),
        "cover_seconds": video.poster_seconds,
        "created_at": video.created_at,
        "published_at": video.published_at,
    }


def creators_export(user: User) -> Iterable[tuple[str, Content]]:
    profile = CreatorProfile.objects.filter(user=user).first()
    if profile is not None:
        yield (
            "profile.json",
            json_bytes(
                {
                    "handle": profile.handle,
                    "display_name": profile.display_name,
                    "bio": profile.bio,
                    "links": profile.links,
                    "region": profile.region,
                    "follower_count": profile.follower_count,
                    "created_at": profile.created_at,
                }
            ),
        )
        if profile.avatar_small.name:
            yield "avatar-small.jpg", profile.avatar_small
        if profile.avatar_large.name:
            yield "avatar-large.jpg", profile.avatar_large
        videos = list(
            Video.objects.filter(owner=profile)
            .prefetch_related("hashtags", "topics")
            .order_by("created_at", "id")
        )
        yield "videos.json", json_bytes([_video_row(video) for video in videos])
        for video in videos:
            if video.original.name:
                suffix = PurePosixPath(video.original.name).suffix or ".mp4"
                yield f"videos/{video.public_id}/original{suffix}", video.original
        for track in CaptionTrack.objects.filter(video__owner=profile).select_related("video"):
            yield f"videos/{track.video.public_id}/captions-{track.language}.vtt", track.file
    following = Follow.objects.filter(follower=user).select_related("creator").order_by("created_at")
    followers = (
        Follow.objects.filter(creator__user=user).select_related("follower").order_by("created_at")
        if profile is not None
        else Follow.objects.none()
    )
    yield (
        "follows.json",
        json_bytes(
            {
                "following": [
                    {"handle": f.creator.handle, "status": f.status, "since": f.created_at} for f in following
                ],
                # What the studio shows of a follower: the name they chose to show.
                "followers": [
                    {"display_name": f.follower.display_name, "status": f.status, "since": f.created_at}
                    for f in followers
                ],
            }
        ),
    )
    decisions = []
    decided = Decision.objects.filter(account=user).select_related("video", "comment__video")
    for decision in decided.order_by("created_at"):
        appeal = Appeal.objects.filter(decision=decision).first()
        decisions.append(
            {
                "action": decision.action,
                "guideline": decision.guideline,
                "facts": decision.facts,
                "source": decision.source,
                "is_automated": decision.is_automated,
                "video": str(decision.video.public_id) if decision.video else None,
                "comment": None
                if decision.comment is None
                else {"text": decision.comment.text, "video": str(decision.comment.video.public_id)},
                "created_at": decision.created_at,
                "ends_at": decision.ends_at,
                "appeal_until": decision.appeal_until,
                "reversed_at": decision.reversed_at,
                "appeal": None
                if appeal is None
                else {
                    "statement": appeal.statement,
                    "state": appeal.state,
                    "created_at": appeal.created_at,
                    "decided_at": appeal.decided_at,
                    "outcome_reason": appeal.outcome_reason,
                },
            }
        )
    yield "decisions.json", json_bytes(decisions)


def creators_erase(user: User) -> None:
    """Unfollow everyone (their follower counts and analytics follow), delete every video with its files,
    the profile with its avatar files, and scrub the audit details of decisions and appeals (which go
    with the ``User`` row). Promotions of the videos were removed by ``businesses`` before this runs."""
    for follow in Follow.objects.filter(follower=user).select_related("creator"):
        follow_delete(follower=user, creator=follow.creator)
    decision_ids = list(Decision.objects.filter(account=user).values_list("pk", flat=True))
    audit_entries_scrub(model=Decision, ids=decision_ids)
    audit_entries_scrub(model=Appeal, ids=Appeal.objects.filter(appellant=user).values_list("pk", flat=True))
    profile = CreatorProfile.objects.filter(user=user).first()
    if profile is None:
        return
    for session in UploadSession.objects.filter(owner=profile):
        upload_session_cancel(session=session)
    videos = list(Video.objects.filter(owner=profile))
    audit_entries_scrub(model=Video, ids=[video.pk for video in videos])
    for video in videos:
        video_delete(video=video)  # its files go after commit
    audit_entries_scrub(model=CreatorProfile, ids=[profile.pk])
    avatars = [profile.avatar_small.name, profile.avatar_large.name]
    storage = profile.avatar_small.storage
    profile.delete()
    files_delete(storage, avatars)
