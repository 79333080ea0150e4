"""The HLS ladder: one ffmpeg run renders every rung, cut into aligned ~2 s fMP4 segments, trimmed to
the frame in each rung, stored whole or not at all, and served only to who may watch the MP4."""

import re
from pathlib import Path

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from creators import media, services, streaming
from creators.models import Video
from devtools import testclips
from tests.clips import Clips
from tests.conftest import stored_files
from tests.factories import CreatorFactory, UserFactory
from tests.s3 import S3Media


@pytest.fixture(scope="module")
def tall_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """540x960, 3 s at 30 fps with sound: two rungs (360 and 540), two segments each."""
    path = tmp_path_factory.mktemp("ladder") / "tall.mp4"
    testclips.make_test_clip(destination=path, seconds=3, width=540, height=960)
    return path


def probed(path: Path) -> media.ProbeResult:
    return media.probe(path=path, max_seconds=60, max_pixels=10**7)


def rung_as_file(ladder: media.Ladder, rung: media.Rung, folder: Path) -> Path:
    """A rung's init segment and media segments joined: one fragmented MP4 to decode."""
    rung_folder = ladder.folder / rung.folder
    names = media.media_playlist_files(text=(rung_folder / media.LADDER_MEDIA_PLAYLIST).read_text())
    joined = folder / f"{rung.folder}.mp4"
    joined.write_bytes(b"".join((rung_folder / name).read_bytes() for name in names))
    return joined


def keyframe_times(path: Path) -> list[float]:
    _, log = media.ffmpeg_read(
        source=path, output_args=["-map", "0:V:0", "-vf", "showinfo", "-f", "null", "-"], timeout=60
    )
    return [
        round(float(match.group(1)), 3)
        for line in log.splitlines()
        if "iskey:1" in line and (match := re.search(r"pts_time:([0-9.]+)", line))
    ]


def master_variants(text: str) -> list[dict[str, str]]:
    variants = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("#EXT-X-STREAM-INF:"):
            attributes = dict(re.findall(r'([A-Z-]+)=("[^"]*"|[^,]*)', line.split(":", 1)[1]))
            attributes["URI"] = lines[index + 1]
            variants.append(attributes)
    return variants


