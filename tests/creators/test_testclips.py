"""The test-clip helpers make clips through media's door and leave nothing behind when they fail."""

from pathlib import Path

import pytest

from creators import media
from devtools.testclips import audio_duration, count_video_frames, make_test_clip


def test_a_rotated_clip_is_written_through_the_door_and_plays_upright(tmp_path: Path):
    clip = tmp_path / "phone.mp4"

    make_test_clip(destination=clip, seconds=1, width=64, height=36, fps=10, rotation=90)

    info = media.probe(path=clip, max_seconds=10, max_pixels=10**6)
    assert (info.width, info.height, info.rotation) == (36, 64, 90)
    assert count_video_frames(path=clip) == 10
    assert audio_duration(path=clip) == 1.0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["phone.mp4"]  # no unrotated leftover


def test_bad_clip_parameters_are_refused_and_nothing_is_written(tmp_path: Path):
    clip = tmp_path / "clip.mp4"

    with pytest.raises(ValueError, match="even"):
        make_test_clip(destination=clip, seconds=1, width=63, height=36)
    with pytest.raises(ValueError, match="rotation"):
        make_test_clip(destination=clip, seconds=1, width=64, height=36, rotation=45)

    assert list(tmp_path.iterdir()) == []


def test_a_failed_ffmpeg_write_leaves_no_half_written_file(tmp_path: Path):
    output = tmp_path / "out.mp4"

    with pytest.raises(media.MediaError) as refused:
        media.ffmpeg_write(
            lavfi_sources=["testsrc2=size=64x36:rate=10:duration=1"],
            output_args=["-c:v", "no-such-encoder", "-f", "mp4"],
            destination=output,
            timeout=60,
        )

    assert refused.value.reason == "The video could not be processed."
    assert list(tmp_path.iterdir()) == []
