"""Celery tasks of the creators app: thin, idempotent wrappers that take ids and call one service."""

import datetime
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.conf import settings

from creators import hooks, services
from creators.comments import notifications
from creators.models import Video


@shared_task(name="creators.tasks.comment_followup_task", soft_time_limit=30, time_limit=60)
def comment_followup_task(*, comment_id: int, is_new: bool, notify: bool) -> None:
    """What follows a comment, off the request that posted it: apps above hear of a new one (its
    interest signal) and the people it concerns are told once it is visible. Not ``acks_late``: telling
    people twice is worse than once too few, and the signal is idempotent anyway."""
    if is_new:
        hooks.comment_posted(comment_id)
    if notify:
        notifications.comment_notify_after_commit(comment_id)


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


@shared_task(
    name="creators.tasks.video_cover_task", acks_late=True, soft_time_limit=5 * 60, time_limit=6 * 60
)
def video_cover_task(*, video_id: int) -> None:
    services.video_cover_make(video_id=video_id)


@shared_task(name="creators.tasks.videos_publish_due_task", acks_late=True, soft_time_limit=50, time_limit=60)
def videos_publish_due_task() -> int:
    return len(services.videos_publish_due())


@shared_task(
    name="creators.tasks.video_followers_notify_task",
    acks_late=True,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def video_followers_notify_task(*, video_id: int) -> int:
    # Idempotent: a redelivery tells only the followers not told yet.
    return services.video_followers_notify(video_id=video_id)


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
