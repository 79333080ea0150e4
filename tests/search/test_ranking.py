"""Ranking: text relevance first, then the video's quality and freshness and the viewer's own interests
(the feeds' scores), so two viewers get different orders; followers are not an input. A search is a
short-term interest signal."""

import datetime

import pytest
from django.utils import timezone

from creators.models import CreatorProfile, Hashtag
from feeds.models import InterestProfile, VideoStats
from feeds.ranking import Weights
from feeds.search import selectors
from feeds.search.services import search_interest_record
from feeds.search.text import query_parse
from platform.viewer import viewer_for_user
from tests.factories import UserFactory, published_video

pytestmark = pytest.mark.django_db


def order(viewer, text: str = "bread") -> list[int]:
    return [video.pk for video in selectors.videos_search(viewer=viewer, query=query_parse(text)).items]


def likes(user, hashtag: str) -> None:
    """A viewer who finished many videos of ``hashtag``: their learnt interest (the feeds' weights)."""
    tag_id = Hashtag.objects.get(name=hashtag).pk
    weights = Weights(hashtags={tag_id: 8.0}, hashtag_views={tag_id: 8.0})
    InterestProfile.objects.create(viewer_key=f"u:{user.pk}", user=user, weights=weights.to_json())


def test_two_viewers_searching_bread_get_different_orders(indexed):
    sourdough = published_video(caption="Bread at home #sourdough")
    rye = published_video(caption="Bread at home #rye")
    indexed(sourdough, rye)
    loves_sourdough, loves_rye = UserFactory.create(), UserFactory.create()
    likes(loves_sourdough, "sourdough")
    likes(loves_rye, "rye")
    assert order(viewer_for_user(loves_sourdough)) == [sourdough.pk, rye.pk]
    assert order(viewer_for_user(loves_rye)) == [rye.pk, sourdough.pk]


def test_interest_never_brings_in_a_video_without_the_words(indexed):
    exact = published_video(caption="The bread recipe")
    loose = published_video(caption="Breakfast ideas #sourdough")
    indexed(exact, loose)
    fan = UserFactory.create()
    likes(fan, "sourdough")
    assert order(viewer_for_user(fan)) == [exact.pk]


def test_quality_and_freshness_order_equal_matches_and_followers_do_not(indexed):
    old = published_video(caption="Bread plain", published_at=timezone.now() - datetime.timedelta(days=60))
    fresh = published_video(caption="Bread plain")
    indexed(old, fresh)
    assert order(viewer_for_user(None, key="a:x")) == [fresh.pk, old.pk]
    CreatorProfile.objects.filter(pk=old.owner_id).update(follower_count=1_000_000)
    assert order(viewer_for_user(None, key="a:x")) == [fresh.pk, old.pk]
    VideoStats.objects.create(video=old, impressions=100, completions=95, likes=60)
    assert order(viewer_for_user(None, key="a:x")) == [old.pk, fresh.pk]


def test_a_search_for_a_hashtag_nudges_short_term_interest(indexed):
    video = published_video(caption="Some #sourdough")
    indexed(video)
    user = UserFactory.create()
    viewer = viewer_for_user(user)
    hashtags, topics = search_interest_record(viewer=viewer, query=query_parse("Sourdough"))
    tag_id = Hashtag.objects.get(name="sourdough").pk
    assert (hashtags, topics) == ([tag_id], [])
    weights = Weights.from_json(InterestProfile.objects.get(viewer_key=viewer.key).weights)
    assert weights.recent is not None
    assert weights.recent.hashtags == {tag_id: 0.5}
    assert weights.hashtags == {}  # the long-term interest learns from watching only
    assert weights.rate("hashtags", tag_id) > 0


def test_a_search_naming_nothing_writes_nothing(indexed):
    indexed(published_video(caption="Some #sourdough"))
    viewer = viewer_for_user(UserFactory.create())
    assert search_interest_record(viewer=viewer, query=query_parse("random words")) == ([], [])
    assert not InterestProfile.objects.filter(viewer_key=viewer.key).exists()


def test_the_videos_page_records_the_signal_once_per_search(client, indexed):
    indexed(published_video(caption="Some #sourdough"))
    user = UserFactory.create()
    client.force_login(user)
    client.get("/search", {"q": "sourdough"})
    client.get("/search", {"q": "sourdough", "tab": "creators"})
    recent = InterestProfile.objects.get(user=user).weights["r"]
    assert recent["h"] == {str(Hashtag.objects.get(name="sourdough").pk): 0.5}
