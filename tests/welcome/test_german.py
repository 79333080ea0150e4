"""The "What do you enjoy?" step in German: topics, then hashtags, and a refusal, with nothing left in
English (``tests.german``); nothing is written when the picks are refused."""

import pytest

from feeds.models import InterestProfile
from tests.factories import UserFactory
from tests.german import english_on_page
from tests.welcome.world import world_build

pytestmark = pytest.mark.django_db

GERMAN = {"Accept-Language": "de"}


URL = "/welcome/interests"


def _german(response, status=200):
    assert response.status_code == status
    html = response.content.decode()
    assert english_on_page(html) == [], english_on_page(html)
    return html


def test_the_topics_and_the_hashtags_steps_are_german(client):
    world = world_build(per_topic=2)
    client.force_login(UserFactory.create())
    html = _german(client.get(URL, headers=GERMAN))
    assert "Was gefällt dir?" in html
    assert "(bis zu 8)" in html
    html = _german(client.post(URL, {"topics": [world.stem.pk], "step": "hashtags"}, headers=GERMAN))
    assert "Los geht’s" in html


def test_too_many_topics_are_refused_in_german_and_nothing_is_written(client):
    world_build(per_topic=2)
    from creators.models import Topic

    client.force_login(UserFactory.create())
    ids = list(Topic.objects.values_list("pk", flat=True))
    html = _german(client.post(URL, {"topics": ids, "step": "hashtags"}, headers=GERMAN), status=400)
    assert "Wähle höchstens 8 Themen." in html
    assert not InterestProfile.objects.exists()
