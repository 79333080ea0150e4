"""A video's arrival and departure: an upload checked by its content and stored, and deletion with its files."""

from __future__ import annotations

import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext

from creators import hooks, media, streaming
from creators.models import CreatorProfile, Video
from creators.services._storage import files_delete
from creators.services.captions import caption_file_names
from creators.services.processing import enqueue_process, probe_columns
from creators.trust.decisions import posting_check


def filename_for_display(name: str) -> str:
    """The uploader's file name, safe to show: no folders, no control characters, bounded."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    return base[:120] or "video"


@contextmanager
def _upload_on_disk(upload: UploadedFile[bytes]) -> Iterator[Path]:
    temporary_path = getattr(upload, "temporary_file_path", None)
    if temporary_path is not None:
        yield Path(temporary_path())
        return
    # Small uploads may sit in memory; ffmpeg needs a path.
    with tempfile.NamedTemporaryFile(prefix="joyreel-upload-") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        yield Path(handle.name)


def video_upload(*, owner: CreatorProfile, upload: UploadedFile[bytes]) -> Video:
    """Check an uploaded file by its content, keep it under a server-made name, and queue processing."""
    posting_check(user=owner.user)
    max_bytes = settings.VIDEO_MAX_UPLOAD_MB * 1024 * 1024
    if not upload.size:
        raise ValidationError({"file": gettext("The file is empty.")})
    if upload.size > max_bytes:
        raise ValidationError(
            {"file": gettext("The file is larger than %(mb)s MB.") % {"mb": settings.VIDEO_MAX_UPLOAD_MB}}
        )
    with _upload_on_disk(upload) as path:
        try:
            container = media.sniff_container(path=path)
            info = media.probe(
                path=path, max_seconds=settings.VIDEO_MAX_SECONDS, max_pixels=settings.VIDEO_MAX_PIXELS
            )
        except media.MediaError as error:
            raise ValidationError({"file": gettext(error.reason)}) from error
        video = Video(
            owner=owner,
            original_filename=filename_for_display(upload.name or ""),
            original_size=upload.size,
            trim_end=info.duration,
            **probe_columns(info),
        )
    extension = "mp4" if container == "mov" else "mkv"
    # A streamed upload is moved into storage, not copied.
    video.original.save(f"original.{extension}", upload, save=False)
    try:
        with transaction.atomic():
            video.save()
            transaction.on_commit(lambda: enqueue_process(video.pk))
    except Exception:
        video.original.delete(save=False)  # never leave an orphan file behind
        raise
    return video


def video_delete(*, video: Video) -> None:
    storage = video.original.storage
    names = [video.original.name, video.poster.name, video.preview.name, video.rendition.name]
    names += [video.filmstrip.name] if video.filmstrip.name else []
    names += caption_file_names(video=video)
    stream_name = video.stream.name
    video_id = video.pk
    with transaction.atomic():
        Video.objects.filter(pk=video_id).delete()
        transaction.on_commit(partial(hooks.video_changed, video_id))
        transaction.on_commit(lambda: files_delete(storage, names))
        transaction.on_commit(partial(streaming.ladder_delete, storage=storage, master_name=stream_name))
