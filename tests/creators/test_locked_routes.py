"""At the day's screen-time limit every route that hands out someone else's video answers the lock (the
watch page, the profile's videos, the video files, the API's details and lists), the poster and one's own
studio files stay, and what the file route sends to someone with a limit counts as served seconds."""

from pathlib import Path

import pytest
from django.urls import reverse

from creators import selectors
from creators.models import Video
from platform import age, screen_time
from platform.models import ScreenTimeDay, User
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, VideoFactory, born_years_ago

pytestmark = pytest.mark.django_db

BYTES = 300_000  # the rendition's size: 10 seconds at 30,000 bytes a second


def with_files(video: Video, media_root: Path, *, duration: float = 10.0) -> Video:
    """Give a factory-made video a rendition, preview and poster on disk."""
    folder = Path(media_root) / "videos" / video.public_id.hex
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rendition-1.mp4").write_bytes(b"\x00" * BYTES)
    (folder / "preview.mp4").write_bytes(b"\x01" * BYTES)
    (folder / "poster.jpg").write_bytes(b"\xff\xd8\xff poster")
    names = {kind: f"videos/{video.public_id.hex}/{file}" for kind, file in (
        ("rendition", "rendition-1.mp4"), ("preview", "preview.mp4"), ("poster", "poster.jpg"))}  # fmt: skip
    Video.objects.filter(pk=video.pk).update(
        **names, rendition_version=1, duration=duration, rendition_duration=duration, trim_end=duration
    )
    video.refresh_from_db()
    return video


def at_the_limit(user: User, *, passcode: str = "") -> User:
    if passcode:
        screen_time.screen_time_passcode_set(user=user, passcode=passcode, actor=user)
    ScreenTimeDay.objects.create(user=user, day=age.screen_time_day(user=user), seconds=3600)
    return user


def teen() -> User:
    return UserFactory.create(date_of_birth=born_years_ago(14))


def day_row(user: User) -> tuple[float, float]:
    row = ScreenTimeDay.objects.filter(user=user, day=age.screen_time_day(user=user)).first()
    return (row.seconds, row.served_seconds) if row else (0.0, 0.0)


def body_of(response) -> bytes:
    """The whole body; the test client closes a streamed response (which counts it) once it is read."""
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def video(media_root) -> Video:
    return with_files(VideoFactory.create(), media_root)


# --- the lock on every route ----------------------------------------------------------------------------------


