"""What moderation labels do to the feeds: unverified claims, under review (a video, or a creator's bio) stay
out of For You and every topic feed but are reachable by link and on the profile; age-restricted videos
are for adults only everywhere, per age band."""

import pytest
from django.urls import reverse

from creators import selectors as creator_selectors
from creators.models import CreatorProfile, Video
from feeds import selectors
from feeds.api.serializers import feed_page_json
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db

RECOMMENDED_FEEDS = ["for_you", "stem", "sports", "news", "local"]
TOPICS = {
    "for_you": ("comedy",),
    "stem": ("stem",),
    "sports": ("sports",),
    "news": ("news",),
    "local": ("comedy",),
}


def shown(feed: str, viewer) -> set[int]:
    key = f"u:{viewer.pk}" if viewer is not None else "a:anonymous"
    who = viewer_for_user(viewer, key=key)
    if feed == "for_you":
        page = selectors.feed_for_you(viewer=who)
    elif feed == "local":
        page = selectors.feed_local(viewer=who, region="DE-BY")
    elif feed == "following":
        return {video.pk for video in selectors.following_queryset(viewer=who)}
    else:
        topic_page = selectors.feed_topic(viewer=who, slug=feed)
        assert topic_page is not None
        page = topic_page
    return {item.video.pk for item in page.items}


def on_profile(video: Video, viewer) -> bool:
    who = viewer_for_user(viewer, key=f"u:{viewer.pk}" if viewer is not None else "a:anonymous")
    return creator_selectors.profile_videos(profile=video.owner, viewer=who).filter(pk=video.pk).exists()


@pytest.fixture
def publisher():
    return CreatorFactory.create(user=UserFactory.create(region="DE-BY", is_verified_publisher=True))


@pytest.mark.parametrize("feed", RECOMMENDED_FEEDS)
def test_an_unverified_video_is_in_no_recommended_feed_but_on_the_profile_and_by_link(
    feed, publisher, client
):
    fine = published_video(owner=publisher, topics=TOPICS[feed])
    unverified = published_video(owner=publisher, topics=TOPICS[feed], is_unverified=True)
    viewer = UserFactory.create(region="DE-BY")
    assert fine.pk in shown(feed, viewer)
    assert unverified.pk not in shown(feed, viewer)
    assert on_profile(unverified, viewer)
    client.force_login(viewer)
    assert client.get(reverse("creators:video", args=[unverified.public_id])).status_code == 200


@pytest.mark.parametrize("feed", RECOMMENDED_FEEDS)
def test_a_video_under_review_is_in_no_recommended_feed_but_reachable_by_link_and_by_its_creator(
    feed, publisher, client
):
    fine = published_video(owner=publisher, topics=TOPICS[feed])
    held = published_video(owner=publisher, topics=TOPICS[feed], moderation_state=Video.Moderation.REVIEW)
    viewer = UserFactory.create(region="DE-BY")
    assert fine.pk in shown(feed, viewer)
    assert held.pk not in shown(feed, viewer)
    assert on_profile(held, publisher.user)
    client.force_login(viewer)
    assert client.get(reverse("creators:video", args=[held.public_id])).status_code == 200


@pytest.mark.parametrize("feed", RECOMMENDED_FEEDS)
def test_a_creator_under_review_is_not_recommended_until_cleared(feed, publisher):
    other = CreatorFactory.create(user=UserFactory.create(region="DE-BY", is_verified_publisher=True))
    theirs = published_video(owner=publisher, topics=TOPICS[feed])
    others = published_video(owner=other, topics=TOPICS[feed])
    CreatorProfile.objects.filter(pk=publisher.pk).update(is_under_review=True)
    viewer = UserFactory.create(region="DE-BY")
    assert shown(feed, viewer) == {others.pk}
    assert on_profile(theirs, viewer)
    CreatorProfile.objects.filter(pk=publisher.pk).update(is_under_review=False)
    from feeds.catalog import catalog_reset

    catalog_reset()
    assert shown(feed, viewer) == {others.pk, theirs.pk}


def test_following_keeps_unverified_videos_and_a_creator_under_review_but_not_videos_under_review(publisher):
    fine = published_video(owner=publisher)
    unverified = published_video(owner=publisher, is_unverified=True)
    held = published_video(owner=publisher, moderation_state=Video.Moderation.REVIEW)
    viewer = UserFactory.create()
    from creators import services as creator_services

    creator_services.follow_create(follower=viewer, creator=publisher)
    assert shown("following", viewer) == {fine.pk, unverified.pk}
    CreatorProfile.objects.filter(pk=publisher.pk).update(is_under_review=True)
    assert shown("following", viewer) == {fine.pk, unverified.pk}
    assert held.pk not in shown("following", viewer)


