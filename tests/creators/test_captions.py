"""Captions: an uploaded WebVTT or SRT file is parsed and re-written as plain WebVTT (never served as it
came), refused with the line that broke a rule, stored one per language, served only to who may see the
video, listed in the HLS master, exported with "Your data" and deleted with the video and the account."""

import io
import json
import math
import re
import zipfile
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from creators import captions, services
from creators.models import CaptionTrack, Video
from creators.personal_data import creators_erase
from platform import personal_data
from platform.tasks import data_export_build_task
from tests.clips import Clips
from tests.conftest import stored_files
from tests.factories import CreatorFactory, UserFactory, published_video
from tests.s3 import S3Media

VTT = b"""WEBVTT Kind: captions

NOTE a comment we drop

STYLE
::cue { color: red }

intro
00:00.500 --> 00:01.250 align:start position:10%
<v Sam>Hello <b>there</b> &amp; welcome

00:00:01.500 --> 00:00:02.900
Second line
of two
"""

SRT = b"""1
00:00:00,500 --> 00:00:01,250
<i>Hello</i> there & welcome

2
00:00:01,500 --> 00:00:02,900
Second line
of two
"""

EXPECTED_VTT = (
    b"WEBVTT\n"
    b"\n00:00:00.500 --> 00:00:01.250\nHello there &amp; welcome\n"
    b"\n00:00:01.500 --> 00:00:02.900\nSecond line\nof two\n"
)


# --- the parser ------------------------------------------------------------------------------


def test_webvtt_is_parsed_and_rewritten_without_settings_markup_or_notes():
    cues = captions.parse(VTT)
    assert cues == [
        captions.Cue(start=0.5, end=1.25, text="Hello there & welcome"),
        captions.Cue(start=1.5, end=2.9, text="Second line\nof two"),
    ]
    assert captions.serialise(cues) == EXPECTED_VTT


def test_the_rewritten_file_parses_back_to_the_same_cues():
    cues = captions.parse(VTT)
    assert captions.parse(captions.serialise(cues)) == cues
    assert captions.serialise(captions.parse(captions.serialise(cues))) == EXPECTED_VTT


def test_srt_becomes_the_same_webvtt():
    assert captions.serialise(captions.parse(SRT)) == EXPECTED_VTT


def test_crlf_a_byte_order_mark_and_hours_past_ninety_nine_minutes_are_read():
    data = b"\xef\xbb\xbf1\r\n01:40:00,000 --> 01:40:01,000\r\n<script>alert(1)</script>x < y\r\n"
    cues = captions.parse(data)
    assert cues == [captions.Cue(start=6000.0, end=6001.0, text="alert(1)x < y")]
    assert captions.serialise(cues) == b"WEBVTT\n\n01:40:00.000 --> 01:40:01.000\nalert(1)x &lt; y\n"


REFUSED = [
    pytest.param(b"WEBVTT\n\n00:01.000 -> 00:02.000\nHi\n", 3, "expected a cue timing line", id="arrow"),
    pytest.param(b"WEBVTT\n\n00:01.000 --> 00:02,000\nHi\n", 3, "cue timing is not valid", id="comma-in-vtt"),
    pytest.param(b"1\n00:00:01,000 --> 00:00:61,000\nHi\n", 2, "cue timing is not valid", id="61-seconds"),
    pytest.param(b"WEBVTT\n\nHello there\n", 3, "expected a cue timing line", id="text-without-timing"),
    pytest.param(b"WEBVTT\n\n00:02.000 --> 00:01.000\nHi\n", 3, "ends before it starts", id="backwards"),
    pytest.param(b"WEBVTT\n\n00:01.000 --> 00:01.000\nHi\n", 3, "ends before it starts", id="zero-length"),
    pytest.param(
        b"WEBVTT\n\n00:01.000 --> 00:03.000\nA\n\n00:02.000 --> 00:04.000\nB\n",
        6,
        "before the previous one ends (3.000 s)",
        id="overlap",
    ),
    pytest.param(
        b"WEBVTT\n\n00:02.000 --> 00:02.500\nA\n\n00:01.000 --> 00:01.500\nB\n",
        6,
        "before the previous one ends",
        id="out-of-order",
    ),
    pytest.param(
        b"WEBVTT\n\n00:00.000 --> 00:45.000\nLong\n", 3, "lasts 45.0 s; at most 30 s", id="too-long"
    ),
    pytest.param(
        b"WEBVTT\n\n00:00.000 --> 00:02.000\n" + b"word " * 80 + b"\n",
        3,
        "too long",
        id="too-many-characters",
    ),
    pytest.param(b"WEBVTT\n\n00:00.000 --> 00:02.000\na\nb\nc\nd\ne\n", 3, "too long", id="too-many-lines"),
    pytest.param(b"WEBVTT\n\n00:00.000 --> 00:02.000\n<i></i>\n", 3, "no text", id="empty-text"),
    pytest.param(b"WEBVTT\n\n00:00.000 --> 00:02.000\na --> b\n", 4, "may not contain", id="arrow-in-text"),
    pytest.param(
        b"WEBVTT\n\n00:00.000 --> 00:01.000\nok\n\x00\x01\x02PK\x03\x04\n", 5, "not text", id="binary"
    ),
    pytest.param(b"WEBVTT\n\n00:00.000 --> 00:01.000\ncaf\xe9\n", 4, "not UTF-8", id="latin-1"),
    pytest.param(
        b"WEBVTT\n\n00:09.000 --> 00:10.000\nLate\n", 3, "after the video ends (3.000 s)", id="past-end"
    ),
]


