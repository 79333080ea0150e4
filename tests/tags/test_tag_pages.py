"""The hashtag page and its API: the hashtag's videos ranked for the viewer, counts, related hashtags, 404s."""

import pytest
from django.urls import reverse

from creators import services as creator_services
from creators.models import Video
from feeds.models import HashtagStats, Source, VideoStats
from feeds.tags import selectors
from feeds.tags.services import hashtags_rollup
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video
from tests.tags.world import tagged_video

pytestmark = pytest.mark.django_db


def page_ids(viewer) -> list[int]:
    hashtag = selectors.hashtag_get(name="munich")
    assert hashtag is not None
    page = selectors.feed_hashtag(
        viewer=viewer_for_user(viewer, key="a:someone" if viewer is None else None), hashtag=hashtag
    )
    return [item.video.pk for item in page.items]


def test_the_tag_page_lists_the_hashtags_videos_with_counts_and_a_follow_button(client):
    tagged = [tagged_video("munich", "bread") for _ in range(3)]
    published_video(caption="no tags here")
    VideoStats.objects.create(video=tagged[0], impressions=1200)
    hashtags_rollup()
    response = client.get("/tag/munich")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="tag-name" translate="no">#munich<' in body
    assert "3 videos" in body
    assert "1.2K views" in body
    assert body.count('data-testid="tag-video"') == 3
    for video in tagged:
        assert f"/tag/munich/play?v={video.public_id}" in body
    assert 'href="/tag/bread"' in body  # related
    assert 'data-testid="tag-follow-login"' in body  # anonymous: log in to follow


def test_a_tag_name_is_case_insensitive_and_may_carry_its_hash(client):
    tagged_video("munich")
    assert client.get("/tag/Munich").url == "/tag/munich"
    assert client.get("/tag/%23munich").url == "/tag/munich"
    assert client.get("/api/v1/tags/MUNICH").json()["name"] == "munich"


@pytest.mark.parametrize("path", ["/tag/nosuchtag", "/tag/no-such", "/tag/nosuchtag/play"])
def test_an_unknown_hashtag_is_a_404_page(client, path):
    tagged_video("munich")
    response = client.get(path)
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/tags/nosuchtag", "/api/v1/tags/nosuchtag/videos"])
def test_an_unknown_hashtag_is_a_404_in_the_api(api_client, path):
    response = api_client.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_api_summarises_a_hashtag(api_client):
    first = tagged_video("munich", "bread", "beer")
    tagged_video("munich", "bread")
    VideoStats.objects.create(video=first, impressions=40)
    hashtags_rollup()
    body = api_client.get("/api/v1/tags/munich").json()
    assert body == {
        "name": "munich",
        "url": "/tag/munich",
        "videos_url": "/api/v1/tags/munich/videos",
        "follow_url": "/api/v1/tags/munich/follow",
        "video_count": 2,
        "view_count": 40,
        "is_following": False,
        "related": [{"name": "bread", "url": "/tag/bread"}, {"name": "beer", "url": "/tag/beer"}],
    }


def test_the_videos_api_pages_like_the_other_feeds_and_never_repeats(api_client, settings):
    tagged = {tagged_video("munich").public_id for _ in range(25)}
    tagged_video("hamburg")
    first = api_client.get("/api/v1/tags/munich/videos").json()
    second = api_client.get(first["next"]).json()
    ids = [item["video"]["id"] for item in first["results"] + second["results"]]
    assert len(first["results"]) == settings.FEED_PAGE_SIZE
    assert sorted(ids) == sorted(str(public_id) for public_id in tagged)
    assert second["next"] is None
    assert {item["source"] for item in first["results"]} == {Source.HASHTAG}
    assert first["results"][0]["reasons"][0] == "Tagged #munich"


def test_a_15_year_old_never_sees_a_mature_video_on_a_tag_page(client, api_client):
    safe = tagged_video("munich")
    mature = tagged_video("munich", content_level=Video.ContentLevel.MATURE)
    restricted = tagged_video("munich", is_age_restricted=True)
    teen = UserFactory.create(date_of_birth=born_years_ago(15))
    adult = UserFactory.create()
    assert page_ids(teen) == [safe.pk]
    assert set(page_ids(adult)) == {safe.pk, mature.pk, restricted.pk}
    api_client.force_authenticate(teen)
    ids = [item["video"]["id"] for item in api_client.get("/api/v1/tags/munich/videos").json()["results"]]
    assert ids == [str(safe.public_id)]
    client.force_login(teen)
    body = client.get("/tag/munich").content.decode()
    assert str(mature.public_id) not in body
    assert str(restricted.public_id) not in body
    assert str(safe.public_id) in body


def test_a_blocked_or_blocking_creators_videos_are_absent(api_client):
    viewer = UserFactory.create()
    blocked, blocking, other = (CreatorFactory.create() for _ in range(3))
    creator_services.account_block(blocker=viewer, blocked=blocked.user)
    creator_services.account_block(blocker=blocking.user, blocked=viewer)
    tagged_video("munich", owner=blocked)
    tagged_video("munich", owner=blocking)
    shown = tagged_video("munich", owner=other)
    assert page_ids(viewer) == [shown.pk]


