"""Upload -> processing -> draft -> publish, through the studio pages and the API, with real clips."""

import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from creators import hooks, media, services
from creators.models import Video
from creators.services import scheduling
from creators.tasks import video_process_task
from devtools import testclips
from tests.clips import Clips
from tests.conftest import stored_files
from tests.factories import CreatorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db
State = Video.State


@pytest.fixture
def creator(client):
    profile = CreatorFactory.create()
    client.force_login(profile.user)
    return profile


def enqueued(callbacks) -> list[object]:
    """The on-commit callbacks that queue media work (not the notices to the feeds' catalog, nor the
    follow-up of going live: the catalog and the followers' notifications)."""
    notices = (hooks.video_changed, scheduling.video_went_live)
    return [callback for callback in callbacks if getattr(callback, "func", None) not in notices]


def upload(client, path: Path, name: str | None = None, content_type: str = "video/mp4"):
    with path.open("rb") as handle:
        file = SimpleUploadedFile(name or path.name, handle.read(), content_type=content_type)
    return client.post(reverse("creators:studio_upload"), {"file": file})


def test_upload_processes_to_a_draft_with_poster_and_preview(
    client, creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks, media_root
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client, clips.portrait, name="My holiday.MOV")
    assert len(callbacks) == 1
    video = Video.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("creators:studio_video", args=[video.public_id])
    assert video.state == State.DRAFT
    assert (video.width, video.height, video.fps, video.has_audio) == (320, 568, 30.0, True)
    assert video.duration == pytest.approx(3.0, abs=0.05)
    assert (video.trim_start, video.trim_end) == (0.0, video.duration)
    assert video.original.name == f"videos/{video.public_id.hex}/original.mp4"
    assert video.original_filename == "My holiday.MOV"
    with Image.open(video.poster.path) as poster:
        assert poster.format == "JPEG"
        assert poster.height > poster.width
    preview = media.probe(path=Path(video.preview.path), max_seconds=60, max_pixels=10**7)
    assert (preview.video_codec, preview.is_browser_playable) == ("h264", True)
    # The draft starts untitled: the file name is where it came from, not its caption.
    editor = client.get(response.url).content.decode()
    assert "<h1>Untitled draft</h1>" in editor
    assert "Uploaded from My holiday.MOV" in editor
    assert video.caption == ""
    assert len(stored_files(media_root)) == 4  # original, poster, preview, filmstrip


