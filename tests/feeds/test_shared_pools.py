"""Candidate pools shared in Redis: the same candidates as the in-process catalog, kept current by
publishing, moderation and rollups without a rebuild, read by a second web process within seconds, and a
database fallback while Redis is away."""

import time
import urllib.request
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from creators import services as creator_services
from creators.models import Topic, Video
from feeds import ranking, selectors
from feeds.catalog import catalog_get, catalog_reset
from feeds.models import InterestProfile, Signal, VideoStats
from feeds.pools import feed_pools, feed_pools_reset
from feeds.pools.codec import features_decode, features_encode
from feeds.pools.redis_pools import FEATURES, FRESH, TRENDING, RedisPools, hashtag_key, topic_key
from feeds.services import pools_sync, signals_rollup
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, published_video
from tests.waiting import eventually
from tests.workers import redis_server, start_web, stop_web


@pytest.fixture(scope="module")
def redis_instance():
    with redis_server() as server:
        yield server


@pytest.fixture
def shared(settings, redis_instance):
    """Feeds on the shared pools of a fresh Redis."""
    if redis_instance.process is None:
        redis_instance.start()
    settings.FEED_POOLS_URL = redis_instance.url
    settings.FEED_POOLS_RETRY_SECONDS = 0.5
    feed_pools_reset()
    store = feed_pools()
    assert isinstance(store, RedisPools)
    store.client.flushdb()
    yield store
    feed_pools_reset()


def _stats(video, **counts):
    VideoStats.objects.update_or_create(video=video, defaults=counts)


def _world():
    """Videos in two topics with distinct strengths, hashtags and a region, and one that is not
    recommendable (private)."""
    videos = []
    for index in range(12):
        owner = CreatorFactory.create(region="PT")
        video = published_video(topics=("stem",) if index % 2 else ("comedy",), owner=owner)
        video.hashtags.add(*_hashtags("physics" if index % 3 else "chemistry"))
        _stats(
            video,
            impressions=100 + index * 7,
            completions=10 + index * 5,
            likes=index,
            recent_completions=index,
        )
        videos.append(video)
    hidden = published_video(topics=("stem",), visibility=Video.Visibility.PRIVATE)
    return videos, hidden


def _hashtags(*names):
    from creators.models import Hashtag

    return [Hashtag.objects.get_or_create(name=name)[0] for name in names]


def _moderate(video, state):
    """A moderator's decision (to visible: the video becomes recommendable, as at publishing)."""
    creator_services.video_moderate(
        actor=UserFactory.create(is_staff=True), video=video, state=state, reason=""
    )


def _topic(slug: str) -> int:
    return Topic.objects.get(slug=slug).pk


def test_features_survive_the_compact_encoding(db):
    (video, *_), _ = _world()
    item = catalog_get().features[video.pk]
    assert features_decode(features_encode(item)) == item


@pytest.mark.django_db
def test_loaded_pools_hold_exactly_the_catalogs_candidates_in_its_order(shared):
    videos, hidden = _world()
    assert shared.sync() == 12  # an empty Redis is loaded whole
    catalog = catalog_get()
    stem, comedy = _topic("stem"), _topic("comedy")
    physics = _hashtags("physics")[0].pk
    view = shared.view(
        ranking.Wants(
            topics={stem: 400, comedy: 3}, hashtags={physics: 400}, region="PT", region_count=400, trending=5
        )
    )
    assert view.by_topic[stem] == catalog.by_topic[stem]
    assert view.by_topic[comedy] == catalog.by_topic[comedy][:3]
    assert view.by_hashtag[physics] == catalog.by_hashtag[physics]
    assert view.by_region["PT"] == catalog.by_region["PT"]
    assert view.trending == catalog.trending[:5]
    assert hidden.pk not in view.features
    assert {pk: view.features[pk] for pk in view.features} == {
        pk: catalog.features[pk] for pk in view.features
    }
    assert view.topic_ids == catalog.topic_ids
    # The page's hashtag names come with the page, from Redis.
    shared.names_fill(view, [videos[1].pk])
    assert view.hashtag_names[physics] == "physics"


