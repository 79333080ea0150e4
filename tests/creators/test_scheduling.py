"""Scheduled publishing: a draft rendered now stays out of every feed, search, page, API and notification
until the beat job makes it live at the creator's chosen time; the time is checked and can be moved or
cancelled until then."""

from __future__ import annotations

import datetime
import zoneinfo
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from creators import services
from creators.models import Video
from feeds.search.indexing import video_index
from platform.celery import app
from platform.models import Notification
from tests.clips import Clips
from tests.factories import CreatorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

State = Video.State
CAPTION = "Sunrise over the harbour #harbourlight"


@pytest.fixture
def creator():
    return CreatorFactory.create(user=UserFactory.create(time_zone="Europe/Berlin"))


@pytest.fixture
def follower(creator):
    user = UserFactory.create()
    services.follow_create(follower=user, creator=creator)
    return user


def _draft(creator, clip: Path, capture) -> Video:
    upload = SimpleUploadedFile(clip.name, clip.read_bytes(), content_type="video/mp4")
    with capture(execute=True):
        video = services.video_upload(owner=creator, upload=upload)
    video.refresh_from_db()
    assert video.state == State.DRAFT
    return video


def _everywhere(client: Client, video: Video, *, follower) -> dict[str, bool]:
    """Where the video shows, for a signed-in follower: each route that lists or opens videos."""
    client.force_login(follower)
    public_id = str(video.public_id)
    handle = video.owner.handle

    def ids(url: str) -> set[str]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        return {(item.get("video") or item)["id"] for item in response.json()["results"]}

    return {
        "watch page": client.get(video.get_absolute_url()).status_code == 200,
        "api detail": client.get(reverse("api-video", args=[video.public_id])).status_code == 200,
        "profile page": public_id in client.get(reverse("creators:profile", args=[handle])).content.decode(),
        "api profile": public_id in ids(reverse("api-creator-videos", args=[handle])),
        "following feed": public_id in ids(reverse("api-feed-following")),
        "for you feed": public_id in ids(reverse("api-feed-for-you")),
        "hashtag": public_id in ids(reverse("api-tag-videos", args=["harbourlight"])),
        "search": public_id in ids(reverse("api-search-videos") + "?q=harbour"),
        "notification": Notification.objects.filter(
            user=follower, kind=Notification.Kind.NEW_VIDEO, url=video.get_absolute_url()
        ).exists(),
    }


