"""Reads of the creators app, each scoped to what the requester may see."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from creators import hooks
from creators.models import CaptionTrack, CreatorProfile, Decision, Follow, Video, VideoTopic
from platform import age, blocking
from platform.models import Block, Mute, User
from platform.screen_time import screen_time_guard
from platform.statements import STAND_IN_ID, STAND_IN_UUID, StatementCache
from platform.viewer import Viewer

State = Video.State


def follows_approved(*, viewer: Viewer) -> QuerySet[Follow]:
    return Follow.objects.filter(follower_id=viewer.user_id, status=Follow.Status.APPROVED)


def creator_is_restricted_q(prefix: str = "") -> Q:
    """Creators whose content only approved followers see: private accounts and 13–15-year-olds."""
    return Q(**{f"{prefix}user__is_private": True}) | age.date_of_birth_lookup(
        band=age.AgeBand.TEEN_13_15, prefix=f"{prefix}user__"
    )


def creator_is_restricted(user: User) -> bool:
    """``creator_is_restricted_q`` for one loaded user: private, or 13–15 years old."""
    return bool(user.is_private) or user.age_band == age.AgeBand.TEEN_13_15


def profile_get(*, handle: str) -> CreatorProfile | None:
    return CreatorProfile.objects.select_related("user").filter(handle__iexact=handle).first()


def profile_is_visible(*, profile: CreatorProfile, viewer: Viewer) -> bool:
    """A restricted profile (private, or a 13–15-year-old's) shows only to its approved followers."""
    viewer_id = viewer.user_id
    if viewer_id == profile.user_id:
        return True
    if not creator_is_restricted(profile.user):
        return True
    return follows_approved(viewer=viewer).filter(creator=profile).exists()


class BlockState(StrEnum):
    """Between a viewer and a profile: who blocked whom (``NONE`` also for anonymous viewers)."""

    NONE = ""
    BLOCKED_BY_VIEWER = "blocked_by_viewer"  # the viewer sees "You blocked @x — Unblock"
    BLOCKED_BY_OWNER = "blocked_by_owner"  # the profile does not exist for the viewer (404)


def profile_block_state(*, profile: CreatorProfile, viewer: Viewer) -> str:
    viewer_id = viewer.user_id
    if viewer_id is None or viewer_id == profile.user_id:
        return BlockState.NONE
    blockers = set(
        Block.objects.filter(
            Q(blocker_id=viewer_id, blocked_id=profile.user_id)
            | Q(blocker_id=profile.user_id, blocked_id=viewer_id)
        ).values_list("blocker_id", flat=True)
    )
    if profile.user_id in blockers:  # their block wins: the viewer must not learn the profile exists
        return BlockState.BLOCKED_BY_OWNER
    return BlockState.BLOCKED_BY_VIEWER if blockers else BlockState.NONE


def profile_get_for(*, handle: str, viewer: Viewer) -> CreatorProfile | None:
    """The profile by handle as this viewer may reach it: None when it does not exist or its owner
    blocked the viewer (one answer for both, so a block is not given away)."""
    profile = profile_get(handle=handle)
    if profile is None or profile_block_state(profile=profile, viewer=viewer) == BlockState.BLOCKED_BY_OWNER:
        return None
    return profile


def profile_is_muted(*, profile: CreatorProfile, viewer: Viewer) -> bool:
    viewer_id = viewer.user_id
    return (
        viewer_id is not None and Mute.objects.filter(muter_id=viewer_id, muted_id=profile.user_id).exists()
    )


def follow_state(*, profile: CreatorProfile, viewer: Viewer) -> str | None:
    viewer_id = viewer.user_id
    if viewer_id is None:
        return None
    return (
        Follow.objects.filter(follower_id=viewer_id, creator=profile).values_list("status", flat=True).first()
    )


def videos_visible(*, viewer: Viewer) -> QuerySet[Video]:
    """Published videos this viewer may watch: moderation, visibility, followers, the age policy,
    restricted mode and blocks (either way: reports too)."""
    viewer_id = viewer.user_id
    queryset = Video.objects.filter(state=State.PUBLISHED).exclude(moderation_state=Video.Moderation.REMOVED)
    if not viewer.policy.may_see_mature_content:
        # Adults only (``age.is_adults_only``): rated mature by the creator or age-restricted by a moderator.
        queryset = queryset.filter(content_level=Video.ContentLevel.GENERAL, is_age_restricted=False)
    if viewer.is_restricted_mode:
        queryset = queryset.exclude(age.restricted_mode_hidden_q())
    follows = Exists(follows_approved(viewer=viewer).filter(creator=OuterRef("owner")))
    everyone = Q(visibility=Video.Visibility.PUBLIC) & ~creator_is_restricted_q("owner__")
    followers = Q(visibility__in=[Video.Visibility.PUBLIC, Video.Visibility.FOLLOWERS]) & follows
    own = Q(owner__user_id=viewer_id) if viewer_id is not None else Q(pk__in=[])
    queryset = queryset.filter(everyone | followers | own)
    # Blocks, either way: neither account sees the other's videos, on any route (a subquery, no extra query).
    if viewer_id is not None:
        queryset = queryset.exclude(owner__user_id__in=blocking.users_blocked_either_way(user_id=viewer_id))
    return queryset


def video_is_adults_only(video: Video) -> bool:
    return age.is_adults_only(
        is_mature_level=video.content_level == Video.ContentLevel.MATURE,
        is_age_restricted=video.is_age_restricted,
    )


# The columns of a video, its owner's profile and the owner's account, as ``select_related`` reads them.
_VIDEO_ROW = (
    (Video, "", tuple(field.attname for field in Video._meta.concrete_fields)),
    (CreatorProfile, "owner__", tuple(field.attname for field in CreatorProfile._meta.concrete_fields)),
    (User, "owner__user__", tuple(field.attname for field in User._meta.concrete_fields)),
)


def _visible_video_query(*, viewer: Viewer, public_id: uuid.UUID) -> QuerySet[Video, tuple[Any, ...]]:
    columns = [prefix + name for _, prefix, names in _VIDEO_ROW for name in names]
    return videos_visible(viewer=viewer).filter(public_id=public_id).order_by().values_list(*columns)


def _video_of(row: list[Any]) -> Video:
    """The video of one ``_visible_video_query`` row, with its owner and the owner's account loaded."""
    (_, _, video_names), (_, _, profile_names), (_, _, user_names) = _VIDEO_ROW
    ends = (len(video_names), len(video_names) + len(profile_names))
    video = Video.from_db(DEFAULT_DB_ALIAS, list(video_names), row[: ends[0]])
    profile = CreatorProfile.from_db(DEFAULT_DB_ALIAS, list(profile_names), row[ends[0] : ends[1]])
    profile.user = User.from_db(DEFAULT_DB_ALIAS, list(user_names), row[ends[1] :])
    video.owner = profile
    return video


_visible_video_statements = StatementCache()


def video_get_visible(
    *, public_id: uuid.UUID | str, viewer: Viewer, despite_screen_time: bool = False
) -> Video | None:
    """One video to watch, if this viewer may see it (``videos_visible``), with its owner and the
    owner's account. At the day's screen-time limit someone else's video raises ``ScreenTimeLocked``
    (``despite_screen_time`` for its poster only: a still image plays nothing); one's own videos are never
    locked.

    Every watch page, comment and file asks this, and building the query took longer than the
    database's answer: its SQL is compiled once per kind of viewer and day (``platform.statements``)."""
    try:
        public_id = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError:
        return None
    signed_in = viewer.user is not None
    # Everything videos_visible reads of a viewer besides their id (the age bands' dates are parameters).
    key = (signed_in, viewer.policy, viewer.is_restricted_mode, age.today())
    stand_ins: dict[str, object] = {"public_id": STAND_IN_UUID}
    if signed_in:
        stand_ins["user_id"] = STAND_IN_ID
    stand_in = dataclasses.replace(viewer, user=User(pk=STAND_IN_ID) if signed_in else None)
    statement = _visible_video_statements.statement(
        key, stand_ins, lambda: _visible_video_query(viewer=stand_in, public_id=STAND_IN_UUID)
    )
    if statement is not None:
        rows = statement.run({"public_id": public_id, "user_id": viewer.user_id})
    else:
        rows = [list(row) for row in _visible_video_query(viewer=viewer, public_id=public_id)]
    video = _video_of(rows[0]) if rows else None
    if video is not None and not despite_screen_time and video.owner.user_id != viewer.user_id:
        screen_time_guard(user=viewer.user)
    return video


def profile_videos(*, profile: CreatorProfile, viewer: Viewer) -> QuerySet[Video]:
    """A creator's videos this viewer may see, newest first; at the day's screen-time limit someone
    else's list raises ``ScreenTimeLocked``."""
    if profile.user_id != viewer.user_id:
        screen_time_guard(user=viewer.user)
    return (
        videos_visible(viewer=viewer)
        .filter(owner=profile)
        .select_related("owner__user")  # the owner's age decides whether the video may be shared
        .order_by("-published_at", "-id")
    )


def studio_videos(*, owner: CreatorProfile) -> QuerySet[Video]:
    return Video.objects.filter(owner=owner).order_by("-created_at", "-id")


@dataclass(frozen=True, slots=True)
class StudioRow:
    """One video of the studio's list, with what the creator reads beside it."""

    video: Video
    views: int
    # The curated topics (STEM, News) it was submitted to, each with its review state.
    topic_reviews: list[VideoTopic]
    promote_url: str | None


def studio_rows(*, owner: CreatorProfile) -> list[StudioRow]:
    """The studio's list: a fixed number of queries however many videos (views and "Promote" are one
    call each for the whole list). ``owner.user`` must be loaded: its age decides "Promote"."""
    reviews = (
        VideoTopic.objects.filter(topic__is_curated=True).select_related("topic").order_by("topic__position")
    )
    videos = list(
        studio_videos(owner=owner).prefetch_related(
            Prefetch("video_topics", queryset=reviews, to_attr="curated")
        )
    )
    views = hooks.view_counts([video.pk for video in videos])
    promote = hooks.promote_links(owner, videos)
    return [
        StudioRow(
            video=video,
            views=views.get(video.pk, 0),
            topic_reviews=video.curated,
            promote_url=promote.get(video.pk),
        )
        for video in videos
    ]


def studio_video_get(*, owner: CreatorProfile, public_id: uuid.UUID | str) -> Video | None:
    """A video of this creator's own, in any state; None for anyone else's."""
    return (
        Video.objects.filter(owner=owner, public_id=public_id)
        .prefetch_related("video_topics__topic", "hashtags")
        .first()
    )


def follow_requests(*, profile: CreatorProfile) -> QuerySet[Follow]:
    return Follow.objects.filter(creator=profile, status=Follow.Status.PENDING).select_related("follower")


# --- moderation decisions: a person reads only their own ------------------------------------------


def decisions_of(*, user: User) -> QuerySet[Decision]:
    """``user``'s own decisions, newest first, with what each page shows beside them."""
    return Decision.objects.filter(account=user).select_related("video", "comment__video", "appeal")


def decision_get(*, user: User, decision_id: int) -> Decision | None:
    """One of ``user``'s own decisions; someone else's looks missing."""
    return decisions_of(user=user).filter(pk=decision_id).first()


def caption_tracks(*, video: Video) -> QuerySet[CaptionTrack]:
    """The video's caption tracks, by language (the caller has already checked who may see the video)."""
    return CaptionTrack.objects.filter(video=video).order_by("language")


def caption_track_get(*, video: Video, language: str) -> CaptionTrack | None:
    return CaptionTrack.objects.filter(video=video, language=language).first()