def test_ladder_renders_every_rung_up_to_the_source_in_one_run(tmp_path: Path, tall_clip: Path):
    info = probed(tall_clip)
    ladder = media.encode_ladder(
        source=tall_clip, destination=tmp_path / "ladder", probe=info, start=0.5, end=2.0
    )
    assert [(rung.width, rung.height) for rung in ladder.rungs] == [(360, 640), (540, 960)]
    command = media.ladder_command(
        source=tall_clip, destination=tmp_path / "x", probe=info, start=0.5, end=2.0
    )
    assert command.count("-i") == 1  # one input, decoded once, split to both rungs
    assert "split=2[s0][s1]" in command[command.index("-filter_complex") + 1]
    text = (ladder.folder / media.LADDER_MASTER).read_text()
    variants = master_variants(text)
    assert [variant["RESOLUTION"] for variant in variants] == ["360x640", "540x960"]
    assert [variant["URI"] for variant in variants] == ["v360/index.m3u8", "v540/index.m3u8"]
    # The sound is one rendition, encoded once, that every variant names as its audio group.
    sound = [line for line in text.splitlines() if line.startswith("#EXT-X-MEDIA:")]
    assert sound == [
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Sound",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",'
        'URI="audio/index.m3u8"'
    ]
    assert ladder.audio
    assert ladder.folders == ["v360", "v540", "audio"]
    sound_bits = 8 * sum(path.stat().st_size for path in (ladder.folder / "audio").glob("seg*.m4s")) / 1.5
    for rung, variant in zip(ladder.rungs, variants, strict=True):
        codecs = variant["CODECS"].strip('"').split(",")
        assert codecs[0].startswith("avc1.64")
        assert codecs[1] == "mp4a.40.2"
        assert variant["AUDIO"] == '"audio"'
        # A variant's bandwidth is its pictures' and the sound's together.
        picture_bits = (
            8 * sum(path.stat().st_size for path in (ladder.folder / rung.folder).glob("seg*.m4s")) / 1.5
        )
        assert int(variant["AVERAGE-BANDWIDTH"]) == pytest.approx(picture_bits + sound_bits, rel=0.01)
    assert int(variants[0]["BANDWIDTH"]) < int(variants[1]["BANDWIDTH"])
    assert all(int(variant["BANDWIDTH"]) >= int(variant["AVERAGE-BANDWIDTH"]) > 0 for variant in variants)
    # Segments are cut into ~0.5 s fragments, for a player to show the first before the rest arrives;
    # the init segments hold the track headers only (the muxer leaves the first fragments in them).
    for folder in ladder.folders:
        names = media.media_playlist_files(
            text=(ladder.folder / folder / media.LADDER_MEDIA_PLAYLIST).read_text()
        )
        assert names[0] == "init.mp4"  # one name in every ladder, whatever the muxer numbered it
        init = [kind for kind, _, _ in media.mp4_boxes(data=(ladder.folder / folder / names[0]).read_bytes())]
        assert init == ["ftyp", "moov"]
        first = [
            kind for kind, _, _ in media.mp4_boxes(data=(ladder.folder / folder / names[1]).read_bytes())
        ]
        assert first[0] == "styp"
        assert first.count("moof") == first.count("mdat") >= 3  # 1.5 s in ~0.5 s fragments
    # What the page tells the player to fetch first is there: the lowest rung's and the sound's.
    start = media.ladder_start_files(width=info.width, height=info.height, audio=True)
    assert start == (
        "v360/index.m3u8",
        "v360/init.mp4",
        "v360/seg00000.m4s",
        "audio/index.m3u8",
        "audio/init.mp4",
        "audio/seg00000.m4s",
    )
    for name in start:
        assert (ladder.folder / name).stat().st_size > 0, name
    # Frame-accurate in every rung: [0.5, 2.0) at 30 fps is 45 frames, pictures only.
    for rung in ladder.rungs:
        joined = rung_as_file(ladder, rung, tmp_path)
        assert testclips.count_video_frames(path=joined) == 45
        assert probed(joined).video_codec == "h264"
        assert not probed(joined).has_audio
    # And 1.5 s of sound. Segments carry no edit list, so the AAC encoder's priming (1024 samples) counts.
    joined = tmp_path / "sound.mp4"
    names = media.media_playlist_files(
        text=(ladder.folder / "audio" / media.LADDER_MEDIA_PLAYLIST).read_text()
    )
    joined.write_bytes(b"".join((ladder.folder / "audio" / name).read_bytes() for name in names))
    assert testclips.audio_duration(path=joined) == pytest.approx(1.5 + 1024 / 48000, abs=0.03)


def test_ladder_segments_last_two_seconds_and_keyframes_line_up_across_rungs(tmp_path: Path, tall_clip: Path):
    ladder = media.encode_ladder(
        source=tall_clip, destination=tmp_path / "ladder", probe=probed(tall_clip), start=0, end=3
    )
    durations, keyframes = [], []
    for rung in ladder.rungs:
        playlist = (ladder.folder / rung.folder / media.LADDER_MEDIA_PLAYLIST).read_text()
        assert "#EXT-X-ENDLIST" in playlist
        assert "#EXT-X-TARGETDURATION:2" in playlist
        durations.append([float(value) for value in re.findall(r"#EXTINF:([0-9.]+)", playlist)])
        keyframes.append(keyframe_times(rung_as_file(ladder, rung, tmp_path)))
    assert durations == [[2.0, 1.0], [2.0, 1.0]]
    # A keyframe opens every segment, at the same instant in both rungs (all shifted by the AAC priming).
    assert keyframes[0] == keyframes[1]
    assert [round(time - keyframes[0][0], 3) for time in keyframes[0]] == [0.0, 2.0]


