"""A video's cover: the creator picks the poster's frame (or goes back to the automatic one), and a worker
makes the new poster from the original while the old one stays shown."""

from __future__ import annotations

import math
import uuid
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from creators import hooks, media
from creators.models import Video
from creators.services._storage import files_delete, local_path, store, work_dir
from creators.services.processing import stored_probe

# The automatic cover's moment (``media.make_poster`` keeps it within the first half).
AUTOMATIC_SECONDS = 1.0


def enqueue_cover(video_id: int) -> None:
    from creators.tasks import video_cover_task

    video_cover_task.delay(video_id=video_id)


def video_cover_choose(*, video: Video, seconds: float | None) -> Video:
    """Ask for a new cover at ``seconds`` of the original (None: the automatic one). Refused outside
    0..duration and before the video has been processed; a worker makes it after the commit."""
    if video.duration is None or not video.preview.name:
        raise ValidationError({"seconds": _("The cover can be chosen once the video has been processed.")})
    if seconds is not None and (not math.isfinite(seconds) or not 0 <= seconds <= video.duration):
        raise ValidationError(
            {"seconds": _("Choose a moment from 0 to %(end).2f seconds.") % {"end": video.duration}}
        )
    with transaction.atomic():
        Video.objects.filter(pk=video.pk).update(poster_seconds=seconds, is_cover_pending=True)
        transaction.on_commit(partial(enqueue_cover, video.pk))
    video.poster_seconds, video.is_cover_pending = seconds, True
    return video


def video_cover_make(*, video_id: int) -> None:
    """Make the asked-for cover and swap it in; quietly nothing when none is pending or the video is
    gone. A newer request made meanwhile wins: this run's poster is then dropped."""
    video = Video.objects.filter(pk=video_id, is_cover_pending=True).first()
    info = stored_probe(video) if video is not None else None
    if video is None or info is None:
        return
    seconds = video.poster_seconds
    try:
        with (
            work_dir(label=f"cover-{video_id}") as workdir,
            local_path(video.original, scratch=workdir) as source,
        ):
            path = workdir / "poster.jpg"
            media.make_poster(
                source=source,
                destination=path,
                probe=info,
                at_seconds=AUTOMATIC_SECONDS if seconds is None else seconds,
                is_chosen=seconds is not None,
            )
            name = store(video, "poster", path, f"poster-{uuid.uuid4().hex[:8]}.jpg")
    except media.MediaError:
        # The original was made a poster of once already; a failure here leaves that one.
        Video.objects.filter(pk=video_id, poster_seconds=seconds).update(is_cover_pending=False)
        return
    storage = video.poster.storage
    with transaction.atomic():
        locked = Video.objects.select_for_update().filter(pk=video_id).first()
        if locked is None or not locked.is_cover_pending or locked.poster_seconds != seconds:
            transaction.on_commit(partial(files_delete, storage, [name]))
            return
        old = locked.poster.name
        Video.objects.filter(pk=video_id).update(poster=name, is_cover_pending=False)
        transaction.on_commit(partial(files_delete, storage, [old]))
        transaction.on_commit(partial(hooks.video_changed, video_id))