@pytest.mark.parametrize(("data", "line", "message"), REFUSED)
def test_a_bad_file_is_refused_naming_its_line(data: bytes, line: int, message: str):
    with pytest.raises(captions.CaptionError) as caught:
        captions.parse(data, max_seconds=3.0)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"line {line}: ")
    assert message in str(caught.value)


def test_an_empty_or_huge_file_is_refused_as_a_whole():
    with pytest.raises(captions.CaptionError, match="no captions in it"):
        captions.parse(b"WEBVTT\n\nNOTE only a note\n")
    big = b"WEBVTT\n\n" + b"00:00.000 --> 00:01.000\nx\n\n" * 20000
    with pytest.raises(captions.CaptionError, match="larger than 256 KB") as caught:
        captions.parse(big)
    assert caught.value.line == 0


def test_the_master_playlist_gains_a_subtitle_group_on_every_variant():
    master = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv360/index.m3u8\n"
    master += "#EXT-X-STREAM-INF:BANDWIDTH=2\nv540/index.m3u8\n"
    tracks = [captions.HlsSubtitles(language="de", name='Deutsch "x"', uri="/v/1/captions/de.m3u8")]
    assert captions.master_with_subtitles(master, tracks=tracks) == (
        "#EXTM3U\n#EXT-X-VERSION:7\n"
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="de",NAME="Deutsch \'x\'",DEFAULT=NO,'
        'AUTOSELECT=YES,URI="/v/1/captions/de.m3u8"\n'
        '#EXT-X-STREAM-INF:BANDWIDTH=1,SUBTITLES="subs"\nv360/index.m3u8\n'
        '#EXT-X-STREAM-INF:BANDWIDTH=2,SUBTITLES="subs"\nv540/index.m3u8\n'
    )
    assert captions.master_with_subtitles(master, tracks=[]) == master


# --- storing, serving, replacing ----------------------------------------------------------------


def caption_upload(language: str, data: bytes, name: str = "subs.srt") -> dict[str, object]:
    return {"captions-language": language, "captions-file": SimpleUploadedFile(name, data)}


def caption_files(root: str | Path) -> list[str]:
    return [name for name in stored_files(root) if "/captions-" in name]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def owner(client):
    profile = CreatorFactory.create()
    client.force_login(profile.user)
    return profile


def vtt_url(video: Video, language: str = "en", extension: str = "vtt") -> str:
    return reverse("creators:video_captions", args=[video.public_id, language, extension])


