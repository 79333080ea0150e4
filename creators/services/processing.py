"""The video's media state machine on the worker side: process, render, fail, retry and recover.

    uploaded -> processing -> draft -> publishing -> published
    (any working state) -> failed -> (retry) back to the step that failed

Every state change is in this package (``video_upload`` creates ``uploaded``, ``video_publish``
asks for ``publishing``; the rest is here). Long media work runs in Celery tasks
(``creators.tasks``) that call ``video_process`` and ``video_render``; those lock the row to move
states, do the slow work outside any transaction, and lock again to store the result, so a worker
that dies half way leaves a video that ``videos_recover_stuck`` puts back in the queue.
"""

from __future__ import annotations

import dataclasses
import datetime
import tempfile
import uuid
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from creators import hooks, media
from creators.models import Video
from creators.services._storage import files_delete, local_path, store

MAX_ATTEMPTS = 3
GAVE_UP = "Processing stopped several times. Please retry, or upload the video again."
State = Video.State
Step = Video.Step


def probe_columns(info: media.ProbeResult) -> dict[str, Any]:
    """The probe as a Video row stores it: a column per field, text cut to its column, no codec as ""."""
    columns = dataclasses.asdict(info)
    for name, value in columns.items():
        field = Video._meta.get_field(name)
        if isinstance(field, models.CharField):
            columns[name] = (value or "")[: field.max_length]
    return columns


def stored_probe(video: Video) -> media.ProbeResult | None:
    """What processing learned of the original (which never changes), without reading the file again."""
    values = {name: getattr(video, name) for name in media.PROBE_FIELDS}
    if not video.container or any(value is None for value in values.values()):
        return None  # not processed yet
    return media.ProbeResult(**{**values, "audio_codec": video.audio_codec or None})


def enqueue_process(video_id: int) -> None:
    from creators.tasks import video_process_task

    video_process_task.delay(video_id=video_id)


def enqueue_render(video_id: int) -> None:
    from creators.tasks import video_render_task

    video_render_task.delay(video_id=video_id)


def video_process(*, video_id: int) -> None:
    """Probe the original, make a poster and an editor preview, and move the video to ``draft``."""
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None or video.state not in (State.UPLOADED, State.PROCESSING):
            return
        video.state = State.PROCESSING
        video.attempts = F("attempts") + 1
        video.work_started_at = timezone.now()
        video.save(update_fields=["state", "attempts", "work_started_at", "updated_at"])
    token = uuid.uuid4().hex[:8]
    try:
        with local_path(video.original) as source, tempfile.TemporaryDirectory() as workdir:
            info = media.probe(
                path=source, max_seconds=settings.VIDEO_MAX_SECONDS, max_pixels=settings.VIDEO_MAX_PIXELS
            )
            poster_path, preview_path = Path(workdir) / "poster.jpg", Path(workdir) / "preview.mp4"
            media.make_poster(source=source, destination=poster_path, probe=info)
            media.make_preview(source=source, destination=preview_path, probe=info)
            poster_name = store(video, "poster", poster_path, f"poster-{token}.jpg")
            preview_name = store(video, "preview", preview_path, f"preview-{token}.mp4")
    except media.MediaError as error:
        video_fail(video_id=video_id, step=Step.PROCESSING, reason=error.reason)
        return
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=video_id)
        if video.state != State.PROCESSING:  # deleted work or a newer run finished first
            transaction.on_commit(lambda: files_delete(video.poster.storage, [poster_name, preview_name]))
            return
        old = [video.poster.name, video.preview.name]
        for key, value in probe_columns(info).items():
            setattr(video, key, value)
        video.poster.name, video.preview.name = poster_name, preview_name
        if video.trim_end is None or video.trim_end > info.duration:
            video.trim_start, video.trim_end = 0.0, info.duration
        video.state, video.failed_step, video.failure_reason = State.DRAFT, "", ""
        video.work_started_at = None
        video.save()
        if any(old):
            transaction.on_commit(lambda: files_delete(video.poster.storage, old))


def video_fail(*, video_id: int, step: Video.Step, reason: str) -> None:
    """Record why ``step`` failed: the video waits in ``failed`` for a retry, or for a re-trim stays live."""
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None:
            return
        if step == Step.RETRIM:
            # The live rendition stays; only the re-trim is dropped.
            video.pending_trim_start = video.pending_trim_end = None
            video.failed_step, video.failure_reason = step, f"The new trim could not be made: {reason}"[:300]
        else:
            video.state, video.failed_step, video.failure_reason = State.FAILED, step, reason[:300]
        video.work_started_at = None
        video.save()


