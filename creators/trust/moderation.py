"""Staff decisions on videos: reviewing a video for a curated topic and moderating it, each with an audit entry."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from creators import hooks
from creators.models import Video, VideoTopic
from platform.models import User
from platform.services import audit_record


def videotopic_review(*, actor: User, video_topic: VideoTopic, approve: bool) -> VideoTopic:
    with transaction.atomic():
        locked = VideoTopic.objects.select_for_update().get(pk=video_topic.pk)
        state = VideoTopic.Review.APPROVED if approve else VideoTopic.Review.REJECTED
        if locked.review_state == state:
            return locked
        transaction.on_commit(partial(hooks.video_changed, locked.video_id))
        locked.review_state, locked.reviewed_by, locked.reviewed_at = state, actor, timezone.now()
        locked.save(update_fields=["review_state", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=actor,
            action=f"topic.{state}",
            target=locked.video,
            detail={"topic": locked.topic.slug},
        )
    return locked


def video_moderate(*, actor: User, video: Video, state: str, reason: str) -> Video:
    if state not in Video.Moderation.values:
        raise ValidationError({"moderation_state": gettext("Unknown moderation state.")})
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        before = locked.moderation_state
        locked.moderation_state, locked.moderation_reason = state, reason[:300]
        locked.save(update_fields=["moderation_state", "moderation_reason", "updated_at"])
        transaction.on_commit(partial(hooks.video_changed, locked.pk))
        audit_record(
            actor=actor,
            action=f"video.{state}",
            target=locked,
            detail={"from": before, "reason": reason[:300]},
        )
    return locked