def test_ladder_never_goes_above_the_source(tmp_path: Path, clips: Clips):
    # 320x568: smaller than the lowest rung, so one rung at its own size.
    ladder = media.encode_ladder(
        source=clips.portrait, destination=tmp_path / "ladder", probe=probed(clips.portrait), start=0, end=1
    )
    assert [(rung.width, rung.height) for rung in ladder.rungs] == [(320, 568)]
    big = media.ladder_rungs(probe=probed(clips.large_mpeg4))  # 1088x1920
    assert [(rung.width, rung.height) for rung in big] == [(360, 636), (540, 952), (720, 1270), (1080, 1906)]


def test_a_silent_source_gets_a_ladder_without_a_sound_rendition(tmp_path: Path, clips: Clips):
    info = probed(clips.silent)  # 568x320, no audio track
    ladder = media.encode_ladder(
        source=clips.silent, destination=tmp_path / "ladder", probe=info, start=0, end=2
    )
    assert not ladder.audio
    assert sorted(path.name for path in ladder.folder.iterdir()) == ["master.m3u8", "v320"]
    text = (ladder.folder / media.LADDER_MASTER).read_text()
    assert "#EXT-X-MEDIA" not in text
    [variant] = master_variants(text)
    assert variant["CODECS"].strip('"').startswith("avc1.")
    assert "mp4a" not in variant["CODECS"]
    assert "AUDIO" not in variant
    assert media.ladder_start_files(width=info.width, height=info.height, audio=False) == (
        "v320/index.m3u8",
        "v320/init.mp4",
        "v320/seg00000.m4s",
    )
    mp4 = tmp_path / "top.mp4"
    media.ladder_to_mp4(ladder=ladder, destination=mp4)
    assert (probed(mp4).has_audio, testclips.count_video_frames(path=mp4)) == (False, 60)


def test_ladder_top_rung_copied_to_one_mp4_keeps_every_frame(tmp_path: Path, tall_clip: Path):
    ladder = media.encode_ladder(
        source=tall_clip, destination=tmp_path / "ladder", probe=probed(tall_clip), start=0.25, end=2.75
    )
    mp4 = tmp_path / "top.mp4"
    media.ladder_to_mp4(ladder=ladder, destination=mp4)
    result = probed(mp4)
    assert (result.width, result.height, result.is_browser_playable) == (540, 960, True)
    assert testclips.count_video_frames(path=mp4) == 75
    assert result.audio_codec == "aac"  # the sound's rendition, copied in beside the pictures
    assert testclips.audio_duration(path=mp4) == pytest.approx(2.5 + 1024 / 48000, abs=0.03)
    assert mp4.read_bytes()[:1000].find(b"moov") != -1  # faststart: the index comes first


def test_failed_ladder_leaves_no_folder_and_no_playlist(tmp_path: Path, tall_clip: Path):
    destination = tmp_path / "ladder"
    with pytest.raises(media.MediaError, match="took too long"):
        media.encode_ladder(
            source=tall_clip, destination=destination, probe=probed(tall_clip), start=0, end=3, timeout=0.05
        )
    assert list(tmp_path.iterdir()) == []