def test_scheduled_video_is_nowhere_until_the_job_publishes_it_at_its_time(
    creator, follower, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    video = _draft(creator, clips.portrait, django_capture_on_commit_callbacks)
    services.video_update_details(
        video=video, caption=CAPTION, topic_slugs=[], visibility="public", content_level="general"
    )
    at = (timezone.now() + datetime.timedelta(hours=2)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        services.video_publish(video=video, start=0, end=3, publish_at=at)
    video.refresh_from_db()
    # Rendered now (the ladder is stored), hidden until its time.
    assert (video.state, video.scheduled_at, video.published_at) == (State.SCHEDULED, at, None)
    assert video.stream.name
    assert video.rendition.name
    video_index(video_id=video.pk)  # whatever search holds of it, it must not be found yet
    client = Client()
    assert not any(_everywhere(client, video, follower=follower).values())

    with django_capture_on_commit_callbacks(execute=True):
        assert services.videos_publish_due(now=at - datetime.timedelta(seconds=1)) == []
    video.refresh_from_db()
    assert video.state == State.SCHEDULED
    assert not any(_everywhere(client, video, follower=follower).values())

    with django_capture_on_commit_callbacks(execute=True):
        assert services.videos_publish_due(now=at + datetime.timedelta(seconds=30)) == [video.pk]
    video.refresh_from_db()
    assert (video.state, video.published_at, video.scheduled_at) == (State.PUBLISHED, at, None)
    assert _everywhere(client, video, follower=follower) == dict.fromkeys(
        _everywhere(client, video, follower=follower), True
    )
    notification = Notification.objects.get(user=follower, kind=Notification.Kind.NEW_VIDEO)
    assert notification.title == f"{creator.display_name} posted a new video"
    assert notification.body == CAPTION
    # A second run (or a redelivered task) publishes and tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.videos_publish_due(now=at + datetime.timedelta(minutes=1)) == []
    assert services.video_followers_notify(video_id=video.pk) == 0
    assert Notification.objects.filter(kind=Notification.Kind.NEW_VIDEO).count() == 1


def test_publishing_now_tells_followers_once_too(
    creator, follower, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    video = _draft(creator, clips.portrait, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.video_publish(video=video, start=0, end=3)
    video.refresh_from_db()
    assert (video.state, video.scheduled_at) == (State.PUBLISHED, None)
    assert Notification.objects.filter(user=follower, kind=Notification.Kind.NEW_VIDEO).count() == 1
    # A re-trim is not a new video.
    with django_capture_on_commit_callbacks(execute=True):
        services.video_publish(video=video, start=1, end=3)
    assert Notification.objects.filter(kind=Notification.Kind.NEW_VIDEO).count() == 1


def test_followers_who_may_not_watch_it_are_not_told(creator, follower, eager_tasks):
    teen = UserFactory.create(date_of_birth=datetime.date.today() - datetime.timedelta(days=15 * 366))
    services.follow_create(follower=teen, creator=creator)
    mature = VideoFactory.create(owner=creator, content_level=Video.ContentLevel.MATURE)
    assert services.video_followers_notify(video_id=mature.pk) == 1  # the adult only
    assert not Notification.objects.filter(user=teen).exists()
    private = VideoFactory.create(owner=creator, visibility=Video.Visibility.PRIVATE)
    held = VideoFactory.create(owner=creator, moderation_state=Video.Moderation.REVIEW)
    waiting = VideoFactory.create(
        owner=creator, state=State.SCHEDULED, scheduled_at=timezone.now() + datetime.timedelta(hours=1)
    )
    for video in (private, held, waiting):
        assert services.video_followers_notify(video_id=video.pk) == 0
    assert Notification.objects.filter(kind=Notification.Kind.NEW_VIDEO).count() == 1


@pytest.mark.parametrize(
    ("ahead", "message"),
    [
        (datetime.timedelta(minutes=4), "Choose a time at least 5 minutes from now."),
        (datetime.timedelta(minutes=-30), "Choose a time at least 5 minutes from now."),
        (datetime.timedelta(days=30, minutes=1), "Choose a time within the next 30 days."),
    ],
)
def test_a_time_too_soon_or_too_far_is_refused_and_nothing_is_written(
    creator, ahead, message, django_capture_on_commit_callbacks
):
    video = VideoFactory.create(owner=creator, state=State.DRAFT, published_at=None)
    before = Video.objects.filter(pk=video.pk).values().get()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError) as error:
        services.video_publish(video=video, start=0, end=3, publish_at=timezone.now() + ahead)
    assert error.value.message_dict == {"publish_at": [message]}
    assert callbacks == []  # nothing queued
    assert Video.objects.filter(pk=video.pk).values().get() == before


def test_the_studio_reads_the_time_in_the_creators_zone_and_lists_it(
    client, creator, django_capture_on_commit_callbacks
):
    video = VideoFactory.create(owner=creator, state=State.DRAFT, published_at=None, caption="old")
    client.force_login(creator.user)
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    local = (timezone.now() + datetime.timedelta(days=2)).astimezone(berlin).replace(second=0, microsecond=0)
    form = {
        "caption": "new caption",
        "visibility": "public",
        "content_level": "general",
        "start": "0",
        "end": "3",
        "action": "publish",
        "schedule-when": "later",
        "schedule-publish_at": local.strftime("%Y-%m-%dT%H:%M"),
    }
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("creators:studio_video", args=[video.public_id]), form)
    assert response.status_code == 302
    assert len(callbacks) >= 1  # the render is queued
    video.refresh_from_db()
    assert video.state == State.PUBLISHING
    assert video.scheduled_at == local.astimezone(datetime.UTC)
    # Rendered (as the render service leaves it): the studio shows the time on the creator's clock.
    Video.objects.filter(pk=video.pk).update(state=State.SCHEDULED)
    page = client.get(reverse("creators:studio")).content.decode()
    shown = date_format(local, "DATETIME_FORMAT")
    assert f"Goes live {shown} (Europe/Berlin)" in page
    assert date_format(local.astimezone(datetime.UTC), "DATETIME_FORMAT") not in page  # not the site's zone
    edit = client.get(reverse("creators:studio_video", args=[video.public_id])).content.decode()
    assert f'value="{local:%Y-%m-%dT%H:%M}"' in edit


def test_the_studio_refuses_a_past_time_and_saves_nothing(client, creator):
    video = VideoFactory.create(owner=creator, state=State.DRAFT, published_at=None, caption="old")
    client.force_login(creator.user)
    past = (timezone.now() - datetime.timedelta(hours=1)).astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    form = {
        "caption": "new caption",
        "visibility": "public",
        "content_level": "general",
        "start": "0",
        "end": "3",
        "action": "publish",
        "schedule-when": "later",
        "schedule-publish_at": past.strftime("%Y-%m-%dT%H:%M"),
    }
    before = Video.objects.filter(pk=video.pk).values().get()
    response = client.post(reverse("creators:studio_video", args=[video.public_id]), form)
    assert response.status_code == 400
    assert "Choose a time at least 5 minutes from now." in response.content.decode()
    assert Video.objects.filter(pk=video.pk).values().get() == before
    # "Later" without a time is refused the same way.
    response = client.post(
        reverse("creators:studio_video", args=[video.public_id]), {**form, "schedule-publish_at": ""}
    )
    assert response.status_code == 400
    assert "Choose the date and time to publish." in response.content.decode()
    assert Video.objects.filter(pk=video.pk).values().get() == before


def test_the_creator_moves_or_cancels_the_time_until_then(client, creator):
    at = (timezone.now() + datetime.timedelta(hours=3)).replace(microsecond=0)
    video = VideoFactory.create(owner=creator, state=State.SCHEDULED, scheduled_at=at, published_at=None)
    client.force_login(creator.user)
    url = reverse("creators:studio_video_schedule", args=[video.public_id])
    later = (at + datetime.timedelta(days=1)).astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    client.post(url, {"action": "change", "schedule-publish_at": later.strftime("%Y-%m-%dT%H:%M")})
    video.refresh_from_db()
    assert video.scheduled_at == later.replace(second=0).astimezone(datetime.UTC)
    # Too far: refused with the reason, the time kept.
    response = client.post(
        url,
        {
            "action": "change",
            "schedule-publish_at": (later + datetime.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    assert "Choose a time within the next 30 days." in response.content.decode()
    video.refresh_from_db()
    assert video.scheduled_at == later.replace(second=0).astimezone(datetime.UTC)
    # Someone else can't touch it.
    other = CreatorFactory.create()
    client.force_login(other.user)
    assert client.post(url, {"action": "cancel"}).status_code == 404
    client.force_login(creator.user)
    client.post(url, {"action": "cancel"})
    assert Video.objects.values_list("state", "scheduled_at").get(pk=video.pk) == (State.DRAFT, None)
    assert services.videos_publish_due(now=at + datetime.timedelta(days=5)) == []


def test_only_a_waiting_video_can_be_moved_or_cancelled(creator):
    video = VideoFactory.create(owner=creator)  # published
    with pytest.raises(ValidationError, match="not scheduled"):
        services.video_schedule_cancel(video=video)
    with pytest.raises(ValidationError, match="not scheduled"):
        services.video_schedule_change(video=video, publish_at=timezone.now() + datetime.timedelta(hours=1))
    video.refresh_from_db()
    assert video.state == State.PUBLISHED


def test_a_render_that_ends_after_the_time_publishes_at_once(
    creator, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    video = _draft(creator, clips.portrait, django_capture_on_commit_callbacks)
    at = timezone.now() + datetime.timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=False):
        services.video_publish(video=video, start=0, end=3, publish_at=at)
    Video.objects.filter(pk=video.pk).update(scheduled_at=timezone.now() - datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.video_render(video_id=video.pk)
    video.refresh_from_db()
    assert (video.state, video.scheduled_at) == (State.PUBLISHED, None)
    assert video.published_at is not None
    assert video.published_at < at  # now, not the time it was meant for


def test_the_beat_job_runs_every_minute():
    entry = app.conf.beat_schedule["publish-scheduled-videos"]
    assert (entry["task"], entry["schedule"]) == ("creators.tasks.videos_publish_due_task", 60)


def test_the_api_schedules_a_draft_and_refuses_a_bad_time_writing_nothing(api_client, creator):
    video = VideoFactory.create(owner=creator, state=State.DRAFT, published_at=None)
    api_client.force_authenticate(creator.user)
    url = reverse("api-studio-publish", args=[video.public_id])
    before = Video.objects.filter(pk=video.pk).values().get()
    soon = timezone.now() + datetime.timedelta(minutes=1)
    response = api_client.post(url, {"start": 0, "end": 3, "publish_at": soon.isoformat()}, format="json")
    assert response.status_code == 400
    assert response.json()["publish_at"] == ["Choose a time at least 5 minutes from now."]
    assert Video.objects.filter(pk=video.pk).values().get() == before

    at = (timezone.now() + datetime.timedelta(days=3)).astimezone(zoneinfo.ZoneInfo("America/New_York"))
    response = api_client.post(url, {"start": 0, "end": 3, "publish_at": at.isoformat()}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "publishing"
    assert datetime.datetime.fromisoformat(body["scheduled_at"]) == at.replace(microsecond=0)


def test_cancelling_while_it_renders_leaves_a_plain_draft(creator):
    at = timezone.now() + datetime.timedelta(hours=1)
    video = VideoFactory.create(
        owner=creator,
        state=State.PUBLISHING,
        scheduled_at=at,
        published_at=None,
        work_started_at=timezone.now(),
        work_heartbeat_at=timezone.now(),
    )
    services.video_schedule_cancel(video=video)
    video.refresh_from_db()
    assert (video.state, video.scheduled_at, video.work_started_at) == (State.DRAFT, None, None)
    assert not video.is_stuck


def test_a_scheduled_videos_new_trim_is_rendered_and_still_waits_for_its_time(
    client, creator, follower, clips: Clips, eager_tasks, django_capture_on_commit_callbacks
):
    video = _draft(creator, clips.portrait, django_capture_on_commit_callbacks)
    at = (timezone.now() + datetime.timedelta(minutes=30)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        services.video_publish(video=video, start=0, end=3, publish_at=at)
    video.refresh_from_db()
    assert (video.state, video.rendition_version) == (State.SCHEDULED, 1)
    first = video.rendition.name
    client.force_login(creator.user)
    form = {
        "caption": CAPTION,
        "visibility": "public",
        "content_level": "general",
        "start": "1.000",
        "end": "2.500",
        "action": "save",
    }
    with django_capture_on_commit_callbacks(execute=False) as pending:
        response = client.post(reverse("creators:studio_video", args=[video.public_id]), form)
    assert response.status_code == 302
    video.refresh_from_db()
    # Rendering the new range: still hidden, still for the same time.
    assert (video.state, video.trim_start, video.trim_end, video.scheduled_at) == (
        State.PUBLISHING,
        1.0,
        2.5,
        at,
    )
    with django_capture_on_commit_callbacks(execute=True):
        for callback in pending:
            callback()
    video.refresh_from_db()
    assert (video.state, video.scheduled_at, video.published_at) == (State.SCHEDULED, at, None)
    assert video.rendition_version == 2
    assert video.rendition_duration == pytest.approx(1.5, abs=0.05)
    assert video.rendition.name != first
    assert not any(_everywhere(client, video, follower=follower).values())
