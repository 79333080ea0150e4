"""A worker killed with SIGKILL (and its ffmpeg with it) in the middle of processing a video, on the
filesystem broker that never redelivers: the next worker, started as ``make run`` starts it (with beat
on the project's own schedule), finishes the video within two minutes and leaves no scratch files."""

import signal
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from creators import media, services
from creators.models import Video
from devtools import testclips
from platform.celery import app
from tests.factories import CreatorFactory
from tests.waiting import eventually
from tests.workers import start_worker, state_of, stop_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]


def test_a_video_whose_worker_was_killed_reaches_draft_within_two_minutes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    work_root = tmp_path / "work"
    worker_env = {"VIDEO_WORK_DIR": str(work_root)}
    # The project's lease and schedule, not shortened for the test.
    assert (django_settings.VIDEO_WORK_LEASE_SECONDS, django_settings.VIDEO_WORK_HEARTBEAT_SECONDS) == (
        60,
        10,
    )
    assert app.conf.beat_schedule["recover-stuck-videos"]["schedule"] == 30
    app.control.purge()  # no leftovers from other runs in the test broker
    clip = tmp_path / "long.mp4"
    # A browser-unplayable codec, so processing transcodes a preview and takes long enough to interrupt.
    testclips.make_test_clip(destination=clip, seconds=20, width=720, height=1280, codec="mpeg4")
    video = services.video_upload(
        owner=CreatorFactory.create(),
        upload=SimpleUploadedFile("long.mp4", clip.read_bytes(), content_type="video/mp4"),
    )  # commits, and enqueues processing on the media queue

    worker = start_worker(media_root=settings.MEDIA_ROOT, extra_env=worker_env)
    try:
        eventually(
            lambda: any(work_root.glob("process-*/preview.mp4")),
            timeout=60,
            what="ffmpeg to write the preview",
        )
    finally:
        first_output = stop_worker(worker, signal.SIGKILL)  # the whole process group: pool child and ffmpeg
    killed_at = time.monotonic()
    assert state_of(video.pk) == Video.State.PROCESSING, first_output
    assert [path.name for path in work_root.glob("process-*/preview.mp4")] == ["preview.mp4"]  # half-written

    worker = start_worker(
        media_root=settings.MEDIA_ROOT,
        queues="default,media",
        beat_schedule=tmp_path / "beat-schedule",
        extra_env=worker_env,
    )
    try:
        eventually(
            lambda: not any(work_root.iterdir()), timeout=30, what="the dead run's scratch folder to go"
        )
        eventually(
            lambda: state_of(video.pk) == Video.State.DRAFT,
            timeout=120 - (time.monotonic() - killed_at),
            what="the video to reach draft",
        )
        recovered_after = time.monotonic() - killed_at
    finally:
        second_output = stop_worker(worker, signal.SIGTERM)
    print(f"draft {recovered_after:.1f} s after the kill")  # noqa: T201 (the closing note quotes it)
    video.refresh_from_db()
    assert recovered_after < 120
    assert (video.failure_reason, video.attempts) == ("", 2), second_output
    assert (video.work_started_at, video.work_heartbeat_at) == (None, None)
    preview = Path(video.preview.path)
    assert media.probe(path=preview, max_seconds=60, max_pixels=10**7).video_codec == "h264"
    assert Path(video.original.path).read_bytes() == clip.read_bytes()
    assert list(work_root.iterdir()) == []
