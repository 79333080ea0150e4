"""A 13–15-year-old's videos stay in the app: the API marks them not shareable, the player offers no
link to copy, the page has no downloadable video for link previews, and a SHARE signal is refused."""

import json
import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from creators import services as creator_services
from feeds.models import Signal
from platform import age
from platform.age import AgeBand
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db

CREATOR_AGES = [(13, False), (15, False), (16, True), (17, True), (30, True)]


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        (AgeBand.UNDER_13, False),
        (AgeBand.TEEN_13_15, False),
        (AgeBand.TEEN_16_17, True),
        (AgeBand.ADULT, True),
        (AgeBand.UNKNOWN, True),
    ],
)
def test_only_videos_of_under_sixteens_stay_in_the_app(band, expected):
    assert age.may_be_shared_outside_app(band) is expected


def followed_video(years):
    """A video by a creator of ``years``, and an adult who follows them (approved, so they may watch)."""
    creator = CreatorFactory.create(
        user=UserFactory.create(date_of_birth=born_years_ago(years), is_private=years < 16)
    )
    video = published_video(owner=creator, rendition="videos/x/final.mp4", poster="videos/x/poster.jpg")
    fan = UserFactory.create()
    follow = creator_services.follow_create(follower=fan, creator=creator)
    if follow.status != "approved":
        creator_services.follow_approve(creator=creator, follow_id=follow.pk)
    return video, fan


@pytest.mark.parametrize(("years", "shareable"), CREATOR_AGES)
def test_video_api_marks_whether_the_video_may_be_shared(years, shareable):
    video, fan = followed_video(years)
    client = APIClient()
    client.force_authenticate(fan)
    assert client.get(reverse("api-video", args=[video.public_id])).json()["is_shareable"] is shareable
    feed = client.get(reverse("api-feed-following")).json()["results"]
    assert [(item["video"]["id"], item["video"]["is_shareable"]) for item in feed] == [
        (str(video.public_id), shareable)
    ]


@pytest.mark.parametrize(("years", "shareable"), CREATOR_AGES)
def test_video_page_player_items_and_link_preview_follow_the_rule(client, years, shareable):
    video, fan = followed_video(years)
    client.force_login(fan)
    response = client.get(reverse("creators:video", args=[video.public_id]))
    html = response.content.decode()
    items = json.loads(html.split('id="feed-items" type="application/json">')[1].split("</script>")[0])
    assert items[0]["video"]["is_shareable"] is shareable
    assert ('property="og:video"' in html) is shareable


@pytest.mark.parametrize(("years", "shareable"), CREATOR_AGES)
def test_share_signal_of_a_video_that_stays_in_the_app_is_refused(years, shareable):
    video, fan = followed_video(years)
    client = APIClient()
    client.force_authenticate(fan)
    events = [
        {"event_id": str(uuid.uuid4()), "video": str(video.public_id), "kind": kind, "source": "following"}
        for kind in ("impression", "share")
    ]
    body = client.post(reverse("api-signals"), {"events": events}, format="json").json()
    if shareable:
        assert (body["accepted"], body["errors"]) == (2, [])
        assert sorted(Signal.objects.values_list("kind", flat=True)) == ["impression", "share"]
    else:
        assert body["accepted"] == 1
        assert body["errors"] == [{"index": 1, "detail": "This video can't be shared outside Joyreel."}]
        assert list(Signal.objects.values_list("kind", flat=True)) == ["impression"]
