"""What a creator sets on a video: caption, hashtags, topics, visibility, the trim, and the request to publish it."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from creators import hooks
from creators.models import Hashtag, Topic, Video, VideoTopic
from creators.services.captions import captions_retime
from creators.services.processing import enqueue_render
from creators.services.scheduling import publish_time_validate
from creators.trust.decisions import posting_check
from creators.trust.watched_words import watched_match
from platform import age
from platform.services import audit_record

HASHTAG_RE = re.compile(r"#(\w{1,50})", re.UNICODE)
MAX_HASHTAGS = 30
MIN_TRIM_SECONDS = 1.0
State = Video.State


def hashtags_parse(caption: str) -> list[str]:
    seen: dict[str, None] = {}
    for match in HASHTAG_RE.finditer(caption):
        seen.setdefault(match.group(1).casefold(), None)
    return list(seen)[:MAX_HASHTAGS]


def _watched_review(video: Video) -> None:
    """A watched word in the caption (or its hashtags) holds a visible video back for a moderator: out of
    every feed, reachable by its link and by its creator, until the review queue decides. Not a decision."""
    phrase = watched_match(text=video.caption)
    if phrase is None:
        return
    held = Video.objects.filter(pk=video.pk, moderation_state=Video.Moderation.VISIBLE).update(
        moderation_state=Video.Moderation.REVIEW
    )
    if held:
        video.moderation_state = Video.Moderation.REVIEW
        audit_record(actor=None, action="video.review", target=video, detail={"phrase": phrase})


def video_update_details(
    *,
    video: Video,
    caption: str,
    topic_slugs: Iterable[str],
    visibility: str,
    content_level: str,
) -> Video:
    if visibility not in Video.Visibility.values:
        raise ValidationError({"visibility": gettext("Choose who can see the video.")})
    if content_level not in Video.ContentLevel.values:
        raise ValidationError({"content_level": gettext("Choose a content level.")})
    if (
        content_level == Video.ContentLevel.MATURE
        and not age.policy_for_user(video.owner.user).may_see_mature_content
    ):
        raise ValidationError({"content_level": gettext("Only adults can post mature content.")})
    slugs = set(topic_slugs)
    topics = {topic.slug: topic for topic in Topic.objects.filter(slug__in=slugs)}
    if unknown := slugs - topics.keys():
        raise ValidationError(
            {"topics": gettext("Unknown topic: %(topics)s.") % {"topics": ", ".join(sorted(unknown))}}
        )
    caption = caption.strip()
    if len(caption) > 2200:
        raise ValidationError({"caption": gettext("The caption is longer than 2,200 characters.")})
    with transaction.atomic():
        transaction.on_commit(partial(hooks.video_changed, video.pk))
        caption_changed = caption != video.caption
        video.caption, video.visibility, video.content_level = caption, visibility, content_level
        video.save(update_fields=["caption", "visibility", "content_level", "updated_at"])
        if caption_changed:
            _watched_review(video)
        names = hashtags_parse(caption)
        Hashtag.objects.bulk_create([Hashtag(name=name) for name in names], ignore_conflicts=True)
        video.hashtags.set(Hashtag.objects.filter(name__in=names))
        VideoTopic.objects.filter(video=video).exclude(topic__slug__in=slugs).delete()
        existing = set(VideoTopic.objects.filter(video=video).values_list("topic__slug", flat=True))
        VideoTopic.objects.bulk_create(
            [
                VideoTopic(
                    video=video,
                    topic=topic,
                    review_state=VideoTopic.Review.PENDING
                    if topic.is_curated
                    else VideoTopic.Review.APPROVED,
                )
                for slug, topic in topics.items()
                if slug not in existing
            ]
        )
    return video


def trim_validate(*, video: Video, start: float, end: float) -> tuple[float, float]:
    if video.duration is None:
        raise ValidationError(gettext("The video is still being processed."))
    start, end = round(float(start), 3), round(float(end), 3)
    if not (0 <= start < video.duration) or not (0 < end <= video.duration + 0.001):
        raise ValidationError(
            {
                "trim": gettext("The range must lie within the video (0–%(seconds)s s).")
                % {"seconds": f"{video.duration:.2f}"}
            }
        )
    if end <= start:
        raise ValidationError({"trim": gettext("The end must come after the start.")})
    if end - start < MIN_TRIM_SECONDS:
        raise ValidationError(
            {
                "trim": gettext("The trimmed video must be at least %(seconds)s s long.")
                % {"seconds": f"{MIN_TRIM_SECONDS:g}"}
            }
        )
    return start, min(end, video.duration)


def video_publish(
    *, video: Video, start: float, end: float, publish_at: datetime.datetime | None = None
) -> Video:
    """Publish the chosen range (first time), or re-trim a published video without taking it down, or a
    scheduled one before its time.

    With ``publish_at`` a draft is rendered now and goes live at that time (``creators.services.scheduling``)."""
    start, end = trim_validate(video=video, start=start, end=end)
    if publish_at is not None:
        publish_at = publish_time_validate(publish_at=publish_at, now=timezone.now())
    with transaction.atomic():
        locked = Video.objects.select_for_update().select_related("owner__user").get(pk=video.pk)
        first_publish = locked.state == State.DRAFT
        if first_publish:
            posting_check(user=locked.owner.user)
            if (locked.trim_start, locked.trim_end) != (start, end):
                captions_retime(video=locked, old_start=locked.trim_start, start=start, end=end)
            locked.state, locked.trim_start, locked.trim_end = State.PUBLISHING, start, end
            locked.scheduled_at = publish_at
            locked.failed_step = locked.failure_reason = ""
        elif locked.state == State.PUBLISHED and publish_at is None:
            if (start, end) == (locked.trim_start, locked.trim_end) and locked.pending_trim_end is None:
                return locked
            locked.pending_trim_start, locked.pending_trim_end = start, end
            locked.failed_step = locked.failure_reason = ""
        elif locked.state == State.SCHEDULED and publish_at is None:
            # Not live yet, so nothing to keep showing: render the new range again; it goes live at the
            # chosen time as before (``video_render`` puts it back in ``scheduled``, or publishes it at
            # once if the render ends after that time).
            if (start, end) == (locked.trim_start, locked.trim_end):
                return locked
            captions_retime(video=locked, old_start=locked.trim_start, start=start, end=end)
            locked.state, locked.trim_start, locked.trim_end = State.PUBLISHING, start, end
            locked.failed_step = locked.failure_reason = ""
        else:
            raise ValidationError(
                gettext("A video that is %(state)s can't be published now.")
                % {"state": locked.get_state_display().lower()}
            )
        locked.save()
        if first_publish:
            _watched_review(locked)  # the list may have grown since the caption was written
        transaction.on_commit(lambda: enqueue_render(locked.pk))
    return locked


def video_trim_set(*, video: Video, start: float, end: float) -> Video:
    """Remember the chosen range of a draft without publishing it."""
    start, end = trim_validate(video=video, start=start, end=end)
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        if locked.state != State.DRAFT:
            return locked
        if (locked.trim_start, locked.trim_end) != (start, end):
            captions_retime(video=locked, old_start=locked.trim_start, start=start, end=end)
        locked.trim_start, locked.trim_end = start, end
        locked.save(update_fields=["trim_start", "trim_end", "updated_at"])
    return locked