def test_a_page_assembled_from_a_stale_catalog_drops_a_video_labelled_since(publisher):
    video = published_video(owner=publisher, topics=("comedy",))
    viewer = UserFactory.create(region="DE-BY")
    assert video.pk in shown("for_you", viewer)  # the catalog now holds it
    Video.objects.filter(pk=video.pk).update(is_unverified=True)  # no catalog refresh
    assert video.pk not in shown("for_you", viewer)


AGE_BANDS = {
    "adult": 30,
    "16_17": 16,
    "13_15": 14,
}


@pytest.mark.parametrize(
    ("band", "feed"),
    [
        (band, feed)
        for band in [*AGE_BANDS, "anonymous"]
        for feed in [*RECOMMENDED_FEEDS, "following"]
        if (band, feed) != ("anonymous", "following")  # an anonymous visitor follows nobody
    ],
)
def test_an_age_restricted_video_is_for_adults_only_in_every_feed(band, feed, publisher):
    restricted = published_video(
        owner=publisher, topics=TOPICS.get(feed, ("comedy",)), is_age_restricted=True
    )
    fine = published_video(owner=publisher, topics=TOPICS.get(feed, ("comedy",)))
    viewer = (
        None
        if band == "anonymous"
        else UserFactory.create(region="DE-BY", date_of_birth=born_years_ago(AGE_BANDS[band]))
    )
    if feed == "following":
        from creators import services as creator_services

        assert viewer is not None
        creator_services.follow_create(follower=viewer, creator=publisher)
    seen = shown(feed, viewer)
    assert fine.pk in seen
    assert (restricted.pk in seen) is (band == "adult")


@pytest.mark.parametrize("band", [*AGE_BANDS, "anonymous"])
def test_an_age_restricted_video_is_for_adults_only_on_the_profile_and_by_link(band, publisher, client):
    restricted = published_video(owner=publisher, is_age_restricted=True)
    viewer = (
        None
        if band == "anonymous"
        else UserFactory.create(region="DE-BY", date_of_birth=born_years_ago(AGE_BANDS[band]))
    )
    if viewer is not None:
        client.force_login(viewer)
    is_adult = band == "adult"
    assert on_profile(restricted, viewer) is is_adult
    response = client.get(reverse("creators:video", args=[restricted.public_id]))
    assert response.status_code == (200 if is_adult else 404)


def test_the_creator_of_an_age_restricted_video_who_is_a_teen_no_longer_sees_it():
    # The rule is the viewer's age, not ownership: a 16-year-old whose video was age-restricted cannot watch it.
    teen = CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(16)))
    restricted = published_video(owner=teen, is_age_restricted=True)
    assert not on_profile(restricted, teen.user)


def test_feed_json_says_whether_a_video_is_unverified(publisher, client):
    unverified = published_video(owner=publisher, is_unverified=True)
    viewer = UserFactory.create()
    client.force_login(viewer)
    response = client.get(reverse("creators:video", args=[unverified.public_id]))
    assert response.status_code == 200
    items = response.context["items"]
    assert items[0]["video"]["id"] == str(unverified.public_id)
    assert items[0]["video"]["is_unverified"] is True
    body = response.content.decode()
    assert 'data-testid="unverified-banner"' in body
    assert 'data-testid="share-confirm"' in body
    assert "Share anyway?" in body
    page = selectors.feed_for_you(viewer=viewer_for_user(viewer, key="u:json"))
    assert page.items == []  # the only video is unverified
    fine = published_video(owner=publisher)
    from feeds.catalog import catalog_reset

    catalog_reset()
    page = selectors.feed_for_you(viewer=viewer_for_user(viewer, key="u:json"))
    assert [item["video"]["is_unverified"] for item in feed_page_json(page)] == [False]
    assert page.items[0].video.pk == fine.pk


def test_the_noscript_list_marks_an_unverified_video(publisher, client):
    unverified = published_video(owner=publisher, is_unverified=True)
    response = client.get(reverse("creators:video", args=[unverified.public_id]))
    assert "feed-static-unverified" in response.content.decode()


def test_a_bio_under_review_is_hidden_from_others_and_shown_to_its_creator(client):
    creator = CreatorFactory.create(bio="Ask me about the <b>miracle cure</b>", is_under_review=True)
    response = client.get(creator.get_absolute_url())
    body = response.content.decode()
    assert "This bio is being reviewed" in body
    assert "miracle cure" not in body
    client.force_login(creator.user)
    body = client.get(creator.get_absolute_url()).content.decode()
    assert "Ask me about the &lt;b&gt;miracle cure&lt;/b&gt;" in body  # escaped, shown to its creator
    assert "only you see it until then" in body


def test_a_creator_under_review_has_no_bio_in_feed_json(publisher, client):
    video = published_video(owner=publisher)
    CreatorProfile.objects.filter(pk=publisher.pk).update(bio="Secret", is_under_review=True)
    client.force_login(UserFactory.create())
    items = client.get(reverse("creators:video", args=[video.public_id])).context["items"]
    assert items[0]["creator"]["bio"] == ""