def test_the_watch_page_at_the_limit_is_the_limit_page_with_the_passcode_form(client, video):
    client.force_login(at_the_limit(teen(), passcode="2468"))
    response = client.get(reverse("creators:video", args=[video.public_id]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "You've reached today's limit of 60 minutes" in page
    assert 'action="/accounts/screen-time/unlock/"' in page
    assert f'name="next" value="/v/{video.public_id}/"' in page
    assert reverse("creators:video_file", args=[video.public_id, "video"]) not in page


def test_the_limit_page_without_a_passcode_says_so(client, video):
    client.force_login(at_the_limit(teen()))
    response = client.get(reverse("creators:video", args=[video.public_id]))
    assert response.status_code == 403
    assert "No passcode is set" in response.content.decode()
    assert "screen-limit-passcode" not in response.content.decode()


def test_the_profile_lists_no_videos_at_the_limit(client, video):
    client.force_login(at_the_limit(teen()))
    response = client.get(reverse("creators:profile", args=[video.owner.handle]))
    assert response.status_code == 403
    assert str(video.public_id) not in response.content.decode()
    assert "today's limit" in response.content.decode()


def test_the_rendition_is_refused_at_the_limit_without_a_byte_and_nothing_is_counted(client, video):
    user = at_the_limit(teen())
    client.force_login(user)
    response = client.get(reverse("creators:video_file", args=[video.public_id, "video"]))
    assert response.status_code == 403
    assert b"\x00\x00\x00\x00" not in body_of(response)
    assert day_row(user) == (3600.0, 0.0)
    # A byte range is refused the same way.
    ranged = client.get(
        reverse("creators:video_file", args=[video.public_id, "video"]), HTTP_RANGE="bytes=0-99"
    )
    assert ranged.status_code == 403


def test_the_poster_stays_at_the_limit(client, video):
    client.force_login(at_the_limit(teen()))
    response = client.get(reverse("creators:video_file", args=[video.public_id, "poster"]))
    assert response.status_code == 200
    assert body_of(response) == b"\xff\xd8\xff poster"


def test_the_api_answers_the_lock_on_details_and_lists(api_client, video):
    user = at_the_limit(teen())
    api_client.force_authenticate(user)
    for url in (
        reverse("api-video", args=[video.public_id]),
        reverse("api-creator-videos", args=[video.owner.handle]),
    ):
        response = api_client.get(url)
        assert response.status_code == 403, url
        body = response.json()
        assert body["code"] == "screen_time_locked"
        assert body["detail"].startswith("You've reached today's limit of 60 minutes.")
        assert body["screen_time"]["locked"] is True
        assert set(body) == {"detail", "code", "screen_time"}


def test_the_feed_apis_keep_answering_an_empty_page_with_the_lock(api_client, video):
    api_client.force_authenticate(at_the_limit(teen()))
    body = api_client.get(reverse("api-feed-for-you")).json()
    assert body["results"] == []
    assert body["screen_time"]["locked"] is True


def test_the_passcode_on_the_limit_page_goes_back_to_the_video(client, video):
    user = at_the_limit(teen(), passcode="2468")
    client.force_login(user)
    url = reverse("creators:video", args=[video.public_id])
    response = client.post(reverse("screen_time_unlock"), {"passcode": "2468", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.get(url).status_code == 200


def test_reporting_and_signals_still_work_at_the_limit(api_client, video):
    api_client.force_authenticate(at_the_limit(teen()))
    response = api_client.post(
        reverse("api-report", args=[video.public_id]), {"reason": "spam", "detail": ""}, format="json"
    )
    assert response.status_code == 201


# --- who the lock leaves alone ----------------------------------------------------------------------------------


def test_a_teen_creators_own_videos_are_neither_locked_nor_counted(client, media_root):
    creator = CreatorFactory.create(user=teen())
    own = with_files(VideoFactory.create(owner=creator), media_root)
    draft = with_files(
        VideoFactory.create(owner=creator, state=Video.State.DRAFT, published_at=None), media_root
    )
    at_the_limit(creator.user)
    client.force_login(creator.user)
    assert client.get(reverse("creators:video", args=[own.public_id])).status_code == 200
    assert client.get(reverse("creators:profile", args=[creator.handle])).status_code == 200
    for video, kind in ((own, "video"), (draft, "preview")):
        response = client.get(reverse("creators:video_file", args=[video.public_id, kind]))
        assert response.status_code == 200
        assert len(body_of(response)) == BYTES
    assert day_row(creator.user) == (3600.0, 0.0)


def test_adults_and_anonymous_visitors_are_never_locked(client, video):
    for user in (UserFactory.create(date_of_birth=born_years_ago(40)), None):
        client.logout()
        if user is not None:
            client.force_login(user)
        assert client.get(reverse("creators:video", args=[video.public_id])).status_code == 200
        response = client.get(reverse("creators:video_file", args=[video.public_id, "video"]))
        assert response.status_code == 200
        assert len(body_of(response)) == BYTES
    assert not ScreenTimeDay.objects.exists()


def test_the_check_costs_an_adult_no_query(django_assert_num_queries, video):
    viewer = viewer_for_user(UserFactory.create(date_of_birth=born_years_ago(40)))
    profile = video.owner
    with django_assert_num_queries(1):  # the video, as before the limit was checked here
        assert selectors.video_get_visible(public_id=video.public_id, viewer=viewer) == video
    with django_assert_num_queries(1):
        assert list(selectors.profile_videos(profile=profile, viewer=viewer)) == [video]


# --- counting what the file route sends ---------------------------------------------------------------------------


def test_a_whole_rendition_counts_its_duration(client, video):
    user = teen()
    client.force_login(user)
    response = client.get(reverse("creators:video_file", args=[video.public_id, "video"]))
    assert response.status_code == 200
    assert len(body_of(response)) == BYTES
    assert day_row(user) == pytest.approx((0.0, 10.0))


def test_a_range_counts_its_share_of_the_duration(client, video):
    user = teen()
    client.force_login(user)
    response = client.get(
        reverse("creators:video_file", args=[video.public_id, "video"]),
        HTTP_RANGE=f"bytes=0-{BYTES // 4 - 1}",
    )
    assert response.status_code == 206
    assert len(body_of(response)) == BYTES // 4
    assert day_row(user) == pytest.approx((0.0, 2.5))


def test_fetching_one_file_again_and_again_counts_at_most_twice_its_duration(client, video):
    user = teen()
    client.force_login(user)
    for _ in range(4):
        body_of(client.get(reverse("creators:video_file", args=[video.public_id, "video"])))
    assert day_row(user) == pytest.approx((0.0, 20.0))


def test_a_rendition_on_s3_counts_its_whole_duration_at_the_redirect(client, s3_media, media_root):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    video = VideoFactory.create(duration=8.0, trim_end=8.0)
    name = default_storage.save(f"videos/{video.public_id.hex}/rendition-1.mp4", ContentFile(b"\x00" * 1000))
    Video.objects.filter(pk=video.pk).update(rendition=name, rendition_duration=8.0, rendition_version=1)
    user = teen()
    client.force_login(user)
    response = client.get(reverse("creators:video_file", args=[video.public_id, "video"]))
    assert response.status_code == 302
    assert day_row(user) == pytest.approx((0.0, 8.0))
    at_limit = at_the_limit(teen())
    client.force_login(at_limit)
    assert client.get(reverse("creators:video_file", args=[video.public_id, "video"])).status_code == 403
