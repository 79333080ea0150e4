"""Writes of the creators app: profiles, follows, and every move of a video through its media states.

The video state machine lives here and only here:

    uploaded -> processing -> draft -> publishing -> published
    (any working state) -> failed -> (retry) back to the step that failed

Long media work runs in Celery tasks (``creators.tasks``) that call ``video_process``
and ``video_render``; those lock the row to move states, do the slow work outside
any transaction, and lock again to store the result, so a worker that dies half
way leaves a video that ``videos_recover_stuck`` puts back in the queue.
"""

from __future__ import annotations

import datetime
import logging
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from creators import hooks, images, media
from creators.models import CreatorProfile, Follow, Hashtag, Topic, UploadSession, Video, VideoTopic
from platform import age
from platform.errors import Conflict, TooLarge
from platform.models import User
from platform.services import audit_record

logger = logging.getLogger(__name__)

RESERVED_HANDLES = frozenset(
    {
        "about", "accounts", "admin", "api", "help", "home", "joyreel", "login", "logout", "me",
        "media", "moderator", "news", "official", "root", "settings", "signup", "static", "staff",
        "stem", "studio", "support", "system", "www",
    }
)  # fmt: skip
HASHTAG_RE = re.compile(r"#(\w{1,50})", re.UNICODE)
MAX_HASHTAGS = 30
MAX_LINKS = 5
MIN_TRIM_SECONDS = 1.0
MAX_ATTEMPTS = 3
GAVE_UP = "Processing stopped several times. Please retry, or upload the video again."
State = Video.State


# --- profiles and follows ------------------------------------------------------


def _links_clean(links: Iterable[str]) -> list[str]:
    from django.core.validators import URLValidator

    cleaned = [link.strip() for link in links if link and link.strip()]
    if len(cleaned) > MAX_LINKS:
        raise ValidationError({"links": f"At most {MAX_LINKS} links."})
    validate = URLValidator(schemes=["http", "https"])
    for link in cleaned:
        try:
            validate(link)
        except ValidationError as error:
            raise ValidationError({"links": f"“{link[:80]}” is not a web address."}) from error
    return cleaned


def _handle_clean(handle: str) -> str:
    handle = handle.strip().lstrip("@")
    if handle.casefold() in RESERVED_HANDLES:
        raise ValidationError({"handle": "That handle is reserved."})
    return handle


def creator_profile_create(
    *,
    user: User,
    handle: str,
    display_name: str,
    bio: str = "",
    links: Iterable[str] = (),
    region: str = "",
) -> CreatorProfile:
    profile = CreatorProfile(
        user=user,
        handle=_handle_clean(handle),
        display_name=display_name.strip(),
        bio=bio.strip(),
        links=_links_clean(links),
        region=region or user.region,
    )
    if CreatorProfile.objects.filter(handle__iexact=profile.handle).exists():
        raise ValidationError({"handle": "That handle is taken."})
    profile.full_clean(exclude=["user", "avatar_small", "avatar_large"])
    if CreatorProfile.objects.filter(user=user).exists():
        raise ValidationError("You already have a creator profile.")
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as error:
        raise ValidationError({"handle": "That handle is taken."}) from error
    return profile


def creator_profile_update(
    *, profile: CreatorProfile, display_name: str, bio: str, links: Iterable[str], region: str
) -> CreatorProfile:
    profile.display_name = display_name.strip()
    profile.bio = bio.strip()
    profile.links = _links_clean(links)
    profile.region = region
    profile.full_clean(exclude=["user", "avatar_small", "avatar_large", "handle"])
    profile.save(update_fields=["display_name", "bio", "links", "region"])
    return profile


def creator_avatar_set(*, profile: CreatorProfile, data: IO[bytes]) -> CreatorProfile:
    try:
        sizes = images.avatar_process(data=data)
    except images.ImageRejected as error:
        raise ValidationError({"avatar": error.reason}) from error
    small_size, large_size = images.AVATAR_SIZES
    old = [profile.avatar_small.name, profile.avatar_large.name]
    profile.avatar_small.save(f"{small_size}.jpg", ContentFile(sizes[small_size]), save=False)
    profile.avatar_large.save(f"{large_size}.jpg", ContentFile(sizes[large_size]), save=False)
    profile.save(update_fields=["avatar_small", "avatar_large"])
    transaction.on_commit(lambda: _files_delete(profile.avatar_small.storage, old))
    return profile


