"""Synthetic clips for media tests, encoded once per session because ffmpeg is the slow part; a fixture for every test folder."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import pytest

from devtools.testclips import make_test_clip


@dataclass(frozen=True, kw_only=True)
class Clips:
    landscape: Path  # 568x320 H.264/AAC, 3 s at 30 fps, keyframe every 2 s
    portrait: Path  # 320x568 H.264/AAC
    silent: Path  # 568x320 H.264, no audio track
    rotated: Path  # stored 568x320, display matrix says turn 90° clockwise: plays as portrait
    mpeg4: Path  # 320x568 MPEG-4 Part 2, which browsers cannot play
    large_mpeg4: Path  # 1088x1920 MPEG-4 Part 2, 1 s, larger than every output limit
    webm: Path  # 320x568 VP9/Opus in WebM
    audio_only: Path  # AAC in an .m4a
    moov_at_end: Path  # H.264/AAC MP4 without faststart, so truncating it loses the index


def run_ffmpeg(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run the same ffmpeg build as the code under test, for fixtures and independent checks."""
    return subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-y", *args],
        capture_output=True,
        check=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Clips:
    folder = tmp_path_factory.mktemp("clips")
    result = Clips(
        landscape=folder / "landscape.mp4",
        portrait=folder / "portrait.mp4",
        silent=folder / "silent.mp4",
        rotated=folder / "rotated.mp4",
        mpeg4=folder / "mpeg4.mp4",
        large_mpeg4=folder / "large-mpeg4.mp4",
        webm=folder / "clip.webm",
        audio_only=folder / "tone.m4a",
        moov_at_end=folder / "moov-at-end.mp4",
    )
    make_test_clip(destination=result.landscape, seconds=3, width=568, height=320)
    make_test_clip(destination=result.portrait, seconds=3, width=320, height=568)
    make_test_clip(destination=result.silent, seconds=3, width=568, height=320, audio=False)
    make_test_clip(destination=result.rotated, seconds=3, width=568, height=320, rotation=90)
    make_test_clip(destination=result.mpeg4, seconds=3, width=320, height=568, codec="mpeg4")
    make_test_clip(
        destination=result.large_mpeg4, seconds=1, width=1088, height=1920, audio=False, codec="mpeg4"
    )
    run_ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=320x568:rate=30:duration=3",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3",
        "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus",
        str(result.webm),
    )  # fmt: skip
    run_ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3",
        "-c:a", "aac", "-f", "mp4", str(result.audio_only),
    )  # fmt: skip
    # ffmpeg writes the moov index after the media data unless asked for faststart.
    run_ffmpeg("-i", str(result.landscape), "-map", "0", "-c", "copy", "-f", "mp4", str(result.moov_at_end))
    return result
