"""Following a hashtag: the API and the page's form, rejected input, For You's candidates, your data."""

import json

import pytest
from django.test import Client

from feeds import selectors as feed_selectors
from feeds.models import HashtagFollow, InterestProfile
from feeds.personal_data import feeds_erase, feeds_export
from feeds.tags import services
from platform.viewer import viewer_for_user
from tests.factories import UserFactory, published_video
from tests.tags.world import tagged_video

pytestmark = pytest.mark.django_db


def test_following_and_unfollowing_through_the_api(api_client):
    tagged_video("munich")
    person = UserFactory.create()
    api_client.force_authenticate(person)
    response = api_client.post("/api/v1/tags/Munich/follow")
    assert response.status_code == 201
    assert response.json() == {"name": "munich", "is_following": True}
    assert api_client.post("/api/v1/tags/munich/follow").status_code == 201  # idempotent
    assert list(HashtagFollow.objects.values_list("user_id", "hashtag__name")) == [(person.pk, "munich")]
    assert api_client.get("/api/v1/tags/munich").json()["is_following"] is True
    profile = InterestProfile.objects.get(viewer_key=f"u:{person.pk}")
    assert profile.followed_hashtags == [HashtagFollow.objects.get().hashtag_id]

    response = api_client.delete("/api/v1/tags/munich/follow")
    assert response.status_code == 200
    assert response.json() == {"name": "munich", "is_following": False}
    assert not HashtagFollow.objects.exists()
    profile.refresh_from_db()
    assert profile.followed_hashtags == []


def test_an_anonymous_follow_is_refused_and_writes_nothing(api_client):
    tagged_video("munich")
    response = api_client.post("/api/v1/tags/munich/follow")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"
    assert not HashtagFollow.objects.exists()
    assert not InterestProfile.objects.exists()


@pytest.mark.parametrize("name", ["nosuchtag", "no-such", "%3Cscript%3E"])
def test_following_an_unknown_hashtag_is_a_404_and_writes_nothing(api_client, name):
    tagged_video("munich")
    api_client.force_authenticate(UserFactory.create())
    response = api_client.post(f"/api/v1/tags/{name}/follow")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not HashtagFollow.objects.exists()
    assert not InterestProfile.objects.exists()


def test_the_api_follow_needs_the_csrf_token_with_a_session():
    tagged_video("munich")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory.create())
    response = browser.post("/api/v1/tags/munich/follow")
    assert response.status_code == 403
    assert not HashtagFollow.objects.exists()


def test_the_pages_follow_form_works_without_javascript(client):
    tagged_video("munich")
    person = UserFactory.create()
    client.force_login(person)
    response = client.post("/tag/munich/follow", {"action": "follow"})
    assert response.status_code == 302
    assert response.url == "/tag/munich"
    body = client.get("/tag/munich").content.decode()
    assert 'aria-pressed="true">Following<' in body
    client.post("/tag/munich/follow", {"action": "unfollow"})
    assert not HashtagFollow.objects.exists()


def test_the_follow_form_refuses_anonymous_visitors_get_and_unknown_tags(client):
    tagged_video("munich")
    response = client.post("/tag/munich/follow", {"action": "follow"})
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/tag/munich/follow"
    client.force_login(UserFactory.create())
    assert client.get("/tag/munich/follow").status_code == 405
    assert client.post("/tag/nosuchtag/follow", {"action": "follow"}).status_code == 404
    assert not HashtagFollow.objects.exists()


def test_followed_hashtags_feed_the_for_you_candidates():
    # Many more videos than one page: without the follow, the tagged ones would be a lucky draw.
    for _ in range(60):
        published_video(topics=("comedy",))
    tagged = {tagged_video("knitting").pk for _ in range(5)}
    person = UserFactory.create()
    viewer = viewer_for_user(person)
    before = feed_selectors.feed_for_you(viewer=viewer)
    assert not any(item.candidate == "followed" for item in before.items)

    services.hashtag_follow(user=person, name="knitting")
    page = feed_selectors.feed_for_you(viewer=viewer_for_user(person))
    followed = {item.video.pk for item in page.items if item.candidate == "followed"}
    assert followed
    assert followed <= tagged
    item = next(item for item in page.items if item.candidate == "followed")
    assert "From a hashtag you follow" in item.reasons


def test_a_follow_costs_for_you_no_query():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for index in range(30):
        published_video(topics=(("stem", "comedy")[index % 2],))
    tagged_video("knitting")
    person = UserFactory.create()
    services.hashtag_follow(user=person, name="knitting")
    feed_selectors.feed_for_you(viewer=viewer_for_user(person))  # builds the catalog
    with CaptureQueriesContext(connection) as queries:
        feed_selectors.feed_for_you(viewer=viewer_for_user(person))
    # the profile (with the follows), the co-watch neighbours (none: no favourites), the page's videos
    assert len(queries) == 2, [query["sql"][:80] for query in queries]


def test_your_data_holds_your_follows_and_deleting_removes_them():
    tagged_video("munich")
    tagged_video("bread")
    person, other = UserFactory.create(), UserFactory.create()
    services.hashtag_follow(user=person, name="munich")
    services.hashtag_follow(user=person, name="bread")
    services.hashtag_follow(user=other, name="bread")
    files = {name: content for name, content in feeds_export(person) if isinstance(content, bytes)}
    follows = json.loads(files["hashtag_follows.json"])
    assert [entry["hashtag"] for entry in follows] == ["munich", "bread"]
    assert len(json.loads(files["interest_profile.json"])["followed_hashtag_ids"]) == 2
    feeds_erase(person)
    assert list(HashtagFollow.objects.values_list("user_id", flat=True)) == [other.pk]


def test_a_follow_is_light_interest_evidence_unless_the_feeds_show_none_of_its_videos():
    from feeds.ranking import Weights
    from feeds.welcome.seeding import SEED_GAIN

    tagged_video("knitting")
    tagged_video("adultsonly", content_level="mature")
    person = UserFactory.create()
    services.hashtag_follow(user=person, name="knitting")
    services.hashtag_follow(user=person, name="adultsonly")
    weights = Weights.from_json(InterestProfile.objects.get(viewer_key=f"u:{person.pk}").weights)
    knitting, adults = (
        HashtagFollow.objects.get(hashtag__name=name).hashtag_id for name in ("knitting", "adultsonly")
    )
    assert weights.hashtags == {knitting: SEED_GAIN}
    assert adults not in weights.hashtag_views
    assert HashtagFollow.objects.count() == 2  # followed all the same
