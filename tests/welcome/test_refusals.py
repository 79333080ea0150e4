"""Rejected picks: a clear error with its code, and nothing written."""

import pytest
from django.urls import reverse

from creators.models import Topic
from feeds.models import InterestProfile
from feeds.welcome import services
from tests.factories import UserFactory
from tests.welcome.world import world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return world_build(per_topic=2)


def post(client, body):
    return client.post(reverse("api-me-interests"), body, content_type="application/json")


def test_an_anonymous_visitor_cannot_pick(client, world):
    response = post(client, {"topics": [world.stem.pk]})

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }
    assert not InterestProfile.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "code", "message"),
    [
        ({"topics": [999999]}, "topics", "unknown_topic", "Unknown topic: 999999."),
        ({"hashtags": [999999]}, "hashtags", "unknown_hashtag", "Unknown hashtag: 999999."),
        ({"topics": "stem"}, "topics", "not_a_list", 'Expected a list of items but got type "str".'),
    ],
)
def test_unknown_or_malformed_picks_are_refused(client, world, body, field, code, message):
    client.force_login(UserFactory.create())

    response = post(client, body)

    assert response.status_code == 400
    assert response.json() == {field: [message], "codes": {field: [code]}}
    assert not InterestProfile.objects.exists()


def test_a_hashtag_only_mature_videos_carry_is_never_seeded(client, world):
    client.force_login(UserFactory.create())  # an adult: may watch the video, yet its hashtag is not a pick

    response = post(client, {"topics": [world.stem.pk], "hashtags": [world.physics.pk, world.spicy.pk]})

    assert response.status_code == 400
    assert response.json() == {
        "hashtags": [f"Unknown hashtag: {world.spicy.pk}."],
        "codes": {"hashtags": ["unknown_hashtag"]},
    }
    assert not InterestProfile.objects.exists()  # the good picks beside it are not saved either


def test_too_many_picks_are_refused_on_the_api_and_the_page(client, world):
    user = UserFactory.create()
    client.force_login(user)
    too_many = list(Topic.objects.values_list("pk", flat=True)[: services.MAX_TOPICS + 1])

    api = post(client, {"topics": too_many})
    page = client.post(reverse("welcome-interests"), {"topics": too_many, "step": "save"})
    form = client.post(reverse("welcome-interests"), {"topics": ["stem"], "step": "save"})

    assert api.status_code == 400
    assert api.json() == {
        "topics": [f"Pick at most {services.MAX_TOPICS} topics."],
        "codes": {"topics": ["too_many"]},
    }
    assert page.status_code == 400
    assert f"Pick at most {services.MAX_TOPICS} topics." in page.content.decode()
    assert form.status_code == 400
    assert "Pick from the list." in form.content.decode()
    assert not InterestProfile.objects.exists()


def test_picking_the_same_again_changes_nothing(client, world):
    user = UserFactory.create()
    client.force_login(user)

    post(client, {"topics": [world.stem.pk], "hashtags": [world.physics.pk]})
    first = InterestProfile.objects.get().weights
    again = post(client, {"topics": [world.stem.pk, world.stem.pk], "hashtags": [world.physics.pk]})

    assert again.json() == {"topics": [world.stem.pk], "hashtags": [world.physics.pk]}
    assert InterestProfile.objects.get().weights == first


def test_a_refused_save_keeps_the_picks_on_screen(client, world):
    client.force_login(UserFactory.create())

    response = client.post(
        reverse("welcome-interests"),
        {"topics": [world.stem.pk], "hashtags": [world.physics.pk, world.spicy.pk], "step": "save"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert f"Unknown hashtag: {world.spicy.pk}." in html
    assert f'name="topics" value="{world.stem.pk}" checked' in html
    assert f'name="hashtags" value="{world.physics.pk}" checked' in html
    assert not InterestProfile.objects.exists()
