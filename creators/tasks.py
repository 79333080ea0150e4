"""Celery tasks of the creators app: thin, idempotent wrappers that take ids and call one service."""

import datetime
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
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
    services.upload_sessions_expire()  # abandoned resumable uploads
    return services.videos_recover_stuck(
        older_than=datetime.timedelta(seconds=settings.VIDEO_WORK_LEASE_SECONDS)
    )


@worker_ready.connect
def _recover_on_worker_start(sender: Any = None, **kwargs: Any) -> None:
    """A worker starting may be the one that replaces a killed worker: remove the dead runs' scratch
    folders on this machine now, and look for dead work now and again once a lease taken just before
    the kill has had time to expire (the beat job would find it too, within its interval)."""
    services.work_dirs_clean()
    videos_recover_stuck_task.delay()
    videos_recover_stuck_task.apply_async(
        countdown=settings.VIDEO_WORK_LEASE_SECONDS + settings.VIDEO_WORK_HEARTBEAT_SECONDS
    )
