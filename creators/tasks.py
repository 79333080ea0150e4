"""Celery tasks of the creators app: thin, idempotent wrappers that take ids and call one service."""

import datetime

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from creators import services
from creators.models import Video


@shared_task(
    name="creators.tasks.video_process_task", acks_late=True, soft_time_limit=15 * 60, time_limit=16 * 60
)
def video_process_task(*, video_id: int) -> None:
    try:
        services.video_process(video_id=video_id)
    except SoftTimeLimitExceeded:
        services.video_fail(
            video_id=video_id, step=Video.Step.PROCESSING, reason="Processing took too long. Please retry."
        )


@shared_task(
    name="creators.tasks.video_render_task", acks_late=True, soft_time_limit=30 * 60, time_limit=31 * 60
)
def video_render_task(*, video_id: int) -> None:
    try:
        services.video_render(video_id=video_id)
    except SoftTimeLimitExceeded:
        video = Video.objects.filter(pk=video_id).only("state").first()
        if video is not None:
            services.video_fail(
                video_id=video_id, step=video.working_step, reason="Encoding took too long. Please retry."
            )


@shared_task(name="creators.tasks.videos_recover_stuck_task", acks_late=True)
def videos_recover_stuck_task() -> int:
    services.upload_sessions_expire(older_than=datetime.timedelta(days=1))  # abandoned resumable uploads
    return services.videos_recover_stuck(
        older_than=datetime.timedelta(seconds=settings.VIDEO_STUCK_AFTER_SECONDS)
    )
