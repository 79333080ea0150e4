"""Benchmark publishing a trim: moviepy's naive path vs one ffmpeg command vs Joyreel's publish service.

Runs in a throwaway database of whichever engine is configured (created and
dropped here), so it needs no migrated development database and never touches one.
"""

import json
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.management.base import CommandError, OutputWrapper
from django.test import override_settings

from creators import media, services
from creators.models import CreatorProfile, Video
from devtools import testclips
from devtools.bench.throwaway import throwaway_database
from platform.celery import app
from platform.models import User

START, END = 10.0, 40.0


def _timed(function: Any) -> float:
    began = time.perf_counter()
    function()
    return time.perf_counter() - began


def _upload(path: Path) -> TemporaryUploadedFile:
    """An upload as Django's streaming handler would hand it to the view."""
    upload = TemporaryUploadedFile("clip.mp4", "video/mp4", path.stat().st_size, None)
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            upload.write(chunk)
    upload.flush()
    upload.seek(0)
    return upload


class TrimBenchmark:
    """What ``manage.py benchmark_trim`` does: its report on ``stdout``, progress notes on ``stderr``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr

    def handle(self, *args: Any, **options: Any) -> None:
        repeat = max(1, options["repeat"])
        with tempfile.TemporaryDirectory(prefix="joyreel-bench-") as workdir_name:
            workdir = Path(workdir_name)
            with throwaway_database("benchmark-trim"), override_settings(MEDIA_ROOT=workdir / "media"):
                result = self._run(workdir, repeat, skip_moviepy=options["skip_moviepy"])
        self.stdout.write(json.dumps(result))

    def _run(self, workdir: Path, repeat: int, *, skip_moviepy: bool) -> dict[str, Any]:
        source = workdir / "source.mp4"
        testclips.make_test_clip(
            destination=source,
            seconds=60,
            width=1280,
            height=720,
            fps=30,
            audio=True,
            keyframe_interval_seconds=2.0,
        )
        info = media.probe(path=source, max_seconds=600, max_pixels=4096 * 4096)

        moviepy_times: list[float] = []
        if not skip_moviepy:
            from moviepy import VideoFileClip

            def naive() -> None:
                with VideoFileClip(str(source)) as clip:
                    clip.subclipped(START, END).write_videofile(str(workdir / "naive.mp4"), logger=None)

            moviepy_times = [_timed(naive) for _ in range(repeat)]

        command = media.publish_command(
            source=source, destination=workdir / "ffmpeg.mp4", probe=info, start=START, end=END
        )
        ffmpeg_times = [
            _timed(lambda: subprocess.run(command, check=True, capture_output=True))  # noqa: S603
            for _ in range(repeat)
        ]

        user = User.objects.create_user(
            f"benchmark-{uuid.uuid4().hex[:10]}@joyreel.invalid", None, display_name="Benchmark"
        )
        profile = CreatorProfile.objects.create(
            user=user, handle=f"bench_{uuid.uuid4().hex[:10]}", display_name="Bench"
        )
        previous_eager = app.conf.task_always_eager
        app.conf.task_always_eager = True  # tasks run in this process, as the issue asks
        try:
            upload_times, publish_times, frames, audio = [], [], 0, None
            for _ in range(repeat):
                began = time.perf_counter()
                video = services.video_upload(owner=profile, upload=_upload(source))
                video.refresh_from_db()
                if video.state != Video.State.DRAFT:
                    raise CommandError(f"upload ended in {video.state}: {video.failure_reason}")
                upload_times.append(time.perf_counter() - began)
                began = time.perf_counter()
                services.video_publish(video=video, start=START, end=END)
                video.refresh_from_db()
                publish_times.append(time.perf_counter() - began)
                if video.state != Video.State.PUBLISHED:
                    raise CommandError(f"publish ended in {video.state}: {video.failure_reason}")
                rendition = Path(video.rendition.path)
                frames = testclips.count_video_frames(path=rendition)
                audio = testclips.audio_duration(path=rendition)
                services.video_delete(video=video)
        finally:
            app.conf.task_always_eager = previous_eager
            user.delete()

        if abs(frames - 900) > 1 or audio is None or abs(audio - 30.0) > 0.05:
            raise CommandError(f"Joyreel's publish is wrong: {frames} frames, audio {audio} s")
        a = statistics.median(moviepy_times) if moviepy_times else None
        b = statistics.median(ffmpeg_times)
        c = statistics.median(publish_times)
        return {
            "benchmark": "trim",
            "clip": "60s 1280x720 30fps h264/aac gop=2s",
            "range": [START, END],
            "runs": repeat,
            "a_moviepy_naive_s": round(a, 3) if a else None,
            "b_ffmpeg_one_command_s": round(b, 3),
            "c_joyreel_publish_s": round(c, 3),
            "c_over_a": round(c / a, 3) if a else None,
            "c_over_b": round(c / b, 3),
            "upload_to_draft_s": round(statistics.median(upload_times), 3),
            "c_video_frames": frames,
            "c_audio_seconds": round(audio, 3),
        }


def benchmark_trim(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py benchmark_trim`` with the options its command parsed."""
    TrimBenchmark(stdout=stdout, stderr=stderr).handle(**options)