def test_what_the_feeds_never_recommend_is_not_on_the_tag_page_nor_counted():
    shown = tagged_video("munich")
    tagged_video("munich", moderation_state=Video.Moderation.REMOVED)
    tagged_video("munich", moderation_state=Video.Moderation.REVIEW)
    tagged_video("munich", visibility=Video.Visibility.FOLLOWERS)
    tagged_video("munich", moderation_state=Video.Moderation.LIMITED)
    tagged_video("munich", is_unverified=True)
    tagged_video("munich", owner=CreatorFactory.create(is_under_review=True))
    tagged_video("munich", state=Video.State.DRAFT)
    private = UserFactory.create(is_private=True)
    tagged_video("munich", owner=CreatorFactory.create(user=private))
    assert page_ids(UserFactory.create()) == [shown.pk]
    hashtags_rollup()
    assert HashtagStats.objects.get(hashtag__name="munich").videos == 1


def test_restricted_mode_hides_mature_videos_on_a_tag_page():
    safe = tagged_video("munich")
    tagged_video("munich", content_level=Video.ContentLevel.MATURE)
    viewer = UserFactory.create(is_restricted_mode=True)
    assert page_ids(viewer) == [safe.pk]


def test_an_anonymous_visitor_sees_no_mature_video():
    safe = tagged_video("munich")
    tagged_video("munich", content_level=Video.ContentLevel.MATURE)
    assert page_ids(None) == [safe.pk]


def test_related_hashtags_are_the_eight_most_often_together():
    for index, name in enumerate(["a1", "b2", "c3", "d4", "e5", "f6", "g7", "h8", "i9"]):
        for _ in range(9 - index):
            tagged_video("munich", name)
    tagged_video("munich", "zz", moderation_state=Video.Moderation.REMOVED)
    hashtag = selectors.hashtag_get(name="munich")
    assert hashtag is not None
    assert selectors.hashtags_related(hashtag=hashtag) == ["a1", "b2", "c3", "d4", "e5", "f6", "g7", "h8"]


def test_the_player_page_opens_the_tapped_video_first(client):
    videos = [tagged_video("munich") for _ in range(4)]
    last = videos[-1]
    response = client.get(f"/tag/munich/play?v={last.public_id}")
    assert response.status_code == 200
    items = response.context["items"]
    assert items[0]["video"]["id"] == str(last.public_id)
    assert {item["video"]["id"] for item in items} == {str(video.public_id) for video in videos}
    assert 'data-api-url="/api/v1/tags/munich/videos"' in response.content.decode()


def test_the_schema_documents_the_hashtag_api(api_client):
    schema = api_client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/tags/{name}",
        "/api/v1/tags/{name}/videos",
        "/api/v1/tags/{name}/follow",
        "/api/v1/tags/trending",
    ):
        assert f'"{path}"' in schema or f"{path}:" in schema


def test_videos_seen_before_stay_on_the_tag_page_and_hidden_ones_do_not():
    import uuid

    from feeds import services as feed_services

    seen, hidden, other = (tagged_video("munich") for _ in range(3))
    person = UserFactory.create()
    viewer = viewer_for_user(person)

    def signal(video: Video, kind: str) -> feed_services.SignalInput:
        return feed_services.SignalInput(
            event_id=uuid.uuid4(), video=video.public_id, kind=kind, source="hashtag"
        )

    feed_services.signals_record(
        viewer=viewer, items=[signal(seen, "impression"), signal(hidden, "not_interested")]
    )
    assert set(page_ids(person)) == {seen.pk, other.pk}


@pytest.mark.parametrize("count", [3, 25])
def test_a_page_of_a_hashtags_videos_costs_a_fixed_number_of_queries(
    api_client, count, django_assert_num_queries
):
    for _ in range(count):
        tagged_video("munich", "bread")
    api_client.get("/api/v1/tags/munich/videos")  # builds the catalog
    # the hashtag, the viewer's profile, the page's videos
    with django_assert_num_queries(3):
        assert api_client.get("/api/v1/tags/munich/videos").status_code == 200


@pytest.mark.parametrize("count", [3, 25])
def test_the_tag_page_costs_a_fixed_number_of_queries(client, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(count):
        tagged_video("munich", "bread")
    client.force_login(UserFactory.create())
    client.get("/tag/munich")  # builds the catalog
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/tag/munich").status_code == 200
    # session, user; the hashtag, the profile, the page's videos, their views; the hashtag's counts, the
    # follow; the nav's business link and unread count; trending here (none), then everywhere's
    assert len(queries) == 12, [query["sql"][:90] for query in queries]


def test_the_tag_page_shows_more_videos_page_by_page(client, settings):
    tagged = {str(tagged_video("munich").public_id) for _ in range(settings.FEED_PAGE_SIZE + 5)}
    first = client.get("/tag/munich")
    more = first.context["more_url"]
    assert more.startswith("?cursor=")
    second = client.get(f"/tag/munich{more}")
    shown = [str(card["video"].public_id) for page in (first, second) for card in page.context["cards"]]
    assert len(shown) == len(tagged)
    assert set(shown) == tagged
    assert second.context["more_url"] == ""
    assert client.get("/tag/munich?cursor=forged").status_code == 200  # a bad cursor is the first page