def video_render(*, video_id: int) -> None:
    """Encode the chosen range once into a new rendition and swap it in."""
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None:
            return
        if video.state == State.PUBLISHING:
            start, end = video.trim_start, video.trim_end
        elif video.state == State.PUBLISHED and video.pending_trim_end is not None:
            start, end = video.pending_trim_start or 0.0, video.pending_trim_end
        else:
            return
        step = video.working_step
        assert end is not None
        video.attempts = F("attempts") + 1
        video.work_started_at = timezone.now()
        video.save(update_fields=["attempts", "work_started_at", "updated_at"])
        version = video.rendition_version + 1
    try:
        with local_path(video.original) as source, tempfile.TemporaryDirectory() as workdir:
            info = stored_probe(video) or media.probe(
                path=source, max_seconds=settings.VIDEO_MAX_SECONDS, max_pixels=settings.VIDEO_MAX_PIXELS
            )
            output = Path(workdir) / "rendition.mp4"
            media.encode_range(source=source, destination=output, probe=info, start=start, end=end)
            result = media.probe(
                path=output, max_seconds=settings.VIDEO_MAX_SECONDS + 1, max_pixels=settings.VIDEO_MAX_PIXELS
            )
            frame = 1 / (info.fps or 30)
            if abs(result.duration - (end - start)) > max(2 * frame, 0.1):
                raise media.MediaError(
                    reason="The encoded video came out with the wrong length.",
                    detail=f"wanted {end - start:.3f}s, got {result.duration:.3f}s",
                )
            name = store(video, "rendition", output, f"rendition-{version}-{uuid.uuid4().hex[:6]}.mp4")
    except media.MediaError as error:
        video_fail(video_id=video_id, step=step, reason=error.reason)
        return
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=video_id)
        still_wanted = (
            video.state == State.PUBLISHING and (video.trim_start, video.trim_end) == (start, end)
        ) or (
            video.state == State.PUBLISHED
            and (video.pending_trim_start, video.pending_trim_end) == (start, end)
        )
        if not still_wanted:
            transaction.on_commit(lambda: files_delete(video.rendition.storage, [name]))
            return
        old = video.rendition.name
        video.rendition.name = name
        video.rendition_version = version
        video.rendition_duration = result.duration
        video.trim_start, video.trim_end = start, end
        video.pending_trim_start = video.pending_trim_end = None
        if video.state == State.PUBLISHING:
            video.state = State.PUBLISHED
            video.published_at = timezone.now()
        video.failed_step = video.failure_reason = ""
        video.work_started_at = None
        video.save()
        transaction.on_commit(partial(hooks.video_changed, video.pk))
        if old:
            transaction.on_commit(lambda: files_delete(video.rendition.storage, [old]))


def video_retry(*, video: Video) -> Video:
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        if locked.state != State.FAILED:
            raise ValidationError("Only a failed video can be retried.")
        if locked.failed_step == Step.PUBLISHING:
            locked.state, enqueue = State.PUBLISHING, enqueue_render
        else:
            locked.state, enqueue = State.UPLOADED, enqueue_process
        locked.failed_step = locked.failure_reason = ""
        locked.attempts = 0
        locked.save()
        transaction.on_commit(lambda: enqueue(locked.pk))
    return locked


def videos_recover_stuck(*, older_than: datetime.timedelta) -> int:
    """Re-queue videos whose worker died mid-step (or fail them after too many attempts)."""
    cutoff = timezone.now() - older_than
    stuck = Video.objects.filter(work_started_at__lt=cutoff).values_list("pk", flat=True)
    recovered = 0
    for video_id in stuck:
        with transaction.atomic():
            video = Video.objects.select_for_update().filter(pk=video_id, work_started_at__lt=cutoff).first()
            if video is None:
                continue
            if video.attempts >= MAX_ATTEMPTS:
                transaction.on_commit(
                    partial(video_fail, video_id=video.pk, step=video.working_step, reason=GAVE_UP)
                )
                continue
            video.work_started_at = None
            if video.state == State.PROCESSING:
                video.state = State.UPLOADED
                enqueue = enqueue_process
            else:
                enqueue = enqueue_render
            video.save(update_fields=["state", "work_started_at", "updated_at"])
            transaction.on_commit(partial(enqueue, video.pk))
            recovered += 1
    return recovered
