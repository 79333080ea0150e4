"""Resumable uploads: a session takes chunks at the offset it has reached, then becomes a video like any upload.

No chunk depends on which web process took the one before: with media on S3 the chunks are the parts of
one S3 multipart upload (every chunk but the last at least ``UPLOAD_PART_MIN_BYTES``, S3's 5 MiB rule);
otherwise the part file lives in ``UPLOAD_PARTS_DIR``, by default on the media disk the web machines share.
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from storages.backends.s3 import S3Storage

from creators.models import CreatorProfile, UploadSession, Video
from creators.services.uploads import filename_for_display, video_upload
from creators.trust.decisions import posting_check
from platform.errors import Conflict, TooLarge


class Readable(Protocol):
    """A request body or a file: anything to read a chunk from."""

    def read(self, size: int = ..., /) -> bytes: ...


class UploadOffsetMismatch(Conflict):
    """A chunk arrived for the wrong offset; the client should resume from ``received``."""

    def __init__(self, received: int) -> None:
        super().__init__(
            gettext("Expected the chunk at byte %(received)s.") % {"received": received},
            code="offset",
            context={"received": received},
        )
        self.received = received


def upload_parts_dir() -> Path:
    """Where part files live when media is on disk: shared by every web process that shares the media."""
    return Path(settings.UPLOAD_PARTS_DIR or Path(settings.MEDIA_ROOT) / "upload-parts")


def upload_part_path(session: UploadSession) -> Path:
    return upload_parts_dir() / f"{session.pk.hex}.part"


def _s3_storage() -> Any | None:
    """The media storage when it is S3 (django-storages), else None."""
    storage = storages["default"]
    return storage if isinstance(storage, S3Storage) else None


def _s3_storage_required() -> Any:
    """The S3 media storage an S3 session's parts went to; refused if media has moved off S3 since."""
    s3 = _s3_storage()
    if s3 is None:
        raise ValidationError(
            gettext("This upload was started on object storage, which is not configured now.")
        )
    return s3


def _s3_key(storage: Any, session_id: uuid.UUID) -> str:
    """The object the parts are assembled into (removed once the video has its own copy)."""
    return str(storage._normalize_name(f"upload-parts/{session_id.hex}.part"))


# A session nobody sent a chunk to for this long is abandoned: it no longer counts towards its creator's
# limits, and the periodic job removes it with its parts.
UPLOAD_SESSION_IDLE_EXPIRY = datetime.timedelta(days=1)


class UploadSessionsLimit(Conflict):
    """The creator's open uploads already hold as many sessions, or as many declared bytes, as allowed."""


def _upload_sessions_open(*, owner: CreatorProfile) -> QuerySet[UploadSession]:
    """The creator's uploads still open: finished and cancelled ones are deleted, expired ones left out."""
    return UploadSession.objects.filter(
        owner=owner, updated_at__gte=timezone.now() - UPLOAD_SESSION_IDLE_EXPIRY
    )


def _upload_sessions_check(*, owner: CreatorProfile, size: int) -> None:
    """Refuse one more session past the per-creator caps (called with the creator's row locked)."""
    opened = _upload_sessions_open(owner=owner).aggregate(count=Count("pk"), declared=Sum("size"))
    if opened["count"] >= settings.UPLOAD_SESSIONS_MAX_OPEN:
        raise UploadSessionsLimit(
            ngettext(
                "You have %(count)s upload in progress; finish or cancel it before starting another.",
                "You have %(count)s uploads in progress; finish or cancel one before starting another.",
                opened["count"],
            )
            % {"count": opened["count"]},
            context={"code": "upload_sessions_open", "open": opened["count"]},
        )
    max_bytes = settings.UPLOAD_SESSIONS_MAX_MB * 1024 * 1024
    if (opened["declared"] or 0) + size > max_bytes:
        raise UploadSessionsLimit(
            gettext(
                "Your uploads in progress may add up to %(mb)s MB; finish or cancel one before starting this one."
            )
            % {"mb": settings.UPLOAD_SESSIONS_MAX_MB},
            context={"code": "upload_sessions_bytes", "open": opened["count"]},
        )