def follow_create(*, follower: User, creator: CreatorProfile) -> Follow:
    if creator.user_id == follower.pk:
        raise ValidationError("You can't follow yourself.")
    status = Follow.Status.PENDING if creator.user.is_private else Follow.Status.APPROVED
    with transaction.atomic():
        follow, created = Follow.objects.get_or_create(
            follower=follower, creator=creator, defaults={"status": status}
        )
        if created and status == Follow.Status.APPROVED:
            CreatorProfile.objects.filter(pk=creator.pk).update(follower_count=F("follower_count") + 1)
    return follow


def follow_delete(*, follower: User, creator: CreatorProfile) -> None:
    with transaction.atomic():
        follow = Follow.objects.select_for_update().filter(follower=follower, creator=creator).first()
        if follow is None:
            return
        follow.delete()
        if follow.status == Follow.Status.APPROVED:
            CreatorProfile.objects.filter(pk=creator.pk).update(follower_count=F("follower_count") - 1)


def follow_approve(*, creator: CreatorProfile, follow_id: int) -> Follow:
    with transaction.atomic():
        follow = Follow.objects.select_for_update().get(pk=follow_id, creator=creator)
        if follow.status != Follow.Status.APPROVED:
            follow.status = Follow.Status.APPROVED
            follow.save(update_fields=["status"])
            CreatorProfile.objects.filter(pk=creator.pk).update(follower_count=F("follower_count") + 1)
    return follow


# --- videos: upload ---------------------------------------------------------------


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


def _probe_fields(info: media.ProbeResult) -> dict[str, Any]:
    return {
        "duration": info.duration,
        "width": info.width,
        "height": info.height,
        "rotation": info.rotation,
        "fps": info.fps,
        "video_codec": info.video_codec[:20],
        "pixel_format": info.pixel_format[:20],
        "container": info.container,
        "has_audio": info.has_audio,
        "audio_codec": (info.audio_codec or "")[:20],
    }


def video_upload(*, owner: CreatorProfile, upload: UploadedFile[bytes]) -> Video:
    """Check an uploaded file by its content, keep it under a server-made name, and queue processing."""
    max_bytes = settings.VIDEO_MAX_UPLOAD_MB * 1024 * 1024
    if not upload.size:
        raise ValidationError({"file": "The file is empty."})
    if upload.size > max_bytes:
        raise ValidationError({"file": f"The file is larger than {settings.VIDEO_MAX_UPLOAD_MB} MB."})
    with _upload_on_disk(upload) as path:
        try:
            container = media.sniff_container(path=path)
            info = media.probe(
                path=path, max_seconds=settings.VIDEO_MAX_SECONDS, max_pixels=settings.VIDEO_MAX_PIXELS
            )
        except media.MediaError as error:
            raise ValidationError({"file": error.reason}) from error
        video = Video(
            owner=owner,
            original_filename=filename_for_display(upload.name or ""),
            original_size=upload.size,
            trim_end=info.duration,
            **_probe_fields(info),
        )
    extension = "mp4" if container == "mov" else "mkv"
    # A streamed upload is moved into storage, not copied.
    video.original.save(f"original.{extension}", upload, save=False)
    try:
        with transaction.atomic():
            video.save()
            transaction.on_commit(lambda: _enqueue_process(video.pk))
    except Exception:
        video.original.delete(save=False)  # never leave an orphan file behind
        raise
    return video


def _enqueue_process(video_id: int) -> None:
    from creators.tasks import video_process_task

    video_process_task.delay(video_id=video_id)


def _enqueue_render(video_id: int) -> None:
    from creators.tasks import video_render_task

    video_render_task.delay(video_id=video_id)


# --- videos: processing (worker side) ------------------------------------------------