@pytest.mark.django_db
def test_a_view_reads_only_what_the_page_wants(shared):
    _world()
    shared.sync()
    stem = _topic("stem")
    view = shared.view(ranking.Wants(topics={stem: 2}))
    assert len(view.by_topic[stem]) == 2
    assert set(view.features) == set(view.by_topic[stem])
    assert shared.client.hlen(FEATURES) == 12


@pytest.mark.django_db
def test_exploration_samples_only_fresh_videos_and_repeats_for_one_seed(shared):
    videos, _ = _world()
    shared.sync()
    wants = ranking.for_you_wants(
        weights=ranking.Affinity({}, {}, {}), cowatch=[], seed="viewer:0:2026-11-28"
    )
    first, second = shared.view(wants), shared.view(wants)
    assert first.fresh == second.fresh
    assert set(first.fresh) <= {video.pk for video in videos}
    assert first.fresh  # 12 videos under the impressions bar, all fresh


@pytest.mark.django_db(transaction=True)
def test_publishing_and_removing_reach_the_pools_at_commit_without_a_rebuild(shared, settings):
    _videos, _ = _world()
    shared.sync()
    stem = _topic("stem")
    new = published_video(topics=("stem",))  # a factory write: no hook ran
    assert new.pk not in shared.features_of([new.pk])

    _moderate(new, Video.Moderation.VISIBLE)
    assert new.pk in shared.features_of([new.pk])
    assert new.pk in shared.view(ranking.Wants(topics={stem: 400})).by_topic[stem]

    _moderate(new, Video.Moderation.REMOVED)
    assert shared.features_of([new.pk]) == {}
    assert not any(shared.client.zscore(key, new.pk) for key in (topic_key(stem), TRENDING, FRESH))


@pytest.mark.django_db(transaction=True)
def test_an_edit_that_changes_topics_moves_the_video_between_pools(shared):
    videos, _ = _world()
    shared.sync()
    video = videos[1]  # stem
    creator_services.video_update_details(
        video=video, caption="now #comedy only", visibility=video.visibility, content_level=video.content_level,
        topic_slugs=["comedy"],
    )  # fmt: skip
    assert shared.client.zscore(topic_key(_topic("stem")), video.pk) is None
    assert shared.client.zscore(topic_key(_topic("comedy")), video.pk) is not None
    assert shared.client.zscore(hashtag_key(_hashtags("comedy")[0].pk), video.pk) is not None


@pytest.mark.django_db(transaction=True)
def test_a_rollup_moves_videos_up_the_trending_pool(shared):
    videos, _ = _world()
    shared.sync()
    last = videos[0]
    assert shared.view(ranking.Wants(trending=1)).trending != [last.pk]
    viewer = UserFactory.create()
    Signal.objects.bulk_create(
        Signal(
            event_id=uuid.uuid4(), viewer_key=f"u{viewer.pk}-{index}", video=last, kind=Signal.Kind.COMPLETE,
            created_at=timezone.now(),
        )
        for index in range(400)
    )  # fmt: skip
    signals_rollup()
    assert shared.view(ranking.Wants(trending=1)).trending == [last.pk]


@pytest.mark.django_db(transaction=True)
def test_sync_catches_up_on_what_a_failed_write_missed(shared, redis_instance):
    _videos, _ = _world()
    shared.sync()
    stem = _topic("stem")
    redis_instance.stop()
    new = published_video(topics=("stem",))
    _moderate(new, Video.Moderation.VISIBLE)  # write fails
    redis_instance.start()  # empty again: no persistence
    time.sleep(0.6)  # past FEED_POOLS_RETRY_SECONDS
    assert pools_sync() == 13  # reloaded, the new video with it
    assert new.pk in shared.view(ranking.Wants(topics={stem: 400})).by_topic[stem]

    later = published_video(topics=("stem",))  # no hook: only the watermark finds it
    assert pools_sync() >= 1
    assert later.pk in shared.features_of([later.pk])