def test_rotated_phone_video_comes_out_upright(
    creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        video = services.video_upload(owner=creator, upload=_file(clips.rotated))
    video.refresh_from_db()
    assert (video.width, video.height, video.rotation) == (320, 568, 90)
    with django_capture_on_commit_callbacks(execute=True):
        services.video_publish(video=video, start=0, end=2)
    video.refresh_from_db()
    output = media.probe(path=Path(video.rendition.path), max_seconds=60, max_pixels=10**7)
    assert (output.width, output.height, output.rotation) == (320, 568, 0)


def test_a_browser_unplayable_codec_gets_a_transcoded_preview(
    creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        video = services.video_upload(owner=creator, upload=_file(clips.mpeg4))
    video.refresh_from_db()
    assert video.state == State.DRAFT
    assert video.video_codec == "mpeg4"
    preview = media.probe(path=Path(video.preview.path), max_seconds=60, max_pixels=10**7)
    assert preview.video_codec == "h264"


def _file(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="video/mp4")


def _draft(creator, clip: Path, eager, capture) -> Video:
    with capture(execute=True):
        video = services.video_upload(owner=creator, upload=_file(clip))
    video.refresh_from_db()
    assert video.state == State.DRAFT
    return video


def test_publish_from_the_editor_encodes_the_chosen_range_once(
    client, creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks, media_root
):
    video = _draft(creator, clips.landscape, eager_tasks, django_capture_on_commit_callbacks)
    url = reverse("creators:studio_video", args=[video.public_id])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            url,
            {
                "caption": "Trimmed #test",
                "topics": ["comedy"],
                "visibility": "public",
                "content_level": "general",
                "start": "0.5",
                "end": "2.5",
                "action": "publish",
            },
        )
    assert response.status_code == 302
    assert len(enqueued(callbacks)) == 1  # exactly one render enqueued
    video.refresh_from_db()
    assert video.state == State.PUBLISHED
    assert (video.trim_start, video.trim_end, video.rendition_version) == (0.5, 2.5, 1)
    rendition = Path(video.rendition.path)
    assert testclips.count_video_frames(path=rendition) == 60
    assert testclips.audio_duration(path=rendition) == pytest.approx(2.0, abs=0.05)
    assert video.rendition_duration == pytest.approx(2.0, abs=0.05)
    assert video.published_at is not None
    assert [tag.name for tag in video.hashtags.all()] == ["test"]

    # Viewers get it with byte ranges, as a <video> element asks.
    ranged = client.get(
        reverse("creators:video_file", args=[video.public_id, "video"]), HTTP_RANGE="bytes=0-99"
    )
    assert ranged.status_code == 206
    assert ranged["Content-Range"] == f"bytes 0-99/{rendition.stat().st_size}"
    assert b"".join(ranged.streaming_content) == rendition.read_bytes()[:100]


def test_retrim_of_a_published_video_keeps_the_old_rendition_live_until_the_new_one_is_ready(
    creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks, media_root
):
    video = _draft(creator, clips.landscape, eager_tasks, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.video_publish(video=video, start=0, end=3)
    video.refresh_from_db()
    first = video.rendition.name
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.video_publish(video=video, start=1, end=2.5)
    video.refresh_from_db()
    # Before the worker runs: still published, the old file still served.
    assert (video.state, video.rendition.name, video.pending_trim_end) == (State.PUBLISHED, first, 2.5)
    assert Path(video.rendition.path).exists()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in pending:
            callback()
    video.refresh_from_db()
    assert (video.trim_start, video.trim_end, video.pending_trim_end) == (1.0, 2.5, None)
    assert video.rendition.name != first
    assert video.rendition_version == 2
    assert testclips.count_video_frames(path=Path(video.rendition.path)) == 45
    assert first
    assert not (Path(media_root) / first).exists()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-1, 2, "within the video"),
        (0, 9, "within the video"),
        (2, 1, "The end must come after the start."),
        (1, 1.5, "at least 1 s long"),
        (4, 5, "within the video"),
    ],
)
def test_bad_trim_ranges_are_refused_and_nothing_changes(
    creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks, start, end, message
):
    video = _draft(creator, clips.landscape, eager_tasks, django_capture_on_commit_callbacks)
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(ValidationError, match=message),
    ):
        services.video_publish(video=video, start=start, end=end)
    assert callbacks == []
    video.refresh_from_db()
    assert (video.state, video.trim_start, video.trim_end, video.rendition.name) == (
        State.DRAFT,
        0.0,
        video.duration,
        "",
    )