@contextmanager
def _local_path(field_file: FieldFile) -> Iterator[Path]:
    """A local path for a stored file: the file itself on disk storage, else a temporary copy."""
    name = field_file.name or ""
    try:
        local = field_file.storage.path(name)
    except NotImplementedError:
        local = None
    if local is not None:
        yield Path(local)
        return
    suffix = Path(name).suffix
    with tempfile.NamedTemporaryFile(prefix="joyreel-media-", suffix=suffix) as handle:
        with field_file.storage.open(name, "rb") as source:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                handle.write(chunk)
        handle.flush()
        yield Path(handle.name)


def _files_delete(storage: Any, names: Iterable[str | None]) -> None:
    for name in names:
        if name:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not delete media file %s", name)


def _store(video: Video, field: str, source: Path, filename: str) -> str:
    storage = getattr(video, field).storage
    with source.open("rb") as handle:
        return str(storage.save(f"videos/{video.public_id.hex}/{filename}", File(handle)))


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
        with _local_path(video.original) as source, tempfile.TemporaryDirectory() as workdir:
            info = media.probe(
                path=source, max_seconds=settings.VIDEO_MAX_SECONDS, max_pixels=settings.VIDEO_MAX_PIXELS
            )
            poster_path, preview_path = Path(workdir) / "poster.jpg", Path(workdir) / "preview.mp4"
            media.make_poster(source=source, destination=poster_path, probe=info)
            media.make_preview(source=source, destination=preview_path, probe=info)
            poster_name = _store(video, "poster", poster_path, f"poster-{token}.jpg")
            preview_name = _store(video, "preview", preview_path, f"preview-{token}.mp4")
    except media.MediaError as error:
        video_fail(video_id=video_id, step=State.PROCESSING, reason=error.reason)
        return
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=video_id)
        if video.state != State.PROCESSING:  # deleted work or a newer run finished first
            transaction.on_commit(lambda: _files_delete(video.poster.storage, [poster_name, preview_name]))
            return
        old = [video.poster.name, video.preview.name]
        for key, value in _probe_fields(info).items():
            setattr(video, key, value)
        video.poster.name, video.preview.name = poster_name, preview_name
        if video.trim_end is None or video.trim_end > info.duration:
            video.trim_start, video.trim_end = 0.0, info.duration
        video.state, video.failed_step, video.failure_reason = State.DRAFT, "", ""
        video.work_started_at = None
        video.save()
        if any(old):
            transaction.on_commit(lambda: _files_delete(video.poster.storage, old))


def video_fail(*, video_id: int, step: str, reason: str) -> None:
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None:
            return
        if step == "retrim":
            # The live rendition stays; only the re-trim is dropped.
            video.pending_trim_start = video.pending_trim_end = None
            video.failed_step, video.failure_reason = (
                "retrim",
                f"The new trim could not be made: {reason}"[:300],
            )
        else:
            video.state, video.failed_step, video.failure_reason = State.FAILED, step, reason[:300]
        video.work_started_at = None
        video.save()


# --- videos: details, publishing -----------------------------------------------------


def hashtags_parse(caption: str) -> list[str]:
    seen: dict[str, None] = {}
    for match in HASHTAG_RE.finditer(caption):
        seen.setdefault(match.group(1).casefold(), None)
    return list(seen)[:MAX_HASHTAGS]


def video_update_details(
    *,
    video: Video,
    caption: str,
    topic_slugs: Iterable[str],
    visibility: str,
    content_level: str,
) -> Video:
    if visibility not in Video.Visibility.values:
        raise ValidationError({"visibility": "Choose who can see the video."})
    if content_level not in Video.ContentLevel.values:
        raise ValidationError({"content_level": "Choose a content level."})
    if (
        content_level == Video.ContentLevel.MATURE
        and not age.policy_for_user(video.owner.user).may_see_mature_content
    ):
        raise ValidationError({"content_level": "Only adults can post mature content."})
    slugs = set(topic_slugs)
    topics = {topic.slug: topic for topic in Topic.objects.filter(slug__in=slugs)}
    if unknown := slugs - topics.keys():
        raise ValidationError({"topics": f"Unknown topic: {', '.join(sorted(unknown))}."})
    caption = caption.strip()
    if len(caption) > 2200:
        raise ValidationError({"caption": "The caption is longer than 2,200 characters."})
    with transaction.atomic():
        transaction.on_commit(partial(hooks.video_changed, video.pk))
        video.caption, video.visibility, video.content_level = caption, visibility, content_level
        video.save(update_fields=["caption", "visibility", "content_level", "updated_at"])
        names = hashtags_parse(caption)
        Hashtag.objects.bulk_create([Hashtag(name=name) for name in names], ignore_conflicts=True)
        video.hashtags.set(Hashtag.objects.filter(name__in=names))
        VideoTopic.objects.filter(video=video).exclude(topic__slug__in=slugs).delete()
        existing = set(VideoTopic.objects.filter(video=video).values_list("topic__slug", flat=True))
        VideoTopic.objects.bulk_create(
            [
                VideoTopic(
                    video=video,
                    topic=topic,
                    review_state=VideoTopic.Review.PENDING
                    if topic.is_curated
                    else VideoTopic.Review.APPROVED,
                )
                for slug, topic in topics.items()
                if slug not in existing
            ]
        )
    return video


