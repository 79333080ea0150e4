"""Synthetic clips and exact frame and sample counts for tests, benchmarks and demo data.

Nothing here touches uploads; every ffmpeg run still goes through ``creators.media``'s door
(``ffmpeg_write``, ``ffmpeg_read``), so the same binary, bare environment and timeouts apply.
"""

from __future__ import annotations

import re
from pathlib import Path

from creators import media

CLIP_TIMEOUT_SECONDS = 600.0
# Counting resampled samples is exact where the progress line's `time=` is rounded to hundredths.
_COUNT_SAMPLE_RATE = 48000
_FRAMES = re.compile(r"frame=\s*(\d+)")
_SAMPLES = re.compile(r"Number of samples:\s*(\d+)")
_AUDIO_STREAM = re.compile(r"^\s+Stream #0:\d+.*: Audio: ", re.MULTILINE)
_LOG_TAIL_CHARS = 2000


def make_test_clip(
    *,
    destination: Path,
    seconds: float,
    width: int,
    height: int,
    fps: int = 30,
    audio: bool = True,
    rotation: int = 0,
    keyframe_interval_seconds: float = 2.0,
    codec: str = "h264",
) -> None:
    """Write a synthetic MP4 (testsrc2 picture, 440 Hz tone) for tests and benchmarks.

    `width` x `height` is the stored size; `rotation` (clockwise, like a phone) is written as a
    display matrix, so rotation=90 on a 568x320 clip plays as 320x568 portrait.
    """
    if seconds <= 0 or fps <= 0 or keyframe_interval_seconds <= 0:
        raise ValueError("seconds, fps and keyframe_interval_seconds must be positive")
    if width <= 0 or height <= 0 or width % 2 or height % 2:
        raise ValueError("width and height must be positive and even")
    if rotation not in media.RIGHT_ANGLES:
        raise ValueError("rotation must be 0, 90, 180 or 270")
    if codec == "h264":
        # veryfast keeps B-frames, so accurate seeking is exercised on reordered frames.
        video_codec = ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"]
    elif codec == "mpeg4":
        video_codec = ["-c:v", "mpeg4", "-q:v", "5", "-pix_fmt", "yuv420p"]
    else:
        raise ValueError('codec must be "h264" or "mpeg4"')
    keyframe_interval = str(max(1, round(fps * keyframe_interval_seconds)))
    length = f"{seconds:.6f}"
    sources = [f"testsrc2=size={width}x{height}:rate={fps}:duration={length}"]
    if audio:
        sources.append(f"sine=frequency=440:sample_rate=48000:duration={length}")
    audio_output = ["-map", "1:a", "-c:a", "aac", "-b:a", "96k"] if audio else ["-an"]
    encode_target = destination.with_name(f".{destination.name}.unrotated.mp4") if rotation else destination
    try:
        media.ffmpeg_write(
            lavfi_sources=sources,
            output_args=[
                "-map",
                "0:v",
                *video_codec,
                "-g",
                keyframe_interval,
                "-keyint_min",
                keyframe_interval,
                "-sc_threshold",
                "0",
                *audio_output,
                "-movflags",
                "+faststart",
                "-f",
                "mp4",
            ],
            destination=encode_target,
            timeout=CLIP_TIMEOUT_SECONDS,
        )
        if rotation:
            # `-metadata:s:v rotate=` is ignored by ffmpeg 7+; `-display_rotation` is the
            # input option that writes a display matrix. It counts counter-clockwise.
            media.ffmpeg_write(
                source=encode_target,
                source_options=["-display_rotation", str(-rotation)],
                output_args=["-map", "0", "-c", "copy", "-movflags", "+faststart", "-f", "mp4"],
                destination=destination,
                timeout=CLIP_TIMEOUT_SECONDS,
            )
    finally:
        if rotation:
            encode_target.unlink(missing_ok=True)


def count_video_frames(*, path: Path, timeout: float = 120) -> int:
    """Decode the first video stream and count its frames."""
    returncode, log = media.ffmpeg_read(
        source=path, output_args=["-map", "0:V:0", "-f", "null", "-"], timeout=timeout
    )
    frames = _last_int(pattern=_FRAMES, log=log)
    if returncode != 0 or frames is None:
        raise media.MediaError("The video could not be decoded.", detail=log[-_LOG_TAIL_CHARS:])
    return frames


def audio_duration(*, path: Path, timeout: float = 120) -> float | None:
    """Decode the first audio stream and return its length in seconds, or None without audio."""
    returncode, log = media.ffmpeg_read(
        source=path,
        output_args=[
            "-map",
            "0:a:0?",
            "-af",
            f"aresample={_COUNT_SAMPLE_RATE},astats=measure_perchannel=none:measure_overall=Number_of_samples",
            "-f",
            "null",
            "-",
        ],
        timeout=timeout,
    )
    if "Input #0" not in log:
        raise media.MediaError("The video could not be read.", detail=log[-_LOG_TAIL_CHARS:])
    if _AUDIO_STREAM.search(log) is None:
        return None
    samples = _last_int(pattern=_SAMPLES, log=log)
    if returncode != 0 or samples is None:
        raise media.MediaError("The audio could not be decoded.", detail=log[-_LOG_TAIL_CHARS:])
    return samples / _COUNT_SAMPLE_RATE


def _last_int(*, pattern: re.Pattern[str], log: str) -> int | None:
    matches = pattern.findall(log)
    return int(matches[-1]) if matches else None
