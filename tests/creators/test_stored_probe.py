"""The probe is declared once (``media.ProbeResult``); the Video row stores it and gives it back unchanged."""

import pytest

from creators import media
from creators.models import Video
from creators.services.processing import probe_columns, stored_probe
from tests.clips import Clips
from tests.factories import VideoFactory

pytestmark = pytest.mark.django_db


def test_every_probe_field_has_a_video_column_of_the_same_name():
    columns = {field.name for field in Video._meta.get_fields()}
    assert set(media.PROBE_FIELDS) <= columns
    assert media.PROBE_FIELDS[:3] == ("container", "duration", "width")


def test_a_stored_probe_reads_back_as_the_probe_of_the_file(clips: Clips):
    for path in (clips.landscape, clips.silent, clips.rotated):
        info = media.probe(path=path, max_seconds=60, max_pixels=1920 * 1080)
        video = VideoFactory.create(**probe_columns(info))
        video.refresh_from_db()
        assert stored_probe(video) == info


def test_text_is_cut_to_its_column_and_no_audio_codec_is_stored_as_empty():
    info = media.ProbeResult(
        container="matroska",
        duration=2.5,
        width=320,
        height=568,
        rotation=0,
        fps=25.0,
        video_codec="a-very-long-codec-name-from-a-new-ffmpeg",
        pixel_format="yuv420p",
        has_audio=False,
        audio_codec=None,
    )
    columns = probe_columns(info)
    assert (columns["video_codec"], columns["audio_codec"]) == ("a-very-long-codec-na", "")
    video = VideoFactory.create(**columns)
    video.refresh_from_db()
    assert stored_probe(video) == media.ProbeResult(**{**vars(info), "video_codec": "a-very-long-codec-na"})


def test_a_video_not_yet_processed_has_no_stored_probe():
    assert stored_probe(Video(duration=None, container="")) is None
    assert stored_probe(VideoFactory.build(container="")) is None