def trim_validate(*, video: Video, start: float, end: float) -> tuple[float, float]:
    if video.duration is None:
        raise ValidationError("The video is still being processed.")
    start, end = round(float(start), 3), round(float(end), 3)
    if not (0 <= start < video.duration) or not (0 < end <= video.duration + 0.001):
        raise ValidationError({"trim": f"The range must lie within the video (0–{video.duration:.2f} s)."})
    if end <= start:
        raise ValidationError({"trim": "The end must come after the start."})
    if end - start < MIN_TRIM_SECONDS:
        raise ValidationError({"trim": f"The trimmed video must be at least {MIN_TRIM_SECONDS:g} s long."})
    return start, min(end, video.duration)


def video_publish(*, video: Video, start: float, end: float) -> Video:
    """Publish the chosen range (first time), or re-trim a published video without taking it down."""
    start, end = trim_validate(video=video, start=start, end=end)
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        if locked.state == State.DRAFT:
            locked.state, locked.trim_start, locked.trim_end = State.PUBLISHING, start, end
            locked.failed_step = locked.failure_reason = ""
        elif locked.state == State.PUBLISHED:
            if (start, end) == (locked.trim_start, locked.trim_end) and locked.pending_trim_end is None:
                return locked
            locked.pending_trim_start, locked.pending_trim_end = start, end
            locked.failed_step = locked.failure_reason = ""
        else:
            raise ValidationError(
                f"A video that is {locked.get_state_display().lower()} can't be published now."
            )
        locked.save()
        transaction.on_commit(lambda: _enqueue_render(locked.pk))
    return locked


