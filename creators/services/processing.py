"""The video's media state machine on the worker side: process, render, fail, retry and recover.

    uploaded -> processing -> draft -> publishing -> published (or scheduled, then published)
    (any working state) -> failed -> (retry) back to the step that failed

Every state change is in this package (``video_upload`` creates ``uploaded``, ``video_publish``
asks for ``publishing``; the rest is here). Long media work runs in Celery tasks
(``creators.tasks``) that call ``video_process`` and ``video_render``; those lock the row to move
states, do the slow work outside any transaction, and lock again to store the result, so a worker
that dies half way leaves a video that ``videos_recover_stuck`` puts back in the queue.

The slow work holds a lease on the video (``work_heartbeat_at``, refreshed by a small thread while
ffmpeg runs); once it is older than ``VIDEO_WORK_LEASE_SECONDS`` the worker is taken for dead, and
the video is re-queued by the recovery job or by a creator's retry. The broker's redelivery (none on
the filesystem broker, an hour's visibility timeout on Redis) never decides it.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from creators import hooks, media, streaming
from creators.models import Video
from creators.services import scheduling
from creators.services._storage import files_delete, local_path, store, work_dir
from creators.services.captions import captions_retime

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
GAVE_UP = gettext_noop("Processing stopped several times. Please retry, or upload the video again.")
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
        video.work_started_at = video.work_heartbeat_at = started = timezone.now()
        video.save(update_fields=["state", "attempts", "work_started_at", "work_heartbeat_at", "updated_at"])
    token = uuid.uuid4().hex[:8]
    try:
        with (
            work_lease(video_id=video_id, started_at=started),
            work_dir(label=f"process-{video_id}") as workdir,
            local_path(video.original, scratch=workdir) as source,
        ):
            info = media.probe(
                path=source, max_seconds=settings.VIDEO_MAX_SECONDS, max_pixels=settings.VIDEO_MAX_PIXELS
            )
            poster_path, preview_path = workdir / "poster.jpg", workdir / "preview.mp4"
            filmstrip_path = workdir / "filmstrip.jpg"
            media.make_poster(source=source, destination=poster_path, probe=info)
            # The filmstrip is one more output of the preview's run, which reads the source once.
            media.make_preview(source=source, destination=preview_path, probe=info, filmstrip=filmstrip_path)
            poster_name = store(video, "poster", poster_path, f"poster-{token}.jpg")
            preview_name = store(video, "preview", preview_path, f"preview-{token}.mp4")
            filmstrip_name = (
                store(video, "filmstrip", filmstrip_path, f"filmstrip-{token}.jpg")
                if filmstrip_path.is_file()
                else ""
            )
    except media.MediaError as error:
        video_fail(video_id=video_id, step=Step.PROCESSING, reason=error.reason)
        return
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=video_id)
        if video.state != State.PROCESSING:  # deleted work or a newer run finished first
            made = [poster_name, preview_name, filmstrip_name]
            transaction.on_commit(lambda: files_delete(video.poster.storage, made))
            return
        old = [video.poster.name, video.preview.name, video.filmstrip.name]
        for key, value in probe_columns(info).items():
            setattr(video, key, value)
        video.poster.name, video.preview.name = poster_name, preview_name
        video.filmstrip.name = filmstrip_name
        if video.trim_end is None or video.trim_end > info.duration:
            video.trim_start, video.trim_end = 0.0, info.duration
        video.state, video.failed_step, video.failure_reason = State.DRAFT, "", ""
        video.work_started_at = video.work_heartbeat_at = None
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
        video.work_started_at = video.work_heartbeat_at = None
        video.save()


def video_render(*, video_id: int) -> None:
    """Encode the chosen range once into a new rendition (the HLS ladder and its top rung as one MP4)
    and swap it in."""
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
        video.work_started_at = video.work_heartbeat_at = started = timezone.now()
        video.save(update_fields=["attempts", "work_started_at", "work_heartbeat_at", "updated_at"])
        version = video.rendition_version + 1
    try:
        with (
            work_lease(video_id=video_id, started_at=started),
            work_dir(label=f"render-{video_id}") as workdir,
            local_path(video.original, scratch=workdir) as source,
        ):
            info = stored_probe(video) or media.probe(
                path=source, max_seconds=settings.VIDEO_MAX_SECONDS, max_pixels=settings.VIDEO_MAX_PIXELS
            )
            # One run renders the whole ladder; the single MP4 (the fallback for players without HLS,
            # the download, the admin's player) is its top rung copied, not a second encode.
            ladder = media.encode_ladder(
                source=source, destination=workdir / "ladder", probe=info, start=start, end=end
            )
            output = workdir / "rendition.mp4"
            media.ladder_to_mp4(ladder=ladder, destination=output)
            result = media.probe(
                path=output, max_seconds=settings.VIDEO_MAX_SECONDS + 1, max_pixels=settings.VIDEO_MAX_PIXELS
            )
            frame = 1 / (info.fps or 30)
            if abs(result.duration - (end - start)) > max(2 * frame, 0.1):
                raise media.MediaError(
                    reason=gettext_noop("The encoded video came out with the wrong length."),
                    detail=f"wanted {end - start:.3f}s, got {result.duration:.3f}s",
                )
            token = uuid.uuid4().hex[:6]
            name = store(video, "rendition", output, f"rendition-{version}-{token}.mp4")
            try:
                stream_name = streaming.ladder_store(
                    video=video, ladder=ladder, folder_name=f"stream-{version}-{token}"
                )
            except BaseException:
                files_delete(video.rendition.storage, [name])
                raise
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
        storage = video.rendition.storage
        if not still_wanted:
            transaction.on_commit(lambda: files_delete(storage, [name]))
            transaction.on_commit(partial(streaming.ladder_delete, storage=storage, master_name=stream_name))
            return
        old, old_stream = video.rendition.name, video.stream.name
        if video.trim_start != start or video.trim_end != end:  # a re-trim: the captions move with it
            captions_retime(video=video, old_start=video.trim_start, start=start, end=end)
        video.rendition.name = name
        video.stream.name = stream_name
        video.rendition_version = version
        video.rendition_duration = result.duration
        video.trim_start, video.trim_end = start, end
        video.pending_trim_start = video.pending_trim_end = None
        if video.state == State.PUBLISHING:
            now = timezone.now()
            if video.scheduled_at is not None and video.scheduled_at > now:
                video.state = State.SCHEDULED  # rendered; ``videos_publish_due`` makes it live at its time
                transaction.on_commit(partial(hooks.video_changed, video.pk))
            else:
                # Publish now, or late: a render that ended after the chosen time publishes at once.
                scheduling.video_go_live(video=video, at=now)
        else:
            transaction.on_commit(partial(hooks.video_changed, video.pk))
        video.failed_step = video.failure_reason = ""
        video.work_started_at = video.work_heartbeat_at = None
        video.save()
        if old:
            transaction.on_commit(lambda: files_delete(storage, [old]))
        if old_stream:
            transaction.on_commit(partial(streaming.ladder_delete, storage=storage, master_name=old_stream))


def video_retry(*, video: Video) -> Video:
    """Try the failed step again, or a step whose worker died (its lease ran out) without waiting for
    the recovery job."""
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        enqueue: Callable[[int], None]
        if locked.state == State.FAILED:
            if locked.failed_step == Step.PUBLISHING:
                locked.state, enqueue = State.PUBLISHING, enqueue_render
            else:
                locked.state, enqueue = State.UPLOADED, enqueue_process
            locked.failed_step = locked.failure_reason = ""
        elif locked.is_stuck:
            enqueue = _release_work(locked)
        else:
            raise ValidationError(gettext("Only a failed or stuck video can be retried."))
        locked.attempts = 0
        locked.save()
        transaction.on_commit(lambda: enqueue(locked.pk))
    return locked


def videos_recover_stuck(*, older_than: datetime.timedelta) -> int:
    """Re-queue videos whose worker died mid-step, seen by a lease older than ``older_than`` (or
    fail them after too many attempts)."""
    cutoff = timezone.now() - older_than
    expired = Q(work_heartbeat_at__lt=cutoff) | Q(work_heartbeat_at=None, work_started_at__lt=cutoff)
    stuck = Video.objects.filter(expired, work_started_at__isnull=False).values_list("pk", flat=True)
    recovered = 0
    for video_id in stuck:
        with transaction.atomic():
            video = (
                Video.objects.select_for_update()
                .filter(expired, pk=video_id, work_started_at__isnull=False)
                .first()
            )
            if video is None:
                continue
            if video.attempts >= MAX_ATTEMPTS:
                transaction.on_commit(
                    partial(video_fail, video_id=video.pk, step=video.working_step, reason=GAVE_UP)
                )
                continue
            enqueue = _release_work(video)
            video.save(update_fields=["state", "work_started_at", "work_heartbeat_at", "updated_at"])
            transaction.on_commit(partial(enqueue, video.pk))
            recovered += 1
    return recovered


def _release_work(video: Video) -> Callable[[int], None]:
    """Take dead work off a (locked) video and say how to queue it again; the caller saves."""
    video.work_started_at = video.work_heartbeat_at = None
    if video.state == State.PROCESSING:
        video.state = State.UPLOADED
        return enqueue_process
    return enqueue_render


@contextmanager
def work_lease(*, video_id: int, started_at: datetime.datetime) -> Iterator[None]:
    """Refresh this run's lease on the video's work from a small thread while the slow part runs.

    The refresh touches only the run that set ``started_at``: once recovery has handed the work to
    another run, a late beat from this one changes nothing.
    """
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.VIDEO_WORK_HEARTBEAT_SECONDS):
                try:
                    Video.objects.filter(pk=video_id, work_started_at=started_at).update(
                        work_heartbeat_at=timezone.now()
                    )
                except DatabaseError:  # a busy database: the next beat tries again
                    logger.warning("Could not refresh the work lease of video %s", video_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"video-{video_id}-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