def upload_session_start(*, owner: CreatorProfile, filename: str, size: int) -> UploadSession:
    posting_check(user=owner.user)
    max_bytes = settings.VIDEO_MAX_UPLOAD_MB * 1024 * 1024
    if size <= 0:
        raise ValidationError({"size": gettext("The file is empty.")})
    if size > max_bytes:
        raise TooLarge(
            {"size": gettext("The file is larger than %(mb)s MB.") % {"mb": settings.VIDEO_MAX_UPLOAD_MB}}
        )
    session = UploadSession(owner=owner, filename=filename_for_display(filename), size=size)
    s3 = _s3_storage()
    # The creator's row is locked from the count to the insert: two starts at once cannot both fit.
    with transaction.atomic():
        CreatorProfile.objects.select_for_update().filter(pk=owner.pk).first()
        _upload_sessions_check(owner=owner, size=size)
        if s3 is not None:
            started = s3.connection.meta.client.create_multipart_upload(
                Bucket=s3.bucket_name, Key=_s3_key(s3, session.pk), ContentType="application/octet-stream"
            )
            session.s3_upload_id = started["UploadId"]
            try:
                session.save(force_insert=True)
            except Exception:
                _s3_abort(s3, session)  # never leave an orphan multipart upload behind
                raise
            return session
        session.save(force_insert=True)
    part = upload_part_path(session)
    part.parent.mkdir(parents=True, exist_ok=True)
    part.touch()
    return session


def upload_session_append(
    *, session: UploadSession, offset: int, stream: Readable, length: int
) -> UploadSession:
    """Append one chunk read from ``stream`` (never held whole in memory) at ``offset``.

    The bytes are read first, outside any transaction, into a file of this request's own: a slow or
    stalled client holds no lock (on SQLite a write transaction locks the whole database). Only the
    offset bookkeeping and the copy into shared storage (the part file, or the S3 part, from this
    machine's copy) run under the session's row lock, where a chunk that lost a race for the same
    offset is refused with the offset to resume from. On S3 that lock is also what keeps two racing
    chunks from both writing one part number.
    """
    if length <= 0 or length > settings.UPLOAD_CHUNK_MAX_BYTES:
        raise ValidationError(
            {
                "chunk": gettext("A chunk must be 1 byte to %(max)s bytes.")
                % {"max": settings.UPLOAD_CHUNK_MAX_BYTES}
            }
        )
    current = UploadSession.objects.get(pk=session.pk)
    _check_chunk(session=current, offset=offset, length=length)
    with _incoming(current) as incoming:
        written = _receive(stream=stream, destination=incoming, length=length)
        if written != length:
            raise ValidationError({"chunk": gettext("The chunk was shorter than its declared length.")})
        with transaction.atomic():
            locked = UploadSession.objects.select_for_update().get(pk=session.pk)
            _check_chunk(session=locked, offset=offset, length=length)
            if locked.s3_upload_id:
                _s3_put_part(session=locked, source=incoming)
            else:
                with upload_part_path(locked).open("r+b") as handle, incoming.open("rb") as chunk:
                    handle.seek(offset)
                    shutil.copyfileobj(chunk, handle, 1024 * 1024)
                    handle.truncate(offset + length)
            locked.received = offset + length
            locked.save(update_fields=["received", "s3_parts", "updated_at"])
    return locked


@contextmanager
def _incoming(session: UploadSession) -> Iterator[Path]:
    """A file of this request's own for the chunk's bytes, removed afterwards: beside the part file on
    disk (so that cancelling finds one left by a process that died reading), on this machine for S3."""
    if session.s3_upload_id:
        with tempfile.TemporaryDirectory(
            prefix="joyreel-chunk-", dir=settings.FILE_UPLOAD_TEMP_DIR
        ) as folder:
            yield Path(folder) / "chunk"
        return
    part = upload_part_path(session)
    incoming = part.with_name(f"{part.stem}.{uuid.uuid4().hex}.incoming")
    try:
        yield incoming
    finally:
        incoming.unlink(missing_ok=True)


def _s3_put_part(*, session: UploadSession, source: Path) -> None:
    """Send one chunk as the next part; an earlier try of the same part (whose process died before
    it committed) is overwritten by S3, as parts with the same number are."""
    s3 = _s3_storage_required()
    number = len(session.s3_parts) + 1
    with source.open("rb") as body:
        sent = s3.connection.meta.client.upload_part(
            Bucket=s3.bucket_name,
            Key=_s3_key(s3, session.pk),
            UploadId=session.s3_upload_id,
            PartNumber=number,
            Body=body,
        )
    session.s3_parts = [*session.s3_parts, {"PartNumber": number, "ETag": sent["ETag"]}]