def video_render(*, video_id: int) -> None:
    """Encode the chosen range once into a new rendition and swap it in."""
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None:
            return
        step: str
        if video.state == State.PUBLISHING:
            start, end, step = video.trim_start, video.trim_end, State.PUBLISHING.value
        elif video.state == State.PUBLISHED and video.pending_trim_end is not None:
            start, end, step = video.pending_trim_start or 0.0, video.pending_trim_end, "retrim"
        else:
            return
        assert end is not None
        video.attempts = F("attempts") + 1
        video.work_started_at = timezone.now()
        video.save(update_fields=["attempts", "work_started_at", "updated_at"])
        version = video.rendition_version + 1
    try:
        with _local_path(video.original) as source, tempfile.TemporaryDirectory() as workdir:
            info = video.probe_result() or media.probe(
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
            name = _store(video, "rendition", output, f"rendition-{version}-{uuid.uuid4().hex[:6]}.mp4")
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
            transaction.on_commit(lambda: _files_delete(video.rendition.storage, [name]))
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
            transaction.on_commit(lambda: _files_delete(video.rendition.storage, [old]))


def video_retry(*, video: Video) -> Video:
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        if locked.state != State.FAILED:
            raise ValidationError("Only a failed video can be retried.")
        if locked.failed_step == State.PUBLISHING:
            locked.state, enqueue = State.PUBLISHING, _enqueue_render
        else:
            locked.state, enqueue = State.UPLOADED, _enqueue_process
        locked.failed_step = locked.failure_reason = ""
        locked.attempts = 0
        locked.save()
        transaction.on_commit(lambda: enqueue(locked.pk))
    return locked


def video_delete(*, video: Video) -> None:
    storage = video.original.storage
    names = [video.original.name, video.poster.name, video.preview.name, video.rendition.name]
    video_id = video.pk
    with transaction.atomic():
        Video.objects.filter(pk=video_id).delete()
        transaction.on_commit(partial(hooks.video_changed, video_id))
        transaction.on_commit(lambda: _files_delete(storage, names))


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
                step: str = "retrim" if video.state == State.PUBLISHED else video.state
                transaction.on_commit(partial(video_fail, video_id=video.pk, step=step, reason=GAVE_UP))
                continue
            video.work_started_at = None
            if video.state == State.PROCESSING:
                video.state = State.UPLOADED
                enqueue = _enqueue_process
            else:
                enqueue = _enqueue_render
            video.save(update_fields=["state", "work_started_at", "updated_at"])
            transaction.on_commit(partial(enqueue, video.pk))
            recovered += 1
    return recovered


def videotopic_review(*, actor: User, video_topic: VideoTopic, approve: bool) -> VideoTopic:
    with transaction.atomic():
        locked = VideoTopic.objects.select_for_update().get(pk=video_topic.pk)
        state = VideoTopic.Review.APPROVED if approve else VideoTopic.Review.REJECTED
        if locked.review_state == state:
            return locked
        transaction.on_commit(partial(hooks.video_changed, locked.video_id))
        locked.review_state, locked.reviewed_by, locked.reviewed_at = state, actor, timezone.now()
        locked.save(update_fields=["review_state", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=actor,
            action=f"topic.{state}",
            target=locked.video,
            detail={"topic": locked.topic.slug},
        )
    return locked


def video_moderate(*, actor: User, video: Video, state: str, reason: str) -> Video:
    if state not in Video.Moderation.values:
        raise ValidationError({"moderation_state": "Unknown moderation state."})
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        before = locked.moderation_state
        locked.moderation_state, locked.moderation_reason = state, reason[:300]
        locked.save(update_fields=["moderation_state", "moderation_reason", "updated_at"])
        transaction.on_commit(partial(hooks.video_changed, locked.pk))
        audit_record(
            actor=actor,
            action=f"video.{state}",
            target=locked,
            detail={"from": before, "reason": reason[:300]},
        )
    return locked


def video_trim_set(*, video: Video, start: float, end: float) -> Video:
    """Remember the chosen range of a draft without publishing it."""
    start, end = trim_validate(video=video, start=start, end=end)
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        if locked.state != State.DRAFT:
            return locked
        locked.trim_start, locked.trim_end = start, end
        locked.save(update_fields=["trim_start", "trim_end", "updated_at"])
    return locked


# --- resumable uploads ------------------------------------------------------------------


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
    """Append one chunk read from ``stream`` (never held whole in memory) at ``offset``."""
    if length <= 0 or length > settings.UPLOAD_CHUNK_MAX_BYTES:
        raise ValidationError(
            {"chunk": f"A chunk must be 1 byte to {settings.UPLOAD_CHUNK_MAX_BYTES} bytes."}
        )
    with transaction.atomic():
        locked = UploadSession.objects.select_for_update().get(pk=session.pk)
        if offset != locked.received:
            raise UploadOffsetMismatch(locked.received)
        if locked.received + length > locked.size:
            raise ValidationError({"chunk": "The chunk goes past the declared size."})
        part = upload_part_path(locked)
        written = 0
        with part.open("r+b") as handle:
            handle.seek(offset)
            while written < length:
                data = stream.read(min(1024 * 1024, length - written))
                if not data:
                    break
                handle.write(data)
                written += len(data)
            handle.truncate(offset + written)
        if written != length:
            raise ValidationError({"chunk": "The chunk was shorter than its declared length."})
        locked.received = offset + written
        locked.save(update_fields=["received", "updated_at"])
    return locked


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
    upload_part_path(session).unlink(missing_ok=True)
    UploadSession.objects.filter(pk=session.pk).delete()


def upload_sessions_expire(*, older_than: datetime.timedelta) -> int:
    stale = list(UploadSession.objects.filter(updated_at__lt=timezone.now() - older_than))
    for session in stale:
        upload_session_cancel(session=session)
    return len(stale)
