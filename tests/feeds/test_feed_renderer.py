"""The feed pages' JSON is rendered by orjson and is, byte for byte, what DRF's JSONRenderer writes."""

import pytest
from django.urls import reverse
from rest_framework.renderers import JSONRenderer

from creators import services as creator_services
from platform.api.renderers import OrjsonRenderer
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db

CAPTIONS = [
    "Plain caption",
    'Quotes " and \\ backslashes, </script> and a tab\tin it',
    "Grüße aus München 🎬 東京 עברית",
    "A line\u2028separator and a paragraph\u2029separator",
]


@pytest.fixture
def world():
    creators = [
        CreatorFactory.create(bio="Bio with ünïcode 🎥", links=["https://example.com/ä"]) for _ in range(4)
    ]
    for index in range(24):
        published_video(
            owner=creators[index % 4],
            topics=(("stem", "comedy")[index % 2],),
            caption=CAPTIONS[index % len(CAPTIONS)],
            duration=(3.0, 12.5, 59.96)[index % 3],
        )
    viewer = UserFactory.create()
    for creator in creators[:2]:
        creator_services.follow_create(follower=viewer, creator=creator)
    return viewer


def feed_paths() -> list[str]:
    return [
        reverse("api-feed-for-you"),
        reverse("api-feed-topic", args=["stem"]),
        reverse("api-feed-local") + "?region=DE-BY",
        reverse("api-feed-following"),
    ]


@pytest.mark.parametrize("signed_in", [True, False])
def test_feed_pages_are_drfs_json_byte_for_byte(api_client, world, signed_in):
    if signed_in:
        api_client.force_authenticate(world)
    for path in feed_paths():
        response = api_client.get(path)
        if not signed_in and "following" in path:
            assert response.status_code == 401
            continue
        assert response.status_code == 200, path
        assert isinstance(response.accepted_renderer, OrjsonRenderer), path
        assert response["Content-Type"] == "application/json", path
        assert response.json()["results"], path
        assert response.content == JSONRenderer().render(response.data), path
        second = api_client.get(response.json()["next"]) if response.json()["next"] else None
        if second is not None:
            assert second.content == JSONRenderer().render(second.data), path


def test_the_browsable_api_still_answers_a_browser(api_client, world):
    api_client.force_authenticate(world)
    response = api_client.get(reverse("api-feed-for-you"), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Grüße aus München" in response.content.decode()
