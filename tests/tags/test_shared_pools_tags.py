"""Hashtag pages on the shared candidate pools in Redis: the same videos, related hashtags and follows."""

import pytest

from feeds import selectors as feed_selectors
from feeds.pools import feed_pools, feed_pools_reset
from feeds.pools.redis_pools import RedisPools
from feeds.tags import selectors, services
from platform.viewer import viewer_for_user
from tests.factories import UserFactory, published_video
from tests.tags.world import tagged_video
from tests.workers import redis_server

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def redis_instance():
    with redis_server() as server:
        yield server


@pytest.fixture
def shared(settings, redis_instance):
    if redis_instance.process is None:
        redis_instance.start()
    settings.FEED_POOLS_URL = redis_instance.url
    feed_pools_reset()
    store = feed_pools()
    assert isinstance(store, RedisPools)
    store.client.flushdb()
    yield store
    feed_pools_reset()


def test_a_tag_page_and_its_related_hashtags_read_the_shared_pools(shared):
    tagged = {tagged_video("munich", "bread").pk for _ in range(3)} | {tagged_video("munich", "beer").pk}
    tagged_video("hamburg")
    assert shared.load() == 5
    hashtag = selectors.hashtag_get(name="munich")
    assert hashtag is not None
    page = selectors.feed_hashtag(viewer=viewer_for_user(UserFactory.create()), hashtag=hashtag)
    assert {item.video.pk for item in page.items} == tagged
    assert selectors.hashtags_related(hashtag=hashtag) == ["bread", "beer"]


def test_followed_hashtags_join_a_for_you_page_read_from_the_shared_pools(shared):
    for _ in range(30):
        published_video(topics=("comedy",))
    knitting = {tagged_video("knitting").pk for _ in range(3)}
    person = UserFactory.create()
    services.hashtag_follow(user=person, name="knitting")
    shared.load()
    page = feed_selectors.feed_for_you(viewer=viewer_for_user(person))
    followed = {item.video.pk for item in page.items if item.candidate == "followed"}
    assert followed
    assert followed <= knitting
