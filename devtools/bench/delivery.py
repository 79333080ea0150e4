"""Benchmark delivery: the publish encode of the whole HLS ladder against today's single-rendition encode,
on a generated 1080x1920 30 fps clip with sound, in the same run.

Both sides are the media work ``video_render`` does (everything else it does, storing a few files, is
the same for both): (a) ``media.encode_range``, one H.264/AAC MP4 of the trim, as publishing was before
the ladder; (b) ``media.encode_ladder`` (every rung in one ffmpeg run) plus ``media.ladder_to_mp4`` (the
MP4 fallback, a stream copy). Runs alternate a, b, a, b... so a neighbour's load on the machine falls on
both; medians of each and the median of the pairs' ratios are reported, and the CPU seconds ffmpeg
used (which a busy machine hardly changes). Everything it makes lives in a
temporary folder that is removed at the end; no database is touched.
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, OutputWrapper

from creators import media
from devtools import testclips

RATIO_GOAL = 1.6


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(function: Any, cpu: list[float]) -> float:
    """Wall seconds of ``function``; the CPU seconds its ffmpeg runs used go to ``cpu`` (unlike wall time,
    they hardly change with what else the machine is doing)."""
    began, began_cpu = time.perf_counter(), _children_cpu_seconds()
    function()
    cpu.append(_children_cpu_seconds() - began_cpu)
    return time.perf_counter() - began


class DeliveryBenchmark:
    """What ``manage.py benchmark_delivery`` does: its report on ``stdout``, progress notes on ``stderr``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr

    def handle(self, *args: Any, **options: Any) -> None:
        width, height = (int(side) for side in str(options["size"]).lower().split("x"))
        with tempfile.TemporaryDirectory(prefix="joyreel-bench-delivery-") as workdir_name:
            result = self._run(
                Path(workdir_name),
                seconds=float(options["seconds"]),
                width=width,
                height=height,
                repeat=max(1, int(options["repeat"])),
            )
        self.stdout.write(json.dumps(result))

    def _run(self, workdir: Path, *, seconds: float, width: int, height: int, repeat: int) -> dict[str, Any]:
        source = workdir / "source.mp4"
        self.stderr.write(f"making a {seconds:g} s {width}x{height} clip")
        testclips.make_test_clip(
            destination=source, seconds=seconds, width=width, height=height, fps=30, audio=True
        )
        info = media.probe(path=source, max_seconds=3600, max_pixels=4096 * 4096)
        start, end = 0.0, info.duration
        single_times: list[float] = []
        ladder_times: list[float] = []
        single_cpu: list[float] = []
        ladder_cpu: list[float] = []
        ladder: media.Ladder | None = None
        for run in range(repeat):
            single = workdir / f"single-{run}.mp4"
            single_times.append(
                _timed(
                    lambda single=single: media.encode_range(
                        source=source, destination=single, probe=info, start=start, end=end
                    ),
                    single_cpu,
                )
            )
            folder = workdir / f"ladder-{run}"

            def publish_ladder(folder: Path = folder) -> None:
                nonlocal ladder
                ladder = media.encode_ladder(
                    source=source, destination=folder, probe=info, start=start, end=end
                )
                media.ladder_to_mp4(ladder=ladder, destination=folder.with_suffix(".mp4"))

            ladder_times.append(_timed(publish_ladder, ladder_cpu))
            self.stderr.write(
                f"run {run + 1}/{repeat}: single {single_times[-1]:.2f} s, ladder {ladder_times[-1]:.2f} s"
            )
            if run < repeat - 1:
                single.unlink()
                shutil.rmtree(folder)
        assert ladder is not None
        expected_frames = round(info.duration * 30)
        frames = testclips.count_video_frames(path=ladder.folder.with_suffix(".mp4"))
        if abs(frames - expected_frames) > 1:
            raise CommandError(f"the ladder's MP4 is wrong: {frames} frames, wanted {expected_frames}")
        sizes = {
            name: sum(path.stat().st_size for path in (ladder.folder / name).iterdir())
            for name in ladder.folders
        }
        single_median = statistics.median(single_times)
        ladder_median = statistics.median(ladder_times)
        pair_ratio = statistics.median(b / a for a, b in zip(single_times, ladder_times, strict=True))
        return {
            "benchmark": "delivery",
            "clip": f"{seconds:g}s {width}x{height} 30fps h264/aac",
            "runs": repeat,
            "rungs": [f"{rung.width}x{rung.height}" for rung in ladder.rungs],
            "a_single_rendition_publish_s": round(single_median, 3),
            "b_ladder_publish_s": round(ladder_median, 3),
            "b_over_a": round(ladder_median / single_median, 3),
            "b_over_a_median_of_pairs": round(pair_ratio, 3),
            "b_over_a_goal": RATIO_GOAL,
            "a_cpu_s": round(statistics.median(single_cpu), 3),
            "b_cpu_s": round(statistics.median(ladder_cpu), 3),
            "b_over_a_cpu": round(statistics.median(ladder_cpu) / statistics.median(single_cpu), 3),
            "a_runs_s": [round(value, 2) for value in single_times],
            "b_runs_s": [round(value, 2) for value in ladder_times],
            "rung_bytes": sizes,
            "single_bytes": (workdir / f"single-{repeat - 1}.mp4").stat().st_size,
            "video_frames": frames,
        }


def benchmark_delivery(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py benchmark_delivery`` with the options its command parsed."""
    DeliveryBenchmark(stdout=stdout, stderr=stderr).handle(**options)