@pytest.mark.django_db
def test_the_owner_uploads_srt_and_viewers_get_the_rewritten_webvtt(
    client, owner, media_root, django_capture_on_commit_callbacks
):
    video = published_video(owner=owner, duration=3.0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("creators:studio_video_captions", args=[video.public_id]), caption_upload("en", SRT)
        )
    assert response.status_code == 302
    assert response["Location"].endswith("#captions")
    assert messages_of(response) == ["Captions saved: English."]
    track = CaptionTrack.objects.get(video=video)
    assert (track.language, track.cue_count) == ("en", 2)
    assert re.fullmatch(
        rf"videos/{video.public_id.hex}/captions-en-[0-9a-f]{{12}}\.vtt", str(track.file.name)
    )
    video.refresh_from_db()
    assert video.caption_languages == ["en"]
    client.logout()  # anyone may see a public video: so its captions
    served = client.get(vtt_url(video))
    assert served.status_code == 200
    assert served["Content-Type"] == "text/vtt; charset=utf-8"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served.content == EXPECTED_VTT
    page = client.get(reverse("creators:studio_video", args=[video.public_id]))
    assert page.status_code == 302  # the studio is the owner's


@pytest.mark.django_db
def test_uploading_a_language_again_replaces_it_and_deletes_the_old_file(
    client, owner, media_root, django_capture_on_commit_callbacks
):
    video = published_video(owner=owner, duration=3.0)
    url = reverse("creators:studio_video_captions", args=[video.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, caption_upload("de", SRT))
    first = caption_files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, caption_upload("de", b"WEBVTT\n\n00:00.000 --> 00:01.000\nNeu\n", "neu.vtt"))
    assert CaptionTrack.objects.filter(video=video).count() == 1
    (now,) = caption_files(media_root)
    assert now not in first
    assert len(first) == 1
    assert client.get(vtt_url(video, "de")).content == b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nNeu\n"
    page = client.get(reverse("creators:studio_video", args=[video.public_id])).content.decode()
    assert 'data-testid="caption-track" data-language="de"' in page
    assert "1 caption<" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"), [pytest.param(row.values[0], row.values[2], id=row.id) for row in REFUSED]
)
def test_a_refused_upload_says_the_line_and_writes_nothing(
    client, owner, media_root, django_capture_on_commit_callbacks, data: bytes, message: str
):
    video = published_video(owner=owner, duration=3.0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("creators:studio_video_captions", args=[video.public_id]), caption_upload("en", data)
        )
    assert response.status_code == 302
    (said,) = messages_of(response)
    assert re.match(r"line \d+: ", said)
    assert message in said
    assert not CaptionTrack.objects.exists()
    assert caption_files(media_root) == []
    video.refresh_from_db()
    assert video.caption_languages == []


@pytest.mark.django_db
def test_an_unknown_language_or_an_oversized_file_writes_nothing(client, owner, media_root):
    video = published_video(owner=owner, duration=3.0)
    url = reverse("creators:studio_video_captions", args=[video.public_id])
    response = client.post(url, caption_upload("xx", SRT))
    assert "Select a valid choice" in messages_of(response)[0]
    response = client.post(url, caption_upload("en", b"WEBVTT\n\n" + b"x" * captions.MAX_BYTES))
    assert messages_of(response)[-1] == "The file is larger than 256 KB."
    assert not CaptionTrack.objects.exists()
    assert caption_files(media_root) == []


@pytest.mark.django_db
def test_only_the_owner_may_upload_or_delete_captions(client, media_root, django_capture_on_commit_callbacks):
    video = published_video(owner=CreatorFactory.create(), duration=3.0)
    with django_capture_on_commit_callbacks(execute=True):
        services.caption_track_set(video=video, language="en", data=SRT)
    other = CreatorFactory.create()
    client.force_login(other.user)
    url = reverse("creators:studio_video_captions", args=[video.public_id])
    assert client.post(url, caption_upload("de", SRT)).status_code == 404
    delete = reverse("creators:studio_video_caption_delete", args=[video.public_id, "en"])
    assert client.post(delete).status_code == 404
    assert list(CaptionTrack.objects.values_list("language", flat=True)) == ["en"]
    assert len(caption_files(media_root)) == 1


@pytest.mark.django_db
def test_the_owner_deletes_a_language_with_its_file(
    client, owner, media_root, django_capture_on_commit_callbacks
):
    video = published_video(owner=owner, duration=3.0)
    with django_capture_on_commit_callbacks(execute=True):
        services.caption_track_set(video=video, language="en", data=SRT)
        services.caption_track_set(video=video, language="fr", data=SRT)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("creators:studio_video_caption_delete", args=[video.public_id, "en"]))
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.caption_languages == ["fr"]
    assert [Path(name).name.split("-")[1] for name in caption_files(media_root)] == ["fr"]
    assert client.get(vtt_url(video, "en")).status_code == 404


