"""A shared cache on Redis degrades instead of failing: with Redis unreachable, throttled API
writes and the feeds still answer, nothing is lost, and /readyz names the cache."""

import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from feeds.models import Signal
from platform.cache import REDIS_BACKEND, cache_settings
from tests.factories import UserFactory, published_video
from tests.workers import closed_port

pytestmark = pytest.mark.django_db


def test_no_cache_url_means_this_processes_memory_and_redis_means_a_degrading_redis():
    assert cache_settings("", timeout=0.25)["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    redis = cache_settings("redis://127.0.0.1:6379/1", timeout=0.3)
    assert (redis["BACKEND"], redis["LOCATION"]) == (REDIS_BACKEND, "redis://127.0.0.1:6379/1")
    assert redis["OPTIONS"] == {
        "IGNORE_EXCEPTIONS": True,
        "SOCKET_CONNECT_TIMEOUT": 0.3,
        "SOCKET_TIMEOUT": 0.3,
    }


@pytest.fixture
def redis_away(settings):
    with closed_port() as port:
        settings.CACHES = {"default": cache_settings(f"redis://127.0.0.1:{port}/0", timeout=0.2)}
        yield


@pytest.mark.usefixtures("redis_away")
def test_with_redis_away_the_cache_misses_instead_of_raising():
    cache.set("key", "value")
    assert cache.get("key") is None
    assert cache.get_or_set("other", "fresh") == "fresh"


@pytest.mark.usefixtures("redis_away")
def test_with_redis_away_signals_are_stored_and_the_feed_answers():
    viewer = UserFactory.create()
    video = published_video(topics=("stem",))
    for _ in range(3):
        published_video(topics=("comedy",))
    api = APIClient()
    api.force_authenticate(viewer)

    feed = api.get(reverse("api-feed-for-you"))
    assert feed.status_code == 200
    assert feed.json()["results"]

    event = {
        "event_id": str(uuid.uuid4()),
        "video": str(video.public_id),
        "kind": "impression",
        "source": "for_you",
    }
    response = api.post(
        reverse("api-signals"), {"events": [event]}, format="json"
    )  # throttled: reads the cache
    assert response.status_code == 200
    assert response.json()["accepted"] == 1
    assert Signal.objects.filter(viewer_key=f"u:{viewer.pk}", video=video).count() == 1


@pytest.mark.usefixtures("redis_away")
def test_with_redis_away_readyz_names_the_cache(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["cache"] != "ok"
    assert body["redis"] != "ok"