def _check_chunk(*, session: UploadSession, offset: int, length: int) -> None:
    if offset != session.received:
        raise UploadOffsetMismatch(session.received)
    if session.received + length > session.size:
        raise ValidationError({"chunk": gettext("The chunk goes past the declared size.")})
    if session.s3_upload_id and length < settings.UPLOAD_PART_MIN_BYTES and offset + length < session.size:
        # S3 would refuse to assemble a short part that is not the last; say so now, not at the end.
        raise ValidationError(
            {
                "chunk": gettext("Every chunk but the last must be at least %(min)s bytes.")
                % {"min": settings.UPLOAD_PART_MIN_BYTES}
            }
        )


def _receive(*, stream: Readable, destination: Path, length: int) -> int:
    """Copy up to ``length`` bytes of ``stream`` into ``destination``; how many came before it ended."""
    written = 0
    with destination.open("wb") as handle:
        while written < length:
            try:
                data = stream.read(min(1024 * 1024, length - written))
            except OSError as error:  # the client stopped sending (a read timed out) or went away
                raise ValidationError(
                    gettext("The chunk stopped arriving; resume from the last offset.")
                ) from error
            if not data:
                break
            handle.write(data)
            written += len(data)
    return written


class _AssembledUpload(UploadedFile[bytes]):
    """The finished part file, handed to ``video_upload`` as Django hands it a streamed upload."""

    def __init__(self, *, path: Path, name: str, size: int) -> None:
        super().__init__(path.open("rb"), name=name, content_type="application/octet-stream", size=size)
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)

    def close(self) -> None:
        with suppress(FileNotFoundError):  # moved into storage already
            if self.file is not None:
                self.file.close()


def upload_session_finish(*, session: UploadSession) -> Video:
    """Turn a complete upload into a video (checked like any upload); the session ends either way."""
    session.refresh_from_db()
    if session.received != session.size:
        raise ValidationError(
            {
                "file": gettext("The upload is not complete (%(received)s of %(size)s bytes).")
                % {"received": session.received, "size": session.size}
            }
        )
    with _assembled(session) as part:
        upload = _AssembledUpload(path=part, name=session.filename, size=session.size)
        try:
            return video_upload(owner=session.owner, upload=upload)
        finally:
            upload.close()
            _part_files_delete(session)
            UploadSession.objects.filter(pk=session.pk).delete()


@contextmanager
def _assembled(session: UploadSession) -> Iterator[Path]:
    """The whole upload as a local file: the part file itself, or S3's assembled object fetched here
    (ffmpeg probes a path), the object and the multipart upload gone from the bucket afterwards."""
    if not session.s3_upload_id:
        yield upload_part_path(session)
        return
    s3 = _s3_storage_required()
    client, key = s3.connection.meta.client, _s3_key(s3, session.pk)
    try:
        client.complete_multipart_upload(
            Bucket=s3.bucket_name,
            Key=key,
            UploadId=session.s3_upload_id,
            MultipartUpload={"Parts": session.s3_parts},
        )
        with tempfile.TemporaryDirectory(
            prefix="joyreel-upload-", dir=settings.FILE_UPLOAD_TEMP_DIR
        ) as folder:
            local = Path(folder) / "upload"
            client.download_file(s3.bucket_name, key, str(local))
            yield local
    finally:
        _s3_abort(s3, session)


def _s3_abort(s3: Any, session: UploadSession) -> None:
    """Drop the multipart upload's parts and any assembled object: nothing of the session stays."""
    client, key = s3.connection.meta.client, _s3_key(s3, session.pk)
    with suppress(ClientError):  # already completed or aborted
        client.abort_multipart_upload(Bucket=s3.bucket_name, Key=key, UploadId=session.s3_upload_id)
    client.delete_object(Bucket=s3.bucket_name, Key=key)


def upload_session_cancel(*, session: UploadSession) -> None:
    if not session.s3_upload_id:
        _part_files_delete(session)
    elif (s3 := _s3_storage()) is not None:
        _s3_abort(s3, session)
    UploadSession.objects.filter(pk=session.pk).delete()


def _part_files_delete(session: UploadSession) -> None:
    part = upload_part_path(session)
    for incoming in part.parent.glob(f"{part.stem}.*.incoming"):  # left by a process that died reading
        incoming.unlink(missing_ok=True)
    part.unlink(missing_ok=True)


def upload_sessions_expire(*, older_than: datetime.timedelta = UPLOAD_SESSION_IDLE_EXPIRY) -> int:
    stale = list(UploadSession.objects.filter(updated_at__lt=timezone.now() - older_than))
    for session in stale:
        upload_session_cancel(session=session)
    return len(stale)
