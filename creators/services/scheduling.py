"""Scheduled publishing: a video rendered now that goes live at a time its creator chose.

    draft -> publishing (with ``scheduled_at``) -> scheduled -> published (at ``scheduled_at``)

``video_publish(publish_at=...)`` asks for it; ``video_render`` parks the finished rendition in
``scheduled`` while the time is still ahead; ``videos_publish_due`` (a beat job, every minute) makes it
live. Until then the creator may move the time or cancel (back to a draft). A scheduled video is in no
selector's answer: every one of them asks for ``state == published``.

Going live, whether at once or at the scheduled time, is followed by the same ``video_went_live``.
"""

from __future__ import annotations

import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from creators import hooks
from creators.models import Follow, Video
from creators.selectors import video_get_visible
from platform.languages import in_language_of
from platform.models import Notification
from platform.notifications import notify
from platform.viewer import viewer_for_user

SCHEDULE_MIN_LEAD = datetime.timedelta(minutes=5)
SCHEDULE_MAX_AHEAD = datetime.timedelta(days=30)
# At most this many due videos per run of the beat job; the next run (a minute later) takes the rest.
DUE_BATCH = 500
State = Video.State


def publish_time_validate(*, publish_at: datetime.datetime, now: datetime.datetime) -> datetime.datetime:
    """The chosen time, in UTC to the second, if it is at least ``SCHEDULE_MIN_LEAD`` and at most
    ``SCHEDULE_MAX_AHEAD`` from ``now``."""
    if timezone.is_naive(publish_at):
        raise ValueError("publish_at must carry its time zone")
    if publish_at < now + SCHEDULE_MIN_LEAD:
        raise ValidationError(
            {"publish_at": gettext("Choose a time at least 5 minutes from now.")}, code="too_soon"
        )
    if publish_at > now + SCHEDULE_MAX_AHEAD:
        raise ValidationError(
            {"publish_at": gettext("Choose a time within the next 30 days.")}, code="too_far"
        )
    return publish_at.astimezone(datetime.UTC).replace(microsecond=0)


def _is_waiting(video: Video) -> bool:
    """Scheduled, or still rendering for a scheduled time."""
    return video.state == State.SCHEDULED or (
        video.state == State.PUBLISHING and video.scheduled_at is not None
    )


def video_schedule_change(
    *, video: Video, publish_at: datetime.datetime, now: datetime.datetime | None = None
) -> Video:
    """Move the time a scheduled video goes live."""
    publish_at = publish_time_validate(publish_at=publish_at, now=now or timezone.now())
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        if not _is_waiting(locked):
            raise ValidationError(gettext("This video is not scheduled."), code="not_scheduled")
        locked.scheduled_at = publish_at
        locked.save(update_fields=["scheduled_at", "updated_at"])
    return locked


def video_schedule_cancel(*, video: Video) -> Video:
    """Take a scheduled video back to a draft (its trim kept); publishing it again renders it again."""
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        if not _is_waiting(locked):
            raise ValidationError(gettext("This video is not scheduled."), code="not_scheduled")
        # A render still running for it finds the video no longer publishing and discards its result;
        # its lease is let go here, so the draft never looks like stuck work.
        locked.state, locked.scheduled_at = State.DRAFT, None
        locked.work_started_at = locked.work_heartbeat_at = None
        locked.save(
            update_fields=["state", "scheduled_at", "work_started_at", "work_heartbeat_at", "updated_at"]
        )
    return locked


def video_go_live(*, video: Video, at: datetime.datetime) -> None:
    """Make a locked, rendered video live as published at ``at``; its caller saves it. The follow-up
    runs after the commit."""
    video.state, video.published_at, video.scheduled_at = State.PUBLISHED, at, None
    transaction.on_commit(partial(video_went_live, video.pk))


def videos_publish_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Publish every scheduled video whose time has come, as published at its scheduled time. Safe to
    run twice at once: each video is locked and checked again."""
    now = now or timezone.now()
    due = list(
        Video.objects.filter(state=State.SCHEDULED, scheduled_at__lte=now)
        .order_by("scheduled_at", "pk")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )
    published = []
    for video_id in due:
        with transaction.atomic():
            video = Video.objects.select_for_update().filter(pk=video_id).first()
            if video is None or video.state != State.SCHEDULED or video.scheduled_at is None:
                continue
            if video.scheduled_at > now:
                continue  # moved later since the look-up
            video_go_live(video=video, at=video.scheduled_at)
            video.save(update_fields=["state", "published_at", "scheduled_at", "updated_at"])
            published.append(video_id)
    return published


def video_went_live(video_id: int) -> None:
    """What follows a video going live, at once or at its scheduled time: the apps above hear of it
    (feeds, search) and its followers are told, off the request or job."""
    from creators.tasks import video_followers_notify_task

    hooks.video_changed(video_id)
    video_followers_notify_task.delay(video_id=video_id)


def video_followers_notify(*, video_id: int) -> int:
    """Tell each approved follower who may watch it that a live video is out: once per follower (a
    retry skips who was told), never for a private video or one a moderator holds back."""
    video = (
        Video.objects.select_related("owner__user")
        .filter(pk=video_id, state=State.PUBLISHED, moderation_state=Video.Moderation.VISIBLE)
        .exclude(visibility=Video.Visibility.PRIVATE)
        .first()
    )
    if video is None:
        return 0
    url = video.get_absolute_url()
    told = Notification.objects.filter(kind=Notification.Kind.NEW_VIDEO, url=url).values("user_id")
    follows = (
        Follow.objects.filter(creator=video.owner, status=Follow.Status.APPROVED)
        .exclude(follower_id__in=told)
        .select_related("follower")
        .order_by("pk")
    )
    count = 0
    for follow in follows.iterator(chunk_size=200):
        follower = follow.follower
        # The same rule as the watch page (age, blocks, restricted mode), so nobody is told of a video
        # they could not open.
        if (
            video_get_visible(
                public_id=video.public_id, viewer=viewer_for_user(follower), despite_screen_time=True
            )
            is None
        ):
            continue
        with in_language_of(follower):
            title = gettext("%(name)s posted a new video") % {"name": video.owner.display_name}
        notify(
            user=follower, kind=Notification.Kind.NEW_VIDEO, title=title, body=video.caption[:200], url=url
        )
        count += 1
    return count
