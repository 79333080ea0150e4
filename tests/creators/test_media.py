"""Probe, poster, preview and publish encode, and the uploads creators/media.py must refuse."""

import math
import os
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from creators.media import (
    MediaError,
    ProbeResult,
    encode_range,
    make_poster,
    make_preview,
    probe,
    publish_command,
    sniff_container,
)
from devtools.testclips import audio_duration, count_video_frames
from tests.clips import Clips, run_ffmpeg

MAX_SECONDS = 60.0
MAX_PIXELS = 3840 * 2160


def probed(path: Path) -> ProbeResult:
    return probe(path=path, max_seconds=MAX_SECONDS, max_pixels=MAX_PIXELS)


def frame(path: Path, *, index: int, autorotate: bool = True) -> Image.Image:
    """Decode frame `index` by counting frames, not by seeking, so seeking is not under test too."""
    rotation = [] if autorotate else ["-noautorotate"]
    result = run_ffmpeg(
        *rotation, "-i", str(path), "-map", "0:v:0", "-vf", f"select=eq(n\\,{index})",
        "-frames:v", "1", "-c:v", "ppm", "-f", "image2pipe", "pipe:1",
    )  # fmt: skip
    return Image.open(BytesIO(result.stdout)).convert("RGB")


def difference(first: Image.Image, second: Image.Image) -> float:
    """Mean absolute difference per channel, 0–255."""
    means = ImageStat.Stat(ImageChops.difference(first.convert("RGB"), second.convert("RGB"))).mean
    return sum(means) / len(means)


def truncated_copy(*, source: Path, destination: Path) -> Path:
    data = source.read_bytes()
    destination.write_bytes(data[: int(len(data) * 0.6)])
    return destination


