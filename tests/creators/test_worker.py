"""A real Celery worker process killed in the middle of processing: nothing is lost and the next run finishes."""

import datetime
import os
import signal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from creators import media, services
from creators.models import Video
from devtools import testclips
from platform.celery import app
from tests.factories import CreatorFactory
from tests.waiting import eventually
from tests.workers import start_worker, state_of, stop_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]


def ffmpeg_in_group(group: int) -> bool:
    """Whether an ffmpeg runs in a process group (the worker's: its pool child and what that starts)."""
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                state = (proc / "stat").read_text().rsplit(") ", 1)[1].split()
                program = Path(os.readlink(proc / "exe")).name
            except OSError:
                continue  # gone, or not ours to read
            if int(state[2]) == group and "ffmpeg" in program:
                return True
    return False


def test_a_killed_worker_leaves_the_video_retryable_and_the_next_run_finishes_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    app.control.purge()  # no leftovers from other runs in the test broker
    clip = tmp_path / "long.mp4"
    # A browser-unplayable codec, so processing transcodes a preview and takes long enough to interrupt.
    testclips.make_test_clip(destination=clip, seconds=20, width=720, height=1280, codec="mpeg4")
    creator = CreatorFactory.create()
    video = services.video_upload(
        owner=creator, upload=SimpleUploadedFile("long.mp4", clip.read_bytes(), content_type="video/mp4")
    )  # commits, and enqueues processing on the media queue
    original = Path(video.original.path)

    worker = start_worker(media_root=settings.MEDIA_ROOT)
    try:
        eventually(
            lambda: state_of(video.pk) == Video.State.PROCESSING, timeout=60, what="processing to start"
        )
        eventually(lambda: ffmpeg_in_group(worker.pid), timeout=60, what="the worker's ffmpeg to run")
    finally:
        first_output = stop_worker(worker, signal.SIGKILL)
    assert state_of(video.pk) == Video.State.PROCESSING, first_output
    assert original.exists()
    assert original.read_bytes() == clip.read_bytes()

    # The recovery job (run by beat every few minutes) puts it back in the queue...
    assert services.videos_recover_stuck(older_than=datetime.timedelta(0)) == 1
    assert state_of(video.pk) == Video.State.UPLOADED
    # ...and the next worker finishes it.
    worker = start_worker(media_root=settings.MEDIA_ROOT)
    try:
        eventually(
            lambda: state_of(video.pk) == Video.State.DRAFT, timeout=120, what="the video to reach draft"
        )
    finally:
        second_output = stop_worker(worker, signal.SIGTERM)
    video.refresh_from_db()
    assert video.failure_reason == "", second_output
    assert Path(video.preview.path).exists()
    assert media.probe(path=Path(video.preview.path), max_seconds=60, max_pixels=10**7).video_codec == "h264"
    assert original.read_bytes() == clip.read_bytes()