def test_failed_ladder_leaves_the_video_failed_and_retriable_with_nothing_stored(
    creator, tall_clip: Path, eager_tasks, django_capture_on_commit_callbacks, media_root, monkeypatch
):
    video = _draft(creator, tall_clip, django_capture_on_commit_callbacks)
    before = stored_files(media_root)

    def broken(**kwargs):
        raise media.MediaError("The video could not be processed.", detail="rung 540 failed")

    monkeypatch.setattr(media, "encode_ladder", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.video_publish(video=video, start=0, end=2)
    video.refresh_from_db()
    assert (video.state, video.failed_step) == (Video.State.FAILED, Video.Step.PUBLISHING)
    assert (video.stream.name, video.rendition.name) == ("", "")
    assert stored_files(media_root) == before
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.video_retry(video=video)
    video.refresh_from_db()
    assert video.state == Video.State.PUBLISHED
    assert str(video.stream.name).endswith("/master.m3u8")


def test_storing_a_ladder_that_fails_half_way_deletes_what_it_stored(
    creator, tmp_path: Path, clips: Clips, media_root, monkeypatch
):
    video = Video.objects.create(owner=creator, original="videos/x/original.mp4")
    ladder = media.encode_ladder(
        source=clips.portrait, destination=tmp_path / "ladder", probe=probed(clips.portrait), start=0, end=3
    )
    storage = video.stream.storage
    real_save, calls = storage.save, []

    def save(name, content, **kwargs):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_save(name, content, **kwargs)

    monkeypatch.setattr(storage, "save", save)
    with pytest.raises(OSError, match="disk full"):
        streaming.ladder_store(video=video, ladder=ladder, folder_name="stream-1-abc")
    assert stored_files(media_root) == []
    assert not calls[-1].endswith("master.m3u8")  # the master is stored last, never before its parts


# --- serving -------------------------------------------------------------------------------------------


@pytest.fixture
def creator(db):
    return CreatorFactory.create()


def _draft(creator, clip: Path, capture) -> Video:
    upload = SimpleUploadedFile(clip.name, clip.read_bytes(), content_type="video/mp4")
    with capture(execute=True):
        video = services.video_upload(owner=creator, upload=upload)
    video.refresh_from_db()
    return video


def _published(creator, clip: Path, capture) -> Video:
    video = _draft(creator, clip, capture)
    with capture(execute=True):
        services.video_publish(video=video, start=0, end=3)
    video.refresh_from_db()
    assert video.state == Video.State.PUBLISHED
    return video


def stream_url(video: Video, name: str = "master.m3u8", version: int | None = None) -> str:
    version = video.rendition_version if version is None else version
    return reverse("creators:video_stream", args=[video.public_id, version, name])


@pytest.mark.django_db
def test_published_video_streams_its_ladder_to_a_viewer(
    client, creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks, media_root
):
    video = _published(creator, clips.portrait, django_capture_on_commit_callbacks)
    master = client.get(stream_url(video))
    assert master.status_code == 200
    assert master["Content-Type"] == "application/vnd.apple.mpegurl"
    assert [variant["URI"] for variant in master_variants(master.content.decode())] == ["v320/index.m3u8"]
    assert 'URI="audio/index.m3u8"' in master.content.decode()
    for folder in ["v320", "audio"]:
        playlist = client.get(stream_url(video, f"{folder}/index.m3u8")).content.decode()
        names = media.media_playlist_files(text=playlist)
        assert names == ["init.mp4", "seg00000.m4s", "seg00001.m4s"]
    segment = client.get(stream_url(video, "v320/seg00001.m4s"), HTTP_RANGE="bytes=0-99")
    assert segment.status_code == 206
    assert len(b"".join(segment.streaming_content)) == 100
    # The MP4 fallback is still served, with ranges.
    mp4 = client.get(reverse("creators:video_file", args=[video.public_id, "video"]), HTTP_RANGE="bytes=0-9")
    assert mp4.status_code == 206
    folder = f"videos/{video.public_id.hex}/"
    assert sorted(name for name in stored_files(media_root) if "/stream-" in name) == sorted(
        f"{folder}{Path(str(video.stream.name)).parent.name}/{part}"
        for part in [
            "master.m3u8",
            *(f"{folder}/{name}" for folder in ["v320", "audio"] for name in names),
            "v320/index.m3u8",
            "audio/index.m3u8",
        ]
    )


@pytest.mark.django_db
def test_who_may_not_see_the_video_gets_404_for_every_part_of_its_ladder(
    client, creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    video = _published(creator, clips.portrait, django_capture_on_commit_callbacks)
    Video.objects.filter(pk=video.pk).update(visibility=Video.Visibility.PRIVATE)
    parts = [
        "master.m3u8",
        *(
            f"{folder}/{name}"
            for folder in ["v320", "audio"]
            for name in ["index.m3u8", "init.mp4", "seg00000.m4s"]
        ),
    ]
    client.force_login(UserFactory.create())
    for part in parts:
        assert client.get(stream_url(video, part)).status_code == 404, part
    assert client.get(reverse("creators:video_file", args=[video.public_id, "video"])).status_code == 404
    client.force_login(creator.user)  # the owner still may
    for part in parts:
        assert client.get(stream_url(video, part)).status_code == 200, part
    # Names that are not a ladder's files, and an old version, are not found for anyone.
    for name in [
        "../original.mp4",
        "v320/../../original.mp4",
        "v320/other.txt",
        "v320/index.m3u8x",
        "audio/../original.mp4",
        "sound/index.m3u8",
    ]:
        assert client.get(stream_url(video, name)).status_code == 404, name
    assert client.get(stream_url(video, version=video.rendition_version + 1)).status_code == 404


@pytest.mark.django_db
def test_retrim_replaces_the_ladder_and_deletes_the_old_one(
    client, creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks, media_root
):
    video = _published(creator, clips.portrait, django_capture_on_commit_callbacks)
    old_master = str(video.stream.name)
    with django_capture_on_commit_callbacks(execute=True):
        services.video_publish(video=video, start=1, end=2)
    video.refresh_from_db()
    assert video.stream.name != old_master
    assert not any(Path(old_master).parent.name in name for name in stored_files(media_root))
    assert client.get(stream_url(video, version=video.rendition_version - 1)).status_code == 404
    assert client.get(stream_url(video)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.video_delete(video=video)
    assert not any("/stream-" in name for name in stored_files(media_root))


@pytest.mark.django_db
def test_feed_items_carry_the_stream_url_beside_the_mp4(
    client, creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    video = _published(creator, clips.portrait, django_capture_on_commit_callbacks)
    from creators.api.serializers import VideoOutputSerializer

    data = VideoOutputSerializer(video).data
    assert data["stream_url"] == stream_url(video)
    # The lowest rung's first files and the sound's, for the player to fetch beside the master.
    start = [
        stream_url(video, f"{folder}/{name}")
        for folder in ["v320", "audio"]
        for name in ["index.m3u8", "init.mp4", "seg00000.m4s"]
    ]
    assert data["stream_start"] == start
    assert [client.get(url).status_code for url in start] == [200] * 6
    client.force_login(UserFactory.create())
    feed = client.get(reverse("api-feed-for-you")).json()
    assert [item["video"]["stream_start"] for item in feed["results"]] == [start]
    Video.objects.filter(pk=video.pk).update(stream="")
    video.refresh_from_db()
    assert VideoOutputSerializer(video).data["stream_url"] is None
    assert VideoOutputSerializer(video).data["stream_start"] == []


@pytest.mark.django_db(transaction=True)
def test_on_s3_media_playlists_name_presigned_segment_urls(
    s3_media: S3Media, client, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    creator = CreatorFactory.create()
    video = _published(creator, clips.portrait, django_capture_on_commit_callbacks)
    folder = Path(str(video.stream.name)).parent.as_posix()
    assert f"{folder}/master.m3u8" in s3_media.keys()  # noqa: SIM118 (a bucket listing, not a dict)
    master = client.get(stream_url(video)).content.decode()
    assert [variant["URI"] for variant in master_variants(master)] == ["v320/index.m3u8"]
    playlist = client.get(stream_url(video, "v320/index.m3u8")).content.decode()
    init = re.search(r'#EXT-X-MAP:URI="([^"]+)"', playlist)
    assert init is not None
    urls = [init.group(1), *(line for line in playlist.splitlines() if line and not line.startswith("#"))]
    assert len(urls) == 3
    # A page can know the playlist's URL ahead, not the presigned ones it names.
    from creators.api.serializers import VideoOutputSerializer

    assert VideoOutputSerializer(video).data["stream_start"] == [
        stream_url(video, "v320/index.m3u8"),
        stream_url(video, "audio/index.m3u8"),
    ]
    sound = client.get(stream_url(video, "audio/index.m3u8")).content.decode()
    sound_urls = [line for line in sound.splitlines() if line and not line.startswith("#")]
    assert len(sound_urls) == 2
    assert all(url.startswith(f"{s3_media.endpoint}/{s3_media.bucket}/{folder}/audio/") for url in sound_urls)
    for url in urls:
        assert url.startswith(f"{s3_media.endpoint}/{s3_media.bucket}/{folder}/v320/")
        assert "X-Amz-Signature=" in url
        assert "X-Amz-Expires=" in url
        answer = requests.get(url, timeout=10)
        assert answer.status_code == 200
        assert len(answer.content) > 0
        # The bucket stays private: the same object without the signature is refused.
        assert requests.get(url.split("?")[0], timeout=10).status_code == 403
    # Someone who may not see the video gets no playlist, so no presigned URL either.
    Video.objects.filter(pk=video.pk).update(visibility=Video.Visibility.PRIVATE)
    client.force_login(UserFactory.create())
    assert client.get(stream_url(video, "v320/index.m3u8")).status_code == 404


@pytest.mark.django_db
def test_a_teens_segments_count_as_served_screen_time_by_their_own_length(
    client, creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from platform import age
    from platform.models import ScreenTimeDay
    from tests.factories import born_years_ago

    cache.clear()
    video = _published(creator, clips.portrait, django_capture_on_commit_callbacks)
    teen = UserFactory.create(date_of_birth=born_years_ago(14))
    client.force_login(teen)

    def served() -> float:
        row = ScreenTimeDay.objects.filter(user=teen, day=age.screen_time_day(user=teen)).first()
        return row.served_seconds if row else 0.0

    for part in ["master.m3u8", "v320/index.m3u8", "v320/init.mp4", "audio/index.m3u8", "audio/init.mp4"]:
        assert client.get(stream_url(video, part)).status_code == 200
    assert served() == 0.0  # playlists and the init segment play nothing
    response = client.get(stream_url(video, "v320/seg00001.m4s"))
    b"".join(response.streaming_content)  # the test client closes the response after the last chunk
    assert served() == pytest.approx(1.0, abs=0.01)  # the second segment of a 3 s video lasts 1 s
    # The sound of that second plays beside it: fetched, and not counted again.
    response = client.get(stream_url(video, "audio/seg00001.m4s"))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert served() == pytest.approx(1.0, abs=0.01)


@pytest.mark.django_db
def test_publishing_leaves_nothing_in_the_workers_working_directory(
    tmp_path: Path, monkeypatch, creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    # The hls muxer makes its output folders from the names it is given: a `file:/…` name became a
    # folder called "file:" under whatever directory the worker was started in.
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    video = _published(creator, clips.portrait, django_capture_on_commit_callbacks)
    assert video.stream.name
    assert list(cwd.iterdir()) == []


@pytest.mark.django_db
def test_a_teen_at_the_days_limit_gets_no_part_of_the_ladder_not_even_its_sound(
    client, creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    from platform import age
    from platform.models import ScreenTimeDay
    from tests.factories import born_years_ago

    video = _published(creator, clips.portrait, django_capture_on_commit_callbacks)
    teen = UserFactory.create(date_of_birth=born_years_ago(14))
    client.force_login(teen)
    parts = ["master.m3u8", "v320/seg00000.m4s", "audio/index.m3u8", "audio/init.mp4", "audio/seg00000.m4s"]
    assert [client.get(stream_url(video, part)).status_code for part in parts] == [200] * 5
    ScreenTimeDay.objects.create(user=teen, day=age.screen_time_day(user=teen), seconds=3600)
    locked = client.get(reverse("creators:video_file", args=[video.public_id, "video"])).status_code
    assert locked == 403  # the MP4's answer at the lock
    assert [client.get(stream_url(video, part)).status_code for part in parts] == [locked] * 5