def packet_hash(path: Path) -> bytes:
    """MD5 of the video packets as stored, equal only when the stream was copied bit for bit."""
    return run_ffmpeg("-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "md5", "-").stdout


LAUNCHED: list[bool] = []


@pytest.fixture
def ffmpeg_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every ffmpeg argv handed to subprocess.run while the test runs, without the launcher that ties
    ffmpeg's life to the worker's (``media._DIE_WITH_PARENT``; recorded in ``LAUNCHED``)."""
    from creators import media

    calls: list[list[str]] = []
    LAUNCHED.clear()
    real_run = subprocess.run
    launcher = list(media._DIE_WITH_PARENT)

    def spy(argv, *args, **kwargs):
        argv = list(argv)
        launched = bool(launcher) and argv[: len(launcher)] == launcher
        LAUNCHED.append(launched)
        calls.append(argv[len(launcher) :] if launched else argv)
        return real_run(argv, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    return calls


# --- probe -------------------------------------------------------------------------------


def test_probe_reads_a_landscape_clip(clips: Clips):
    assert probed(clips.landscape) == ProbeResult(
        container="mov",
        duration=3.0,
        width=568,
        height=320,
        rotation=0,
        fps=30.0,
        video_codec="h264",
        pixel_format="yuv420p",
        has_audio=True,
        audio_codec="aac",
    )


def test_probe_reads_a_portrait_clip(clips: Clips):
    result = probed(clips.portrait)

    assert (result.width, result.height, result.rotation) == (320, 568, 0)
    assert result.is_browser_playable is True


def test_probe_reports_a_clip_without_audio(clips: Clips):
    result = probed(clips.silent)

    assert (result.has_audio, result.audio_codec) == (False, None)
    assert result.is_browser_playable is True


def test_probe_reports_display_size_and_rotation_of_a_rotated_clip(clips: Clips):
    result = probed(clips.rotated)

    assert (result.width, result.height, result.rotation) == (320, 568, 90)


def test_probe_marks_mpeg4_as_not_browser_playable(clips: Clips):
    result = probed(clips.mpeg4)

    assert (result.video_codec, result.pixel_format, result.audio_codec) == ("mpeg4", "yuv420p", "aac")
    assert result.is_browser_playable is False


def test_probe_reads_webm(clips: Clips):
    assert probed(clips.webm) == ProbeResult(
        container="matroska",
        # Opus pre-roll makes the WebM header 10 ms longer than the picture.
        duration=3.01,
        width=320,
        height=568,
        rotation=0,
        fps=30.0,
        video_codec="vp9",
        pixel_format="yuv420p",
        has_audio=True,
        audio_codec="opus",
    )


def test_sniff_container_reads_only_the_magic_bytes(clips: Clips):
    assert sniff_container(path=clips.landscape) == "mov"
    assert sniff_container(path=clips.webm) == "matroska"


# --- refusals ----------------------------------------------------------------------------


def test_probe_refuses_an_empty_file(tmp_path: Path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")

    with pytest.raises(MediaError) as refused:
        probed(empty)

    assert refused.value.reason == "The file is empty."


def test_probe_refuses_a_text_file_named_mp4(tmp_path: Path):
    text = tmp_path / "notes.mp4"
    text.write_text("Not a video, just some words.\n")

    with pytest.raises(MediaError) as refused:
        probed(text)

    assert refused.value.reason == "This file type is not supported. Upload an MP4, MOV, WebM or MKV video."


def test_probe_refuses_an_hls_playlist_without_opening_what_it_points_at(
    tmp_path: Path, ffmpeg_calls: list[list[str]]
):
    # A FIFO blocks whoever opens it, so any attempt to follow the playlist would hang here.
    segment = tmp_path / "secret.ts"
    os.mkfifo(segment)
    playlist = tmp_path / "upload.mp4"
    playlist.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:{segment}\n#EXT-X-ENDLIST\n")

    with pytest.raises(MediaError) as refused:
        probed(playlist)

    assert (
        refused.value.reason == "This file is a playlist (M3U8), not a video. Upload the video file itself."
    )
    assert ffmpeg_calls == []


def test_probe_refuses_an_ffconcat_script(tmp_path: Path, ffmpeg_calls: list[list[str]], clips: Clips):
    script = tmp_path / "upload.mp4"
    script.write_text(f"ffconcat version 1.0\nfile '{clips.landscape}'\n")

    with pytest.raises(MediaError) as refused:
        probed(script)

    assert (
        refused.value.reason
        == "This file is a list of other files, not a video. Upload the video file itself."
    )
    assert ffmpeg_calls == []


def test_probe_refuses_a_png_image(tmp_path: Path):
    picture = tmp_path / "photo.mp4"
    Image.new("RGB", (64, 64), "red").save(picture, format="PNG")

    with pytest.raises(MediaError) as refused:
        probed(picture)

    assert refused.value.reason == "This file is a picture, not a video."


def test_probe_refuses_a_truncated_mp4_whose_index_survived(tmp_path: Path, clips: Clips):
    # The fixtures are written with faststart, so the moov index is intact and only media data is missing.
    cut = truncated_copy(source=clips.landscape, destination=tmp_path / "cut.mp4")

    with pytest.raises(MediaError) as refused:
        probed(cut)

    assert refused.value.reason == "The file is incomplete or damaged (the upload may have been cut short)."
    assert "partial file" in refused.value.detail


def test_probe_refuses_a_truncated_mp4_without_its_index(tmp_path: Path, clips: Clips):
    cut = truncated_copy(source=clips.moov_at_end, destination=tmp_path / "cut.mp4")

    with pytest.raises(MediaError) as refused:
        probed(cut)

    assert refused.value.reason == "The file is incomplete or damaged (the upload may have been cut short)."
    assert "moov atom not found" in refused.value.detail


def test_probe_refuses_a_truncated_webm(tmp_path: Path, clips: Clips):
    cut = truncated_copy(source=clips.webm, destination=tmp_path / "cut.webm")

    with pytest.raises(MediaError) as refused:
        probed(cut)

    assert refused.value.reason == "The file is incomplete or damaged (the upload may have been cut short)."


def test_probe_refuses_audio_only(clips: Clips):
    with pytest.raises(MediaError) as refused:
        probed(clips.audio_only)

    assert refused.value.reason == "This file has no video, only sound."


def test_probe_refuses_a_video_over_max_seconds(clips: Clips):
    with pytest.raises(MediaError) as refused:
        probe(path=clips.landscape, max_seconds=2, max_pixels=MAX_PIXELS)

    assert refused.value.reason == "The video is 3.0 seconds long; the limit is 2 seconds."


def test_probe_refuses_a_resolution_over_max_pixels_before_reading_the_media(
    clips: Clips, ffmpeg_calls: list[list[str]]
):
    with pytest.raises(MediaError) as refused:
        probe(path=clips.landscape, max_seconds=MAX_SECONDS, max_pixels=568 * 320 - 1)

    assert (
        refused.value.reason
        == "The video resolution 568x320 is larger than allowed (181,759 pixels at most)."
    )
    # Only the header was read: the demux pass over the packets never ran.
    assert len(ffmpeg_calls) == 1
    assert "-c" not in ffmpeg_calls[0]


def test_probe_gives_up_when_ffmpeg_runs_past_the_timeout(clips: Clips):
    with pytest.raises(MediaError) as refused:
        probe(path=clips.landscape, max_seconds=MAX_SECONDS, max_pixels=MAX_PIXELS, timeout=0.001)

    assert refused.value.reason == "Processing the video took too long and was stopped."


def test_every_ffmpeg_run_on_an_upload_forces_the_demuxer_and_the_file_protocol(
    tmp_path: Path, clips: Clips, ffmpeg_calls: list[list[str]]
):
    result = probed(clips.rotated)
    make_poster(source=clips.rotated, destination=tmp_path / "poster.jpg", probe=result)
    make_preview(source=clips.rotated, destination=tmp_path / "preview.mp4", probe=result)
    encode_range(source=clips.rotated, destination=tmp_path / "out.mp4", probe=result, start=0, end=1)
    count_video_frames(path=clips.rotated)
    audio_duration(path=clips.rotated)

    assert len(ffmpeg_calls) == 7
    assert LAUNCHED == [True] * 7  # each dies with the worker that started it
    for argv in ffmpeg_calls:
        before_input = argv[: argv.index("-i")]
        assert argv[1:3] == ["-nostdin", "-hide_banner"]
        assert before_input[-4:] == ["-protocol_whitelist", "file", "-f", "mov"]
        assert argv[argv.index("-i") + 1] == f"file:{clips.rotated}"


# --- poster ------------------------------------------------------------------------------


def test_poster_is_a_jpeg_at_the_display_size(tmp_path: Path, clips: Clips):
    poster = tmp_path / "poster.jpg"

    make_poster(source=clips.landscape, destination=poster, probe=probed(clips.landscape))

    assert poster.read_bytes()[:3] == b"\xff\xd8\xff"
    with Image.open(poster) as image:
        assert (image.format, image.size) == ("JPEG", (568, 320))


def test_poster_of_a_rotated_clip_is_upright_portrait(tmp_path: Path, clips: Clips):
    poster = tmp_path / "poster.jpg"

    make_poster(source=clips.rotated, destination=poster, probe=probed(clips.rotated))

    # The poster is taken at 1 s, frame 30; the stored frame turned 90° clockwise is what a player shows.
    stored = frame(clips.rotated, index=30, autorotate=False)
    with Image.open(poster) as image:
        assert image.size == (320, 568)
        upright = difference(image, stored.transpose(Image.Transpose.ROTATE_270))
        upside_down = difference(image, stored.transpose(Image.Transpose.ROTATE_90))
    assert upright < 6
    assert upside_down > 4 * upright


def test_poster_is_at_most_720_pixels_on_the_long_side(tmp_path: Path, clips: Clips):
    poster = tmp_path / "poster.jpg"

    make_poster(source=clips.large_mpeg4, destination=poster, probe=probed(clips.large_mpeg4))

    with Image.open(poster) as image:
        assert image.size == (408, 720)


# --- preview -----------------------------------------------------------------------------


def test_preview_of_a_browser_playable_clip_is_a_stream_copy(
    tmp_path: Path, clips: Clips, ffmpeg_calls: list[list[str]]
):
    preview = tmp_path / "preview.mp4"

    make_preview(source=clips.landscape, destination=preview, probe=probed(clips.landscape))

    copy_argv = ffmpeg_calls[-1]
    assert copy_argv[copy_argv.index("-c") + 1] == "copy"
    assert packet_hash(preview) == packet_hash(clips.landscape)
    assert count_video_frames(path=preview) == 90
    assert probed(preview).is_browser_playable is True


def test_preview_stream_copy_keeps_the_rotation_for_the_browser(tmp_path: Path, clips: Clips):
    preview = tmp_path / "preview.mp4"

    make_preview(source=clips.rotated, destination=preview, probe=probed(clips.rotated))

    result = probed(preview)
    assert (result.width, result.height, result.rotation) == (320, 568, 90)


def test_preview_of_mpeg4_is_h264_at_most_540_on_the_short_side(tmp_path: Path, clips: Clips):
    preview = tmp_path / "preview.mp4"

    make_preview(source=clips.large_mpeg4, destination=preview, probe=probed(clips.large_mpeg4))

    result = probed(preview)
    assert (result.video_codec, result.pixel_format, result.width, result.height) == (
        "h264",
        "yuv420p",
        540,
        952,
    )
    assert result.is_browser_playable is True
    assert count_video_frames(path=preview) == 30


def test_preview_of_webm_is_a_playable_mp4_with_aac(tmp_path: Path, clips: Clips):
    preview = tmp_path / "preview.mp4"

    make_preview(source=clips.webm, destination=preview, probe=probed(clips.webm))

    result = probed(preview)
    assert (result.container, result.video_codec, result.audio_codec) == ("mov", "h264", "aac")
    assert (result.width, result.height) == (320, 568)


# --- publish encode ----------------------------------------------------------------------


def test_encode_range_is_frame_accurate(tmp_path: Path, clips: Clips):
    published = tmp_path / "published.mp4"

    encode_range(
        source=clips.landscape, destination=published, probe=probed(clips.landscape), start=0.5, end=2.0
    )

    assert count_video_frames(path=published) == 45
    length = audio_duration(path=published)
    assert length is not None
    assert abs(length - 1.5) < 0.05
    result = probed(published)
    assert (result.width, result.height, result.rotation) == (568, 320, 0)
    assert (result.video_codec, result.pixel_format, result.audio_codec) == ("h264", "yuv420p", "aac")


def test_encode_range_between_frames_keeps_the_frames_stamped_inside_the_range(tmp_path: Path, clips: Clips):
    published = tmp_path / "published.mp4"

    # Frames sit at k/30 s; [0.25, 2.75) holds frames 8 to 82, and audio of exactly 2.5 s.
    encode_range(
        source=clips.landscape, destination=published, probe=probed(clips.landscape), start=0.25, end=2.75
    )

    assert count_video_frames(path=published) == 75
    assert audio_duration(path=published) == 2.5


def test_encode_range_starts_on_the_frame_at_start(tmp_path: Path, clips: Clips):
    published = tmp_path / "published.mp4"

    encode_range(
        source=clips.landscape, destination=published, probe=probed(clips.landscape), start=0.5, end=2.0
    )

    first = frame(published, index=0)
    differences = {index: difference(first, frame(clips.landscape, index=index)) for index in (14, 15, 16)}
    assert min(differences, key=differences.__getitem__) == 15


def test_encode_range_keeps_portrait_portrait(tmp_path: Path, clips: Clips):
    published = tmp_path / "published.mp4"

    encode_range(source=clips.portrait, destination=published, probe=probed(clips.portrait), start=0, end=3)

    result = probed(published)
    assert (result.width, result.height, result.rotation) == (320, 568, 0)
    assert count_video_frames(path=published) == 90


def test_encode_range_turns_a_rotated_clip_physically_upright(tmp_path: Path, clips: Clips):
    published = tmp_path / "published.mp4"

    encode_range(source=clips.rotated, destination=published, probe=probed(clips.rotated), start=0.5, end=2.0)

    result = probed(published)
    assert (result.width, result.height, result.rotation) == (320, 568, 0)
    stored = frame(clips.rotated, index=15, autorotate=False)
    first = frame(published, index=0, autorotate=False)
    upright = difference(first, stored.transpose(Image.Transpose.ROTATE_270))
    upside_down = difference(first, stored.transpose(Image.Transpose.ROTATE_90))
    assert upright < 6
    assert upside_down > 4 * upright


def test_encode_range_limits_the_short_side_to_1080(tmp_path: Path, clips: Clips):
    published = tmp_path / "published.mp4"

    encode_range(
        source=clips.large_mpeg4, destination=published, probe=probed(clips.large_mpeg4), start=0, end=1
    )

    result = probed(published)
    assert (result.width, result.height, result.video_codec) == (1080, 1906, "h264")
    assert count_video_frames(path=published) == 30


def test_encode_range_without_audio_writes_no_audio_track(tmp_path: Path, clips: Clips):
    published = tmp_path / "published.mp4"

    encode_range(source=clips.silent, destination=published, probe=probed(clips.silent), start=0.5, end=2.0)

    assert count_video_frames(path=published) == 45
    assert audio_duration(path=published) is None


def test_encode_range_strips_the_location_tag(tmp_path: Path, clips: Clips):
    tagged = tmp_path / "tagged.mp4"
    run_ffmpeg(
        "-i", str(clips.landscape), "-map", "0", "-c", "copy",
        "-metadata", "location=+48.8584+002.2945/", "-movflags", "+faststart", str(tagged),
    )  # fmt: skip
    published = tmp_path / "published.mp4"

    encode_range(source=tagged, destination=published, probe=probed(tagged), start=0, end=1)

    assert b"location=+48.8584" in run_ffmpeg("-i", str(tagged), "-f", "ffmetadata", "-").stdout
    assert b"location" not in run_ffmpeg("-i", str(published), "-f", "ffmetadata", "-").stdout


def test_publish_command_is_the_argv_encode_range_runs(
    tmp_path: Path, clips: Clips, ffmpeg_calls: list[list[str]]
):
    result = probed(clips.landscape)
    published = tmp_path / "published.mp4"
    expected = publish_command(
        source=clips.landscape, destination=published, probe=result, start=0.5, end=2.0
    )
    ffmpeg_calls.clear()

    encode_range(source=clips.landscape, destination=published, probe=result, start=0.5, end=2.0)

    assert ffmpeg_calls == [expected]
    assert expected[expected.index("-ss") + 1] == "0.500000"
    # One frame past the end, only to stop reading; the trim filters make the cut.
    assert expected[expected.index("-t") + 1] == "1.533333"
    assert expected[expected.index("-vf") + 1] == "trim=end=1.500000,scale=568:320"
    assert expected[expected.index("-af") + 1] == "atrim=end=1.500000"
    assert expected.index("-ss") < expected.index("-i") < expected.index("-t")
    assert expected[expected.index("-g") + 1] == "60"


@pytest.mark.parametrize(
    ("start", "end"),
    [(1.0, 0.5), (1.0, 1.0), (-0.1, 1.0), (0.0, 3.5), (math.nan, 1.0), (0.0, math.inf)],
    ids=["reversed", "empty", "before-start", "past-end", "nan", "infinite"],
)
def test_encode_range_refuses_a_range_outside_the_video(
    tmp_path: Path, clips: Clips, ffmpeg_calls: list[list[str]], start: float, end: float
):
    result = probed(clips.landscape)
    ffmpeg_calls.clear()
    published = tmp_path / "published.mp4"

    with pytest.raises(MediaError) as refused:
        encode_range(source=clips.landscape, destination=published, probe=result, start=start, end=end)

    assert refused.value.reason.startswith("The selected range")
    assert ffmpeg_calls == []
    assert not published.exists()


def test_encode_range_accepts_an_end_rounded_up_by_ten_milliseconds(tmp_path: Path, clips: Clips):
    published = tmp_path / "published.mp4"

    encode_range(
        source=clips.landscape, destination=published, probe=probed(clips.landscape), start=2.0, end=3.01
    )

    assert count_video_frames(path=published) == 30


# --- measuring helpers -------------------------------------------------------------------


def test_count_video_frames_and_audio_duration_measure_the_source(clips: Clips):
    assert count_video_frames(path=clips.landscape) == 90
    assert audio_duration(path=clips.landscape) == 3.0
    assert audio_duration(path=clips.silent) is None