@pytest.mark.django_db
def test_who_may_not_see_the_video_gets_404_for_its_captions(
    client, media_root, django_capture_on_commit_callbacks
):
    creator = CreatorFactory.create()
    video = published_video(owner=creator, duration=3.0, visibility=Video.Visibility.PRIVATE)
    with django_capture_on_commit_callbacks(execute=True):
        services.caption_track_set(video=video, language="en", data=SRT)
    Video.objects.filter(pk=video.pk).update(stream=f"videos/{video.public_id.hex}/stream-1-x/master.m3u8")
    urls = [vtt_url(video), vtt_url(video, extension="m3u8")]
    for url in urls:
        assert client.get(url).status_code == 404, url  # anonymous
    client.force_login(UserFactory.create())
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(creator.user)  # the owner may
    for url in urls:
        assert client.get(url).status_code == 200, url
    # A language it has no captions in, and one that is no language at all.
    assert client.get(vtt_url(video, "de")).status_code == 404
    assert client.get(f"/v/{video.public_id}/captions/../original.vtt").status_code == 404
    Video.objects.filter(pk=video.pk).update(visibility=Video.Visibility.PUBLIC, moderation_state="removed")
    client.force_login(UserFactory.create())
    assert client.get(vtt_url(video)).status_code == 404  # removed by a moderator


# --- with the ladder: the master lists them --------------------------------------------------------


def _published(creator, clip: Path, capture) -> Video:
    upload = SimpleUploadedFile(clip.name, clip.read_bytes(), content_type="video/mp4")
    with capture(execute=True):
        video = services.video_upload(owner=creator, upload=upload)
    video.refresh_from_db()
    with capture(execute=True):
        services.video_publish(video=video, start=0, end=3)
    video.refresh_from_db()
    assert video.state == Video.State.PUBLISHED
    return video


@pytest.mark.django_db
def test_the_master_playlist_lists_the_captions_and_feeds_list_them_for_the_mp4(
    client, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    creator = CreatorFactory.create()
    video = _published(creator, clips.portrait, django_capture_on_commit_callbacks)
    master_url = reverse(
        "creators:video_stream", args=[video.public_id, video.rendition_version, "master.m3u8"]
    )
    before = client.get(master_url).content.decode()
    assert "TYPE=SUBTITLES" not in before
    assert "SUBTITLES=" not in before
    with django_capture_on_commit_callbacks(execute=True):
        services.caption_track_set(video=video, language="en", data=SRT)
        services.caption_track_set(video=video, language="de", data=SRT)
    master = client.get(master_url).content.decode()
    media_lines = [line for line in master.splitlines() if line.startswith("#EXT-X-MEDIA:TYPE=SUBTITLES")]
    assert media_lines == [
        f'#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="{language}",NAME="{name}",DEFAULT=NO,'
        f'AUTOSELECT=YES,URI="/v/{video.public_id}/captions/{language}.m3u8"'
        for language, name in [("de", "Deutsch"), ("en", "English")]
    ]
    variants = [line for line in master.splitlines() if line.startswith("#EXT-X-STREAM-INF:")]
    assert variants
    assert all(line.endswith(',SUBTITLES="subs"') for line in variants)
    playlist = client.get(vtt_url(video, "de", "m3u8"))
    assert playlist["Content-Type"] == "application/vnd.apple.mpegurl"
    assert playlist.content.decode().splitlines() == [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{math.ceil(video.rendition_duration or 0)}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        f"#EXTINF:{video.rendition_duration:.3f},",
        f"/v/{video.public_id}/captions/de.vtt",
        "#EXT-X-ENDLIST",
    ]
    feed = client.get(reverse("api-feed-for-you")).json()
    (item,) = [row for row in feed["results"] if row["video"]["id"] == str(video.public_id)]
    assert item["video"]["captions"] == [
        {"language": "de", "name": "Deutsch", "url": f"/v/{video.public_id}/captions/de.vtt"},
        {"language": "en", "name": "English", "url": f"/v/{video.public_id}/captions/en.vtt"},
    ]


# --- on S3 --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_on_s3_captions_are_stored_in_the_bucket_and_served_by_the_site(
    s3_media: S3Media, client, django_capture_on_commit_callbacks
):
    video = published_video(owner=CreatorFactory.create(), duration=3.0)
    with django_capture_on_commit_callbacks(execute=True):
        track = services.caption_track_set(video=video, language="en", data=SRT)
    assert s3_media.keys() == [track.file.name]
    assert s3_media.read(str(track.file.name)) == EXPECTED_VTT
    served = client.get(vtt_url(video))
    assert served.status_code == 200  # the bytes themselves: a <track> needs no CORS, nothing is presigned
    assert served.content == EXPECTED_VTT
    with django_capture_on_commit_callbacks(execute=True):
        services.caption_track_set(video=video, language="en", data=b"WEBVTT\n\n00:00.000 --> 00:01.000\nx\n")
    (replaced,) = s3_media.keys()
    assert replaced != track.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.video_delete(video=video)
    assert s3_media.keys() == []


