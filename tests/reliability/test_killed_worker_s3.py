"""A real worker SIGKILLed in the middle of a render with media on S3 (moto on loopback): the next worker
reads the original from the bucket again and puts the rendition there; the dead run's half file never is."""

import datetime
import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from creators import media, services
from creators.models import Video
from devtools import testclips
from platform.celery import app
from tests.conftest import stored_files
from tests.factories import CreatorFactory
from tests.s3 import S3Media
from tests.waiting import eventually
from tests.workers import start_worker, state_of, stop_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]


def test_a_render_killed_on_s3_is_finished_by_the_next_worker(s3_media: S3Media, media_root, tmp_path):
    app.control.purge()  # no leftovers from other runs in the test broker
    work_root = tmp_path / "work"
    worker_env = {**s3_media.env, "VIDEO_WORK_DIR": str(work_root)}
    clip = tmp_path / "long.mp4"
    # Long and large enough that encoding the rendition takes a while to interrupt.
    testclips.make_test_clip(destination=clip, seconds=20, width=720, height=1280)
    video = services.video_upload(
        owner=CreatorFactory.create(),
        upload=SimpleUploadedFile("long.mp4", clip.read_bytes(), content_type="video/mp4"),
    )  # stores the original in the bucket, and enqueues processing

    worker = start_worker(media_root=media_root, extra_env=worker_env)
    try:
        eventually(lambda: state_of(video.pk) == Video.State.DRAFT, timeout=120, what="processing")
        video.refresh_from_db()
        services.video_publish(video=video, start=0.0, end=19.0)
        eventually(
            lambda: any(work_root.glob("render-*/.ladder.partial/v*/seg*.m4s")),
            timeout=60,
            what="ffmpeg to write the ladder",
        )
    finally:
        first_output = stop_worker(worker, signal.SIGKILL)  # the whole process group: pool child and ffmpeg
    assert state_of(video.pk) == Video.State.PUBLISHING, first_output
    video.refresh_from_db()
    before = sorted(
        [str(video.original.name), str(video.poster.name), str(video.preview.name), str(video.filmstrip.name)]
    )
    assert s3_media.keys() == before  # nothing of the half-made rendition

    assert services.videos_recover_stuck(older_than=datetime.timedelta(0)) == 1
    worker = start_worker(media_root=media_root, extra_env=worker_env)
    try:
        eventually(lambda: state_of(video.pk) == Video.State.PUBLISHED, timeout=180, what="publishing")
    finally:
        second_output = stop_worker(worker, signal.SIGTERM)
    video.refresh_from_db()
    assert video.failure_reason == "", second_output
    rendition = str(video.rendition.name)
    assert rendition.startswith(f"videos/{video.public_id.hex}/rendition-1-")
    stream_folder = str(video.stream.name).rsplit("/", 1)[0] + "/"
    ladder = [key for key in s3_media.keys() if key.startswith(stream_folder)]  # noqa: SIM118
    assert f"{stream_folder}master.m3u8" in ladder
    assert s3_media.keys() == sorted([*before, rendition, *ladder])
    assert s3_media.read(str(video.original.name)) == clip.read_bytes()
    played = tmp_path / "rendition.mp4"
    played.write_bytes(s3_media.read(rendition))
    assert media.probe(path=played, max_seconds=60, max_pixels=10**7).duration == pytest.approx(19.0, abs=0.1)
    assert stored_files(media_root) == []