@pytest.mark.django_db(transaction=True)
def test_with_redis_away_feeds_answer_from_the_database_and_readiness_names_the_pools(
    shared, redis_instance, client
):
    videos, _ = _world()
    shared.sync()
    api = APIClient()
    api.force_authenticate(UserFactory.create())
    assert client.get(reverse("readyz")).json()["feed_pools"] == "ok"
    redis_instance.stop()
    catalog_reset()
    page = api.get(reverse("api-feed-for-you"))
    topic = api.get(reverse("api-feed-topic", args=["stem"]))
    assert (page.status_code, topic.status_code) == (200, 200)
    assert {item["video"]["id"] for item in page.json()["results"]} <= {
        str(video.public_id) for video in videos
    }
    assert len(topic.json()["results"]) == 6
    ready = client.get(reverse("readyz"))
    assert ready.status_code == 503
    assert ready.json()["feed_pools"] != "ok"

    redis_instance.start()  # back, and empty: no persistence
    time.sleep(0.6)  # past FEED_POOLS_RETRY_SECONDS
    assert len(api.get(reverse("api-feed-topic", args=["stem"])).json()["results"]) == 6  # still the database
    assert client.get(reverse("readyz")).json()["feed_pools"] == "LookupError"  # not loaded yet

    pools_sync()  # the worker's beat task loads it
    eventually(
        lambda: client.get(reverse("readyz")).json()["feed_pools"] == "ok",
        timeout=5,
        what="the pools to be ok",
    )
    assert len(api.get(reverse("api-feed-topic", args=["stem"])).json()["results"]) == 6
    assert feed_pools().view(ranking.Wants(topics={_topic("stem"): 400})).by_topic  # from Redis again


def _topic_ids(url: str) -> set[str]:
    with urllib.request.urlopen(f"{url}/api/v1/feeds/topics/stem", timeout=5) as response:  # noqa: S310
        import json

        return {item["video"]["id"] for item in json.loads(response.read())["results"]}


@pytest.mark.django_db(transaction=True)
def test_a_video_made_visible_in_one_process_is_in_anothers_feed_within_five_seconds_and_gone_as_fast(
    shared, redis_instance, tmp_path
):
    _videos, _ = _world()
    shared.sync()
    web, url = start_web(
        media_root=tmp_path / "media",
        log=tmp_path / "web.log",
        extra_env={"FEED_POOLS_URL": redis_instance.url},
    )
    try:
        new = published_video(topics=("stem",))
        _stats(new, impressions=1000, completions=900)  # the strongest: on the first page
        assert str(new.public_id) not in _topic_ids(url)

        _moderate(new, Video.Moderation.VISIBLE)  # here
        eventually(
            lambda: str(new.public_id) in _topic_ids(url), timeout=5, what="the other process to show it"
        )

        _moderate(new, Video.Moderation.REMOVED)
        eventually(lambda: str(new.public_id) not in _topic_ids(url), timeout=5, what="the other to drop it")
    finally:
        stop_web(web)


@pytest.mark.django_db
def test_with_shared_pools_for_you_still_never_runs_dry(shared):
    videos, _ = _world()
    shared.sync()
    viewer = UserFactory.create()
    seen_order = [video.pk for video in videos[1:]]  # oldest first
    InterestProfile.objects.create(
        viewer_key=f"u:{viewer.pk}", user=viewer, seen=seen_order, hidden=[videos[0].pk], weights={}
    )
    page = selectors.feed_for_you(viewer=viewer_for_user(viewer), size=4)
    ids = [item.video.pk for item in page.items]
    assert len(ids) == 4
    assert set(ids) <= set(seen_order[:8])  # the oldest seen first, as with the in-process catalog
    assert all(item.candidate == "again" for item in page.items)
    assert page.catalog is not None
    assert page.catalog.is_page_view