# --- your data, deletion, the admin -----------------------------------------------------------------


@pytest.mark.django_db
def test_captions_are_in_the_data_export(django_capture_on_commit_callbacks):
    creator = CreatorFactory.create()
    video = published_video(owner=creator, duration=3.0)
    other = published_video(owner=CreatorFactory.create(), duration=3.0)
    with django_capture_on_commit_callbacks(execute=True):
        services.caption_track_set(video=video, language="es", data=SRT)
        services.caption_track_set(video=other, language="en", data=SRT)
    with django_capture_on_commit_callbacks(execute=False):
        export = personal_data.data_export_request(user=creator.user)
    data_export_build_task(export_id=export.pk)
    export.refresh_from_db()
    with export.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = [name for name in archive.namelist() if "captions" in name]
    assert names == [f"creators/videos/{video.public_id}/captions-es.vtt"]
    assert archive.read(names[0]) == EXPECTED_VTT
    rows = json.loads(archive.read("creators/videos.json"))
    assert [row["captions"] for row in rows] == [["es"]]


@pytest.mark.django_db
def test_deleting_the_video_or_the_account_deletes_the_captions(
    media_root, django_capture_on_commit_callbacks
):
    creator = CreatorFactory.create()
    first = published_video(owner=creator, duration=3.0)
    second = published_video(owner=creator, duration=3.0)
    with django_capture_on_commit_callbacks(execute=True):
        for video in (first, second):
            services.caption_track_set(video=video, language="en", data=SRT)
    assert len(caption_files(media_root)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.video_delete(video=first)
    assert len(caption_files(media_root)) == 1
    assert CaptionTrack.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        creators_erase(creator.user)
    assert caption_files(media_root) == []
    assert not CaptionTrack.objects.exists()


@pytest.mark.django_db
def test_the_admin_shows_a_videos_captions_inline(client, django_capture_on_commit_callbacks):
    video = published_video(owner=CreatorFactory.create(), duration=3.0)
    with django_capture_on_commit_callbacks(execute=True):
        services.caption_track_set(video=video, language="en", data=SRT)
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:creators_video_change", args=[video.pk])).content.decode()
    assert "Caption tracks" in html
    assert "Hello there &amp;amp; welcome" in html  # the served file's text, escaped once more
    assert "caption_tracks-0-language" not in html  # read-only: no form field


@pytest.mark.django_db
def test_the_form_offers_the_pages_language_first_then_one_the_video_has_no_captions_in(
    client, owner, media_root, django_capture_on_commit_callbacks
):
    video = published_video(owner=owner, duration=3.0)
    studio = reverse("creators:studio_video", args=[video.public_id])

    def chosen(**headers: str) -> list[str]:
        page = client.get(studio, **headers).content.decode()
        select = re.search(r'<select name="captions-language".*?</select>', page, flags=re.DOTALL)
        assert select is not None
        return re.findall(r'<option value="([a-z]+)"[^>]*selected', select.group(0))

    assert chosen() == ["en"]
    assert chosen(HTTP_ACCEPT_LANGUAGE="de") == ["de"]  # a German creator captions in German first
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("creators:studio_video_captions", args=[video.public_id]), caption_upload("de", SRT)
        )
    assert chosen(HTTP_ACCEPT_LANGUAGE="de") == ["en"]  # German is done: the next language


