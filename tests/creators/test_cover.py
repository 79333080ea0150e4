"""The cover: a creator picks the poster's frame on the edit page (or goes back to the automatic one); a
worker makes it with ``make_poster`` at that moment. Checked on a clip whose colour changes over time."""

import io
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from creators import media, services
from creators.models import Video
from tests.clips import run_ffmpeg
from tests.conftest import stored_files
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

RED, GREEN, BLUE = (255, 0, 0), (0, 128, 0), (0, 0, 255)


@pytest.fixture(scope="module")
def colour_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s at 30 fps: red for 0.5 s, green until 2 s, blue to the end."""
    path = tmp_path_factory.mktemp("cover") / "colours.mp4"
    sources = []
    for colour, seconds in (("red", 0.5), ("green", 1.5), ("blue", 1.0)):
        sources += ["-f", "lavfi", "-i", f"color=c={colour}:s=320x568:r=30:d={seconds}"]
    run_ffmpeg(
        *sources,
        "-filter_complex", "[0][1][2]concat=n=3:v=1:a=0",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "30", str(path),
    )  # fmt: skip
    return path


def poster_colour(video: Video) -> tuple[int, int, int]:
    with video.poster.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read())).convert("RGB").resize((1, 1))
    pixel = image.getpixel((0, 0))
    assert isinstance(pixel, tuple)
    return pixel[0], pixel[1], pixel[2]


def near(colour: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(colour, expected, strict=True))


@pytest.fixture
def owner(client):
    profile = CreatorFactory.create()
    client.force_login(profile.user)
    return profile


@pytest.fixture
def draft(owner, colour_clip: Path, eager_tasks, django_capture_on_commit_callbacks) -> Video:
    upload = SimpleUploadedFile("colours.mp4", colour_clip.read_bytes(), content_type="video/mp4")
    with django_capture_on_commit_callbacks(execute=True):
        video = services.video_upload(owner=owner, upload=upload)
    video.refresh_from_db()
    assert video.state == Video.State.DRAFT
    return video


def choose(client, video: Video, capture, **data: str):
    with capture(execute=True):
        response = client.post(reverse("creators:studio_video_cover", args=[video.public_id]), data)
    video.refresh_from_db()
    return response


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_automatic_cover_is_the_frame_at_one_second(draft: Video):
    assert near(poster_colour(draft), GREEN)
    assert draft.poster_seconds is None


@pytest.mark.parametrize(
    ("seconds", "colour"), [("0.2", RED), ("1.2", GREEN), ("2.5", BLUE), ("3.0", BLUE), ("0", RED)]
)
def test_the_chosen_frame_becomes_the_cover(
    client, draft: Video, django_capture_on_commit_callbacks, media_root, seconds: str, colour
):
    old = draft.poster.name
    response = choose(client, draft, django_capture_on_commit_callbacks, seconds=seconds, action="choose")
    assert response.status_code == 302
    assert response["Location"].endswith("#cover")
    assert messages_of(response) == ["Making the new cover…"]
    assert draft.poster_seconds == float(seconds)
    assert draft.is_cover_pending is False
    assert draft.poster.name != old
    assert near(poster_colour(draft), colour), poster_colour(draft)
    # The old poster is gone: one poster file stays.
    assert [name for name in stored_files(media_root) if "/poster-" in name] == [draft.poster.name]


def test_going_back_to_the_automatic_cover(client, draft: Video, django_capture_on_commit_callbacks):
    choose(client, draft, django_capture_on_commit_callbacks, seconds="2.5", action="choose")
    assert near(poster_colour(draft), BLUE)
    response = choose(client, draft, django_capture_on_commit_callbacks, action="automatic")
    assert messages_of(response)[-1] == "Making the automatic cover…"
    assert draft.poster_seconds is None
    assert near(poster_colour(draft), GREEN)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"seconds": "-0.5"}, "Choose a moment from 0 to 3.00 seconds."),
        ({"seconds": "3.5"}, "Choose a moment from 0 to 3.00 seconds."),
        ({"seconds": "nan"}, "Choose a frame for the cover."),
        ({"seconds": "inf"}, "Choose a frame for the cover."),
        ({"seconds": "soon"}, "Choose a frame for the cover."),
        ({}, "Choose a frame for the cover."),
    ],
)
def test_a_time_outside_the_video_is_refused_and_changes_nothing(
    client, draft: Video, django_capture_on_commit_callbacks, media_root, data, message
):
    before = (draft.poster.name, sorted(stored_files(media_root)))
    response = choose(client, draft, django_capture_on_commit_callbacks, **data)
    assert messages_of(response) == [message]
    assert (draft.poster.name, sorted(stored_files(media_root))) == before
    assert draft.poster_seconds is None
    assert draft.is_cover_pending is False


def test_only_the_owner_may_choose_the_cover(client, draft: Video, django_capture_on_commit_callbacks):
    client.force_login(CreatorFactory.create().user)
    response = choose(client, draft, django_capture_on_commit_callbacks, seconds="2.5")
    assert response.status_code == 404
    assert draft.poster_seconds is None
    assert near(poster_colour(draft), GREEN)
    client.logout()
    response = choose(client, draft, django_capture_on_commit_callbacks, seconds="2.5")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert draft.is_cover_pending is False


def test_the_edit_page_says_a_cover_is_on_its_way_until_the_worker_has_made_it(
    client, draft: Video, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("creators:studio_video_cover", args=[draft.public_id]), {"seconds": "2.5"})
    page = client.get(reverse("creators:studio_video", args=[draft.public_id])).content.decode()
    assert 'data-testid="cover-pending"' in page
    assert 'data-pending="1"' in page
    for callback in callbacks:
        callback()  # the worker
    page = client.get(reverse("creators:studio_video", args=[draft.public_id])).content.decode()
    assert 'data-testid="cover-pending"' not in page
    assert "Now: at 2.5 s" in page


def test_a_newer_choice_wins_over_a_run_that_finishes_late(
    draft: Video, django_capture_on_commit_callbacks, monkeypatch, media_root
):
    with django_capture_on_commit_callbacks(execute=False):
        services.video_cover_choose(video=draft, seconds=2.5)
    real = media.make_poster

    def asked_again_meanwhile(**kwargs):
        Video.objects.filter(pk=draft.pk).update(poster_seconds=0.2)
        real(**kwargs)

    monkeypatch.setattr(media, "make_poster", asked_again_meanwhile)
    with django_capture_on_commit_callbacks(execute=True):
        services.video_cover_make(video_id=draft.pk)  # the run for 2.5 s stores nothing...
    draft.refresh_from_db()
    assert draft.is_cover_pending is True
    assert near(poster_colour(draft), GREEN)
    assert [name for name in stored_files(media_root) if "/poster-" in name] == [draft.poster.name]
    monkeypatch.setattr(media, "make_poster", real)
    with django_capture_on_commit_callbacks(execute=True):
        services.video_cover_make(video_id=draft.pk)  # ...the run for 0.2 s does
    draft.refresh_from_db()
    assert draft.is_cover_pending is False
    assert near(poster_colour(draft), RED)


def test_a_new_cover_gets_a_new_url_so_no_browser_cache_shows_the_old_one(
    client, draft: Video, django_capture_on_commit_callbacks
):
    from creators.api.serializers import VideoOutputSerializer

    before = VideoOutputSerializer(draft).data["poster_url"]
    assert before == draft.poster_url
    assert before.startswith(reverse("creators:video_file", args=[draft.public_id, "poster"]) + "?v=")
    choose(client, draft, django_capture_on_commit_callbacks, seconds="2.5", action="choose")
    after = VideoOutputSerializer(draft).data["poster_url"]
    assert after != before
    page = client.get(reverse("creators:studio_video", args=[draft.public_id])).content.decode()
    assert f'src="{after}"' in page
    assert before not in page
    response = client.get(after)
    assert response.status_code == 200
    picture = Image.open(io.BytesIO(b"".join(response.streaming_content))).convert("RGB").resize((1, 1))
    assert near(picture.getpixel((0, 0)), BLUE)  # type: ignore[arg-type]
