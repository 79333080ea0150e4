"""Resumable uploads: a session takes chunks at the offset it has reached, then becomes a video like any upload."""

from __future__ import annotations

import datetime
import shutil
import uuid
from contextlib import suppress
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from creators.models import CreatorProfile, UploadSession, Video
from creators.services.decisions import posting_check
from creators.services.uploads import filename_for_display, video_upload
from platform.errors import Conflict, TooLarge


class Readable(Protocol):
    """A request body or a file: anything to read a chunk from."""

    def read(self, size: int = ..., /) -> bytes: ...


class UploadOffsetMismatch(Conflict):
    """A chunk arrived for the wrong offset; the client should resume from ``received``."""

    def __init__(self, received: int) -> None:
        super().__init__(
            f"Expected the chunk at byte {received}.", code="offset", context={"received": received}
        )
        self.received = received


def upload_part_path(session: UploadSession) -> Path:
    return Path(settings.UPLOAD_PARTS_DIR) / f"{session.pk.hex}.part"


def upload_session_start(*, owner: CreatorProfile, filename: str, size: int) -> UploadSession:
    posting_check(user=owner.user)
    max_bytes = settings.VIDEO_MAX_UPLOAD_MB * 1024 * 1024
    if size <= 0:
        raise ValidationError({"size": "The file is empty."})
    if size > max_bytes:
        raise TooLarge({"size": f"The file is larger than {settings.VIDEO_MAX_UPLOAD_MB} MB."})
    session = UploadSession.objects.create(owner=owner, filename=filename_for_display(filename), size=size)
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
    offset bookkeeping and a local copy into the part file run under the session's row lock, where a
    chunk that lost a race for the same offset is refused with the offset to resume from.
    """
    if length <= 0 or length > settings.UPLOAD_CHUNK_MAX_BYTES:
        raise ValidationError(
            {"chunk": f"A chunk must be 1 byte to {settings.UPLOAD_CHUNK_MAX_BYTES} bytes."}
        )
    _check_chunk(session=UploadSession.objects.get(pk=session.pk), offset=offset, length=length)
    part = upload_part_path(session)
    incoming = part.with_name(f"{part.stem}.{uuid.uuid4().hex}.incoming")
    try:
        written = _receive(stream=stream, destination=incoming, length=length)
        if written != length:
            raise ValidationError({"chunk": "The chunk was shorter than its declared length."})
        with transaction.atomic():
            locked = UploadSession.objects.select_for_update().get(pk=session.pk)
            _check_chunk(session=locked, offset=offset, length=length)
            with part.open("r+b") as handle, incoming.open("rb") as chunk:
                handle.seek(offset)
                shutil.copyfileobj(chunk, handle, 1024 * 1024)
                handle.truncate(offset + length)
            locked.received = offset + length
            locked.save(update_fields=["received", "updated_at"])
    finally:
        incoming.unlink(missing_ok=True)
    return locked


def _check_chunk(*, session: UploadSession, offset: int, length: int) -> None:
    if offset != session.received:
        raise UploadOffsetMismatch(session.received)
    if session.received + length > session.size:
        raise ValidationError({"chunk": "The chunk goes past the declared size."})


def _receive(*, stream: Readable, destination: Path, length: int) -> int:
    """Copy up to ``length`` bytes of ``stream`` into ``destination``; how many came before it ended."""
    written = 0
    with destination.open("wb") as handle:
        while written < length:
            try:
                data = stream.read(min(1024 * 1024, length - written))
            except OSError as error:  # the client stopped sending (a read timed out) or went away
                raise ValidationError("The chunk stopped arriving; resume from the last offset.") from error
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
            {"file": f"The upload is not complete ({session.received} of {session.size} bytes)."}
        )
    part = upload_part_path(session)
    upload = _AssembledUpload(path=part, name=session.filename, size=session.size)
    try:
        return video_upload(owner=session.owner, upload=upload)
    finally:
        upload.close()
        part.unlink(missing_ok=True)
        UploadSession.objects.filter(pk=session.pk).delete()


def upload_session_cancel(*, session: UploadSession) -> None:
    part = upload_part_path(session)
    for incoming in part.parent.glob(f"{part.stem}.*.incoming"):  # left by a process that died reading
        incoming.unlink(missing_ok=True)
    part.unlink(missing_ok=True)
    UploadSession.objects.filter(pk=session.pk).delete()


def upload_sessions_expire(*, older_than: datetime.timedelta) -> int:
    stale = list(UploadSession.objects.filter(updated_at__lt=timezone.now() - older_than))
    for session in stale:
        upload_session_cancel(session=session)
    return len(stale)