def test_a_failed_step_keeps_the_original_and_can_be_retried(
    client, creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks, media_root
):
    with django_capture_on_commit_callbacks(execute=False):
        video = services.video_upload(owner=creator, upload=_file(clips.landscape))
    original = Path(video.original.path)
    good = original.read_bytes()
    original.write_bytes(good[: len(good) // 3])  # the stored original is damaged on disk
    video_process_task(video_id=video.pk)
    video.refresh_from_db()
    assert video.state == State.FAILED
    assert video.failed_step == State.PROCESSING
    assert "incomplete or damaged" in video.failure_reason
    studio = client.get(reverse("creators:studio")).content.decode()
    assert "incomplete or damaged" in studio
    original.write_bytes(good)  # the storage recovers
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("creators:studio_video_retry", args=[video.public_id]), {"next": "edit"}
        )
    assert response.status_code == 302
    assert response.url == reverse("creators:studio_video", args=[video.public_id])
    video.refresh_from_db()
    assert (video.state, video.failure_reason) == (State.DRAFT, "")


def test_a_processing_task_for_a_gone_or_finished_video_does_nothing(
    creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    video_process_task(video_id=987654)  # gone: returns quietly
    video = _draft(creator, clips.landscape, eager_tasks, django_capture_on_commit_callbacks)
    poster = video.poster.name
    video_process_task(video_id=video.pk)  # already done: nothing is redone
    video.refresh_from_db()
    assert (video.state, video.poster.name) == (State.DRAFT, poster)


def test_stuck_work_is_requeued_by_the_recovery_job(
    creator, clips: Clips, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        video = services.video_upload(owner=creator, upload=_file(clips.landscape))
    Video.objects.filter(pk=video.pk).update(
        state=State.PROCESSING, attempts=1, work_started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.videos_recover_stuck(older_than=datetime.timedelta(minutes=30)) == 1
    assert len(callbacks) == 1
    video.refresh_from_db()
    assert (video.state, video.work_started_at) == (State.UPLOADED, None)


def test_a_stuck_video_can_be_retried_once_its_lease_has_expired(
    client, creator, clips: Clips, settings, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        video = services.video_upload(owner=creator, upload=_file(clips.landscape))
    started = timezone.now() - datetime.timedelta(minutes=10)
    lease = datetime.timedelta(seconds=settings.VIDEO_WORK_LEASE_SECONDS)
    retry_url = reverse("api-studio-retry", args=[video.public_id])
    # A live worker refreshed the lease a moment ago: not stuck, and retry changes nothing.
    fresh = timezone.now() - lease + datetime.timedelta(seconds=5)
    Video.objects.filter(pk=video.pk).update(
        state=State.PROCESSING, attempts=1, work_started_at=started, work_heartbeat_at=fresh
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        refused = client.post(retry_url)
    assert refused.status_code == 400
    assert refused.json() == {"detail": "Only a failed or stuck video can be retried.", "code": "invalid"}
    assert callbacks == []
    video.refresh_from_db()
    assert (video.state, video.attempts, video.work_heartbeat_at) == (State.PROCESSING, 1, fresh)
    assert 'data-role="retry" hidden>' in client.get(reverse("creators:studio")).content.decode()

    # The lease ran out (the worker died): the studio offers a retry and the API re-queues the work.
    stale = timezone.now() - lease - datetime.timedelta(seconds=1)
    Video.objects.filter(pk=video.pk).update(work_heartbeat_at=stale)
    assert 'data-role="retry">' in client.get(reverse("creators:studio")).content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        accepted = client.post(retry_url)
    assert accepted.status_code == 202
    assert accepted.json()["state"] == State.UPLOADED
    assert len(enqueued(callbacks)) == 1
    video.refresh_from_db()
    assert (video.state, video.attempts, video.work_started_at, video.work_heartbeat_at) == (
        State.UPLOADED,
        0,
        None,
        None,
    )


def test_deleting_a_video_removes_its_files(
    client, creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks, media_root
):
    video = _draft(creator, clips.landscape, eager_tasks, django_capture_on_commit_callbacks)
    assert len(stored_files(media_root)) == 4  # original, poster, preview, filmstrip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("creators:studio_video_delete", args=[video.public_id]))
    assert response.status_code == 302
    assert Video.objects.count() == 0
    assert stored_files(media_root) == []


# --- bad uploads: the error, and nothing written or left on disk ------------------------


def _make_bad_file(tmp: Path, clips: Clips, kind: str) -> Path:
    """A file of the given bad kind; the playlists point at a local file ffmpeg must never open."""
    victim = tmp / "secret.txt"
    victim.write_text("do not read me")
    truncated = clips.moov_at_end.read_bytes()
    contents = {
        "zero-byte": ("empty.mp4", b""),
        "text": ("notes.mp4", b"just some text, honestly not a video\n" * 20),
        "hls": (
            "playlist.mp4",
            f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile://{victim}\n#EXT-X-ENDLIST\n".encode(),
        ),
        "hls-m3u8": ("playlist.m3u8", f"#EXTM3U\n#EXTINF:10,\n{victim}\n".encode()),
        "ffconcat": ("list.mp4", f"ffconcat version 1.0\nfile '{victim}'\n".encode()),
        "truncated": ("cut.mp4", truncated[: len(truncated) * 6 // 10]),
        "audio-only": ("tone.mp4", clips.audio_only.read_bytes()),
    }
    if kind == "image":
        path = tmp / "picture.mp4"
        Image.new("RGB", (64, 64), "red").save(path, format="PNG")
        return path
    name, data = contents[kind]
    path = tmp / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("zero-byte", "The submitted file is empty."),
        ("text", "file type is not supported"),
        ("hls", "not a video"),
        ("hls-m3u8", "not a video"),
        ("ffconcat", "not a video"),
        ("truncated", "incomplete or damaged"),
        ("audio-only", "no video"),
        ("image", "not a video"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason_and_leave_nothing(
    client, creator, clips: Clips, tmp_path, media_root, django_capture_on_commit_callbacks, kind, message
):
    path = _make_bad_file(tmp_path, clips, kind)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, path)
    assert response.status_code == 400
    errors = " ".join(str(error) for errors in response.context["form"].errors.values() for error in errors)
    assert message.lower() in errors.lower()
    assert Video.objects.count() == 0
    assert stored_files(media_root) == []
    assert callbacks == []


def test_limits_on_size_duration_and_resolution(client, creator, clips: Clips, settings, media_root):
    settings.VIDEO_MAX_SECONDS = 2
    response = upload(client, clips.landscape)
    assert "the limit is 2 seconds" in str(response.context["form"].errors)
    settings.VIDEO_MAX_SECONDS = 600
    settings.VIDEO_MAX_PIXELS = 320 * 320
    response = upload(client, clips.landscape)
    assert "resolution" in str(response.context["form"].errors).lower()
    settings.VIDEO_MAX_PIXELS = 4096 * 4096
    settings.VIDEO_MAX_UPLOAD_MB = 0
    response = upload(client, clips.landscape)
    assert response.status_code == 400
    assert "too large" in str(response.context["form"].errors)
    assert Video.objects.count() == 0
    assert stored_files(media_root) == []


def test_api_upload_over_the_size_limit_is_413_and_writes_nothing(
    api_client, clips: Clips, settings, media_root
):
    creator = CreatorFactory.create()
    api_client.force_authenticate(creator.user)
    settings.VIDEO_MAX_UPLOAD_MB = 0
    with clips.landscape.open("rb") as handle:
        response = api_client.post(reverse("api-studio-videos"), {"file": handle}, format="multipart")
    assert response.status_code == 413
    assert response.json() == {"detail": "The file is too large.", "code": "too_large"}
    assert Video.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_hostile_filename_is_only_a_label(client, creator, clips: Clips, tmp_path, media_root):
    hostile = tmp_path / "clip.mp4"
    shutil.copy(clips.landscape, hostile)
    response = upload(client, hostile, name="../../etc/pass\x07wd\n.mp4")
    assert response.status_code == 302
    video = Video.objects.get()
    assert video.original_filename == "pass\x07wd\n.mp4".replace("\x07", "").replace("\n", "")
    assert stored_files(media_root) == [f"videos/{video.public_id.hex}/original.mp4"]


# --- scoping: nobody reads or changes another creator's work -----------------------------


def test_another_creator_cannot_see_or_change_my_draft(
    client, api_client, creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    video = _draft(creator, clips.landscape, eager_tasks, django_capture_on_commit_callbacks)
    intruder = CreatorFactory.create()
    client.force_login(intruder.user)
    edit = reverse("creators:studio_video", args=[video.public_id])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"start": 0, "end": 2, "action": "publish"}).status_code == 404
    assert client.post(reverse("creators:studio_video_delete", args=[video.public_id])).status_code == 404
    for kind in ("preview", "poster", "video", "original"):
        assert client.get(reverse("creators:video_file", args=[video.public_id, kind])).status_code == 404
    api_client.force_authenticate(intruder.user)
    assert api_client.get(reverse("api-studio-video", args=[video.public_id])).status_code == 404
    assert (
        api_client.patch(reverse("api-studio-video", args=[video.public_id]), {"caption": "x"}).status_code
        == 404
    )
    assert (
        api_client.post(
            reverse("api-studio-publish", args=[video.public_id]), {"start": 0, "end": 2}
        ).status_code
        == 404
    )
    assert api_client.get(reverse("api-video", args=[video.public_id])).status_code == 404
    assert api_client.get(reverse("api-studio-videos")).json()["results"] == []
    video.refresh_from_db()
    assert (video.state, video.caption) == (State.DRAFT, "")


def test_api_upload_publish_and_list(
    api_client, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    creator = CreatorFactory.create()
    api_client.force_authenticate(creator.user)
    with django_capture_on_commit_callbacks(execute=True), clips.portrait.open("rb") as handle:
        created = api_client.post(reverse("api-studio-videos"), {"file": handle}, format="multipart")
    assert created.status_code == 201
    video_id = created.json()["id"]
    detail = api_client.get(reverse("api-studio-video", args=[video_id])).json()
    assert detail["state"] == "draft"
    assert detail["preview_url"] == f"/v/{video_id}/preview"
    patched = api_client.patch(
        reverse("api-studio-video", args=[video_id]),
        {"caption": "API #made", "topics": ["stem"]},
        format="json",
    )
    assert patched.json()["hashtags"] == ["made"]
    with django_capture_on_commit_callbacks(execute=True):
        published = api_client.post(
            reverse("api-studio-publish", args=[video_id]), {"start": 0, "end": 2}, format="json"
        )
    assert published.status_code == 202
    public = api_client.get(reverse("api-video", args=[video_id])).json()
    assert public["video_url"] == f"/v/{video_id}/video?v=1"
    assert public["creator"] == creator.handle
    bad = api_client.post(
        reverse("api-studio-publish", args=[video_id]), {"start": 2, "end": 1}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json() == {"trim": ["The end must come after the start."], "codes": {"trim": ["invalid"]}}


def test_avatar_upload_and_refusal(client, creator, media_root, tmp_path):
    import io

    image = io.BytesIO()
    Image.new("RGB", (500, 300), "blue").save(image, format="PNG")
    good = SimpleUploadedFile("me.png", image.getvalue(), content_type="image/png")
    response = client.post(reverse("creators:studio_profile"), {"save_avatar": "1", "avatar": good})
    assert response.status_code == 302
    creator.refresh_from_db()
    with Image.open(creator.avatar_large.path) as large:
        assert large.size == (320, 320)
    before = stored_files(media_root)
    svg = SimpleUploadedFile(
        "me.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>', "image/png"
    )
    refused = client.post(reverse("creators:studio_profile"), {"save_avatar": "1", "avatar": svg})
    assert refused.status_code == 400
    assert "not a JPEG, PNG, WebP or GIF" in str(refused.context["avatar_form"].errors)
    assert stored_files(media_root) == before


def test_studio_requires_a_creator_profile_first(client):
    client.force_login(UserFactory.create())
    response = client.get(reverse("creators:studio"))
    assert response.status_code == 302
    assert response.url == reverse("creators:studio_profile")
    created = client.post(
        reverse("creators:studio_profile"),
        {"save_profile": "1", "handle": "newbie", "display_name": "New", "bio": "", "links": ""},
    )
    assert created.status_code == 302
    assert client.get(reverse("creators:studio")).status_code == 200


def test_the_editor_shows_the_trim_to_the_millisecond(client, creator):
    video = VideoFactory.create(owner=creator, duration=16.0, trim_start=1.5, trim_end=15.0)
    page = client.get(reverse("creators:studio_video", args=[video.public_id])).content.decode()
    assert 'name="start" value="1.500"' in page
    assert 'name="end" value="15.000"' in page
