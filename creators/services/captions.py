"""A video's caption tracks: an uploaded file parsed, re-written as WebVTT and stored (one per language),
and deleted."""

from __future__ import annotations

import secrets
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from creators import captions, hooks
from creators.models import CaptionTrack, Video
from creators.services._storage import files_delete


def caption_track_set(*, video: Video, language: str, data: bytes) -> CaptionTrack:
    """Parse an uploaded WebVTT or SRT file and keep it as the video's captions in ``language``,
    replacing the ones it had. A refused file changes nothing and stores nothing."""
    if language not in captions.LANGUAGES:
        raise ValidationError({"language": _("Choose a language from the list.")})
    try:
        # Timed to the video as viewers see it: the trimmed range, from 0.
        cues = captions.parse(data, max_seconds=video.trimmed_duration)
    except captions.CaptionError as error:
        raise ValidationError({"file": str(error)}) from error
    storage = CaptionTrack._meta.get_field("file").storage
    wanted = f"videos/{video.public_id.hex}/captions-{language}-{secrets.token_hex(6)}.vtt"
    name = str(storage.save(wanted, ContentFile(captions.serialise(cues))))
    try:
        with transaction.atomic():
            locked = Video.objects.select_for_update().get(pk=video.pk)
            track = CaptionTrack.objects.filter(video=locked, language=language).first()
            old_name = track.file.name if track is not None else ""
            if track is None:
                track = CaptionTrack(video=locked, language=language)
            track.file.name = name
            track.cue_count = len(cues)
            track.save()
            _languages_refresh(locked)
            transaction.on_commit(partial(files_delete, storage, [old_name]))
            transaction.on_commit(partial(hooks.video_changed, locked.pk))
    except Exception:
        files_delete(storage, [name])  # never leave an orphan file behind
        raise
    video.caption_languages = locked.caption_languages
    return track


def caption_track_delete(*, video: Video, language: str) -> bool:
    """Delete the video's captions in ``language`` with their file; False when it had none."""
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        track = CaptionTrack.objects.filter(video=locked, language=language).first()
        if track is None:
            return False
        storage, name = track.file.storage, track.file.name
        track.delete()
        _languages_refresh(locked)
        transaction.on_commit(partial(files_delete, storage, [name]))
        transaction.on_commit(partial(hooks.video_changed, locked.pk))
    video.caption_languages = locked.caption_languages
    return True


def captions_retime(*, video: Video, old_start: float, start: float, end: float) -> None:
    """Keep the video's captions on the moments they were written for when its trim changes from one
    starting at ``old_start`` to ``start``–``end``: each track is moved and cut to the new range and
    stored again (a track left with no caption is deleted). Call it inside the transaction that holds
    the video's row locked and saves the new trim; old files go after the commit."""
    tracks = list(CaptionTrack.objects.filter(video=video))
    if not tracks:
        return
    storage = CaptionTrack._meta.get_field("file").storage
    written: list[str] = []
    try:
        for track in tracks:
            with track.file.open("rb") as handle:
                cues = captions.parse(handle.read())
            moved = captions.retimed(cues, shift=old_start - start, seconds=end - start)
            old_name = track.file.name
            if moved:
                wanted = f"videos/{video.public_id.hex}/captions-{track.language}-{secrets.token_hex(6)}.vtt"
                track.file.name = str(storage.save(wanted, ContentFile(captions.serialise(moved))))
                written.append(track.file.name)
                track.cue_count = len(moved)
                track.save(update_fields=["file", "cue_count", "updated_at"])
            else:
                track.delete()
            transaction.on_commit(partial(files_delete, storage, [old_name]))
    except Exception:
        files_delete(storage, written)
        raise
    _languages_refresh(video)


def caption_file_names(*, video: Video) -> list[str]:
    """The stored files of the video's captions (what deleting the video deletes with it)."""
    return [name for name in CaptionTrack.objects.filter(video=video).values_list("file", flat=True) if name]


def _languages_refresh(video: Video) -> None:
    video.caption_languages = list(
        CaptionTrack.objects.filter(video=video).order_by("language").values_list("language", flat=True)
    )
    Video.objects.filter(pk=video.pk).update(caption_languages=video.caption_languages)
