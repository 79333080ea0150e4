"""The player's counts on every feed item (comments, likes, shares), and how the signal pipeline keeps
``Video.like_count`` and ``share_count``."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creators import services as creator_services
from creators.comments import services as comment_services
from creators.models import Video
from feeds import selectors, services
from feeds.api.serializers import feed_page_json
from feeds.catalog import catalog_reset
from feeds.models import Signal
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db

COUNTS = ("comment_count", "like_count", "share_count")


def event(video: Video, kind: str, *, event_id: uuid.UUID | None = None) -> services.SignalInput:
    return services.SignalInput(
        event_id=event_id or uuid.uuid4(), video=video.public_id, kind=kind, source="for_you"
    )


def counts_of(video: Video) -> tuple[int, int, int]:
    video.refresh_from_db(fields=list(COUNTS))
    return video.comment_count, video.like_count, video.share_count


def record(user, *items: services.SignalInput) -> services.RecordResult:
    return services.signals_record(viewer=viewer_for_user(user, key=f"u:{user.pk}"), items=list(items))


def test_likes_and_shares_count_on_the_video_once_per_stored_signal():
    video = published_video(owner=CreatorFactory.create())
    fan, other = UserFactory.create(), UserFactory.create()
    liked = uuid.uuid4()
    result = record(
        fan, event(video, "like", event_id=liked), event(video, "share"), event(video, "impression")
    )
    assert result.accepted == 3
    record(other, event(video, "like"))
    assert counts_of(video) == (0, 2, 1)
    # The same event sent again is a duplicate: stored once, counted once.
    again = record(fan, event(video, "like", event_id=liked))
    assert (again.accepted, again.duplicates) == (0, 1)
    assert counts_of(video) == (0, 2, 1)
    assert Signal.objects.filter(video=video, kind="like").count() == 2


def test_an_unlike_takes_a_like_away_and_never_goes_below_zero():
    video = published_video(owner=CreatorFactory.create())
    fan = UserFactory.create()
    record(fan, event(video, "like"))
    record(fan, event(video, "unlike"))
    assert counts_of(video)[1] == 0
    record(fan, event(video, "unlike"))  # an unlike with nothing to undo (a lost like)
    assert counts_of(video)[1] == 0


def test_refused_signals_count_nothing():
    private = published_video(owner=CreatorFactory.create(), visibility=Video.Visibility.PRIVATE)
    fan = UserFactory.create()
    result = record(fan, event(private, "like"), event(private, "share"))
    assert result.accepted == 0
    assert [error["detail"] for error in result.errors] == ["Unknown video.", "Unknown video."]
    assert counts_of(private) == (0, 0, 0)
    assert not Signal.objects.exists()


def test_a_batch_of_likes_on_several_videos_costs_one_update():
    videos = [published_video(owner=CreatorFactory.create()) for _ in range(3)]
    fan = UserFactory.create()
    record(fan, event(videos[0], "impression"))  # the profile exists: the next batch only updates it
    with CaptureQueriesContext(connection) as queries:
        record(fan, *(event(video, "like") for video in videos))
    updates = [query["sql"] for query in queries if query["sql"].startswith('UPDATE "creators_video"')]
    assert len(updates) == 1, updates
    assert [counts_of(video)[1] for video in videos] == [1, 1, 1]


def test_every_feed_item_carries_the_three_counts_from_the_video():
    video = published_video(owner=CreatorFactory.create(), topics=("stem",))
    Video.objects.filter(pk=video.pk).update(like_count=1200, share_count=7)
    comment_services.comment_post(author=UserFactory.create(), video=video, text="Nice")
    catalog_reset()
    page = selectors.feed_for_you(viewer=viewer_for_user(AnonymousUser(), key="a:counts"))
    item = feed_page_json(page)[0]
    assert {key: item[key] for key in COUNTS} == {"comment_count": 1, "like_count": 1200, "share_count": 7}


def test_the_feed_apis_and_the_watch_page_carry_the_counts(api_client, client):
    creator = CreatorFactory.create()
    video = published_video(owner=creator, topics=("stem",))
    Video.objects.filter(pk=video.pk).update(comment_count=3, like_count=5, share_count=2)
    expected = {"comment_count": 3, "like_count": 5, "share_count": 2}
    catalog_reset()
    viewer = UserFactory.create()
    creator_services.follow_create(follower=viewer, creator=creator)
    api_client.force_authenticate(viewer)
    for url in (
        reverse("api-feed-for-you"),
        reverse("api-feed-following"),
        reverse("api-feed-topic", args=["stem"]),
    ):
        results = api_client.get(url).json()["results"]
        assert [{key: item[key] for key in COUNTS} for item in results] == [expected], url
    page = client.get(reverse("creators:video", args=[video.public_id]))
    assert page.status_code == 200
    items = page.context["items"]
    assert {key: items[0][key] for key in COUNTS} == expected


def test_the_for_you_page_still_costs_three_queries_with_the_counts():
    for index in range(30):
        published_video(topics=(("stem", "comedy", "food")[index % 3],))
    viewer = UserFactory.create()
    key = f"u:{viewer.pk}"
    selectors.feed_for_you(viewer=viewer_for_user(viewer, key=key))  # builds the catalog
    record(viewer, event(Video.objects.earliest("pk"), "like"))  # a favourite: co-watch is asked too
    with CaptureQueriesContext(connection) as queries:
        page = selectors.feed_for_you(viewer=viewer_for_user(viewer, key=key))
        items = feed_page_json(page)
    assert len(items) == selectors.FIRST_PAGES_SIZE  # a new viewer's pages are short
    assert all(isinstance(item["comment_count"], int) for item in items)
    # the profile, the co-watch neighbours, the page's videos (with their counts): as without them
    assert len(queries) == 3, [query["sql"][:80] for query in queries]
