"""What a creator or a moderator changes reaches every feed on the very next request, whatever the
catalog's age: the catalog only proposes candidates; the page and the signal pipeline ask the database."""

import uuid

import pytest
from django.test import Client

from creators.models import Video
from feeds.catalog import catalog_get, catalog_reset
from tests.factories import published_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_catalog(settings):
    """A catalog built before the change, kept (an hour's TTL, no rebuild on request)."""
    settings.FEED_CATALOG_SYNC_REFRESH = False
    settings.FEED_CATALOG_TTL_SECONDS = 3600
    catalog_reset()
    yield
    catalog_reset()


def _for_you_ids(client):
    return [item["video"]["id"] for item in client.get("/api/v1/feeds/for-you").json()["results"]]


def _signal(client, video):
    body = {
        "events": [
            {
                "event_id": str(uuid.uuid4()),
                "video": str(video.public_id),
                "kind": "like",
                "source": "for_you",
            }
        ]
    }
    return client.post("/api/v1/signals", body, content_type="application/json").json()


@pytest.mark.parametrize(
    "change",
    ["creator_goes_private", "video_made_followers_only", "video_removed", "video_rated_mature"],
)
def test_a_change_hides_the_video_from_the_next_feed_page_and_its_signals(old_catalog, change):
    videos = [published_video(topics=(("food", "art", "music")[index % 3],)) for index in range(6)]
    target = videos[0]
    catalog_get()  # built now, before the change
    viewer = Client()
    assert str(target.public_id) in _for_you_ids(viewer)
    if change == "creator_goes_private":
        user = target.owner.user
        user.is_private = True
        user.save(update_fields=["is_private"])
    elif change == "video_made_followers_only":
        Video.objects.filter(pk=target.pk).update(visibility=Video.Visibility.FOLLOWERS)
    elif change == "video_removed":
        Video.objects.filter(pk=target.pk).update(moderation_state=Video.Moderation.REMOVED)
    else:
        Video.objects.filter(pk=target.pk).update(content_level=Video.ContentLevel.MATURE)
    assert catalog_get().features.get(target.pk) is not None  # the catalog still holds it
    fresh = Client()
    ids = _for_you_ids(fresh)
    assert str(target.public_id) not in ids
    assert len(ids) == len(videos) - 1
    answer = _signal(fresh, target)
    assert (answer["accepted"], answer["errors"]) == (0, [{"index": 0, "detail": "Unknown video."}])
    if change != "video_removed":
        # The creator still sees their own video; an approved follower would too (videos_visible).
        owner = Client()
        owner.force_login(target.owner.user)
        assert _signal(owner, target)["accepted"] == 1