# --- a trim moves the captions with the video ----------------------------------------------------


def test_retimed_moves_cuts_and_drops_cues():
    cues = captions.parse(SRT)  # 0.5–1.25 and 1.5–2.9
    assert captions.retimed(cues, shift=-1.0, seconds=1.5) == [
        captions.Cue(start=0.0, end=0.25, text="Hello there & welcome"),
        captions.Cue(start=0.5, end=1.5, text="Second line\nof two"),
    ]
    assert captions.retimed(cues, shift=0.0, seconds=1.0) == [
        captions.Cue(start=0.5, end=1.0, text="Hello there & welcome")
    ]
    assert captions.retimed(cues, shift=2.0, seconds=10.0)[0] == captions.Cue(
        start=2.5, end=3.25, text="Hello there & welcome"
    )
    assert captions.retimed(cues, shift=-3.0, seconds=5.0) == []


@pytest.mark.django_db
def test_captions_must_fit_the_trimmed_video_not_the_original(
    client, owner, media_root, django_capture_on_commit_callbacks
):
    video = published_video(owner=owner, duration=10.0, trim_start=1.0, trim_end=2.2)  # 1.2 s as seen
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("creators:studio_video_captions", args=[video.public_id]), caption_upload("en", SRT)
        )
    (said,) = messages_of(response)
    assert said == "line 6: the cue starts at 1.500 s, after the video ends (1.200 s)."
    assert not CaptionTrack.objects.exists()
    assert caption_files(media_root) == []


@pytest.mark.django_db
def test_changing_a_drafts_trim_moves_its_captions_and_drops_a_language_left_empty(
    media_root, django_capture_on_commit_callbacks
):
    video = published_video(
        owner=CreatorFactory.create(), state=Video.State.DRAFT, duration=10.0, trim_end=10.0
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.caption_track_set(video=video, language="en", data=SRT)
        services.caption_track_set(
            video=video, language="de", data=b"WEBVTT\n\n00:08.000 --> 00:09.000\nEnde\n"
        )
    before = caption_files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        services.video_trim_set(video=video, start=1.0, end=5.0)
    video.refresh_from_db()
    assert video.caption_languages == ["en"]  # German had one caption, at 8 s: now outside the video
    track = CaptionTrack.objects.get(video=video)
    assert track.cue_count == 2
    assert track.file.read() == (
        b"WEBVTT\n\n00:00:00.000 --> 00:00:00.250\nHello there &amp; welcome\n"
        b"\n00:00:00.500 --> 00:00:01.900\nSecond line\nof two\n"
    )
    (now,) = caption_files(media_root)
    assert now not in before  # stored again under a new name; the old files are gone
    with django_capture_on_commit_callbacks(execute=True):
        services.video_trim_set(video=video, start=1.0, end=5.0)  # the same range: nothing to move
    assert caption_files(media_root) == [now]


@pytest.mark.django_db
def test_a_retrim_moves_the_captions_when_the_new_rendition_goes_live(
    client, clips: Clips, eager_tasks, media_root, django_capture_on_commit_callbacks
):
    creator = CreatorFactory.create()
    upload = SimpleUploadedFile("clip.mp4", clips.landscape.read_bytes(), content_type="video/mp4")
    with django_capture_on_commit_callbacks(execute=True):
        video = services.video_upload(owner=creator, upload=upload)
    video.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.video_publish(video=video, start=0, end=3)
        services.caption_track_set(video=video, language="en", data=SRT)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.video_publish(video=video, start=1, end=2.5)
    # Until the new rendition is live, viewers see the old range, and the captions stay as written.
    assert client.get(vtt_url(video)).content == EXPECTED_VTT
    with django_capture_on_commit_callbacks(execute=True):
        for callback in pending:
            callback()
    video.refresh_from_db()
    assert (video.trim_start, video.trim_end) == (1.0, 2.5)
    assert client.get(vtt_url(video)).content == (
        b"WEBVTT\n\n00:00:00.000 --> 00:00:00.250\nHello there &amp; welcome\n"
        b"\n00:00:00.500 --> 00:00:01.500\nSecond line\nof two\n"
    )
    assert len(caption_files(media_root)) == 1
