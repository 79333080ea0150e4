"""Without picks: a new viewer's first pages are short, so the second already reflects the first."""

import uuid

import pytest
from django.urls import reverse

from feeds import selectors
from feeds.models import InterestProfile
from tests.factories import UserFactory
from tests.welcome.world import world_build

pytestmark = pytest.mark.django_db


def watch(client, page, *, liked_topic):
    """The player's events for a page: the liked topic's videos watched to the end, the rest left at once."""
    events = []
    for item in page["results"]:
        liked = item["video"]["topics"] == [liked_topic]
        common = {"video": item["video"]["id"], "source": item["source"], "position": item["position"]}
        events.append({"event_id": str(uuid.uuid4()), "kind": "impression", **common})
        events.append(
            {
                "event_id": str(uuid.uuid4()),
                "kind": "complete" if liked else "progress",
                "watched_seconds": 3.0 if liked else 0.5,
                **common,
            }
        )
    response = client.post(reverse("api-signals"), {"events": events}, content_type="application/json")
    assert response.json()["errors"] == []


def test_the_second_page_already_reflects_the_first(client):
    world_build(per_topic=6)
    client.force_login(UserFactory.create())

    first = client.get(reverse("api-feed-for-you")).json()
    liked_topic = first["results"][0]["video"]["topics"][0]
    watch(client, first, liked_topic=liked_topic)
    second = client.get(first["next"]).json()

    assert len(first["results"]) == len(second["results"]) == selectors.FIRST_PAGES_SIZE == 10
    topics = [item["video"]["topics"] for item in second["results"]]
    assert topics[0] == [liked_topic]
    # Every video of the topic not yet seen, within the page rules (never three in a row from one topic).
    assert topics.count([liked_topic]) >= 3


def test_pages_are_full_size_once_fifty_videos_are_known(client):
    world_build(per_topic=8)
    user = UserFactory.create()
    InterestProfile.objects.create(viewer_key=f"u:{user.pk}", user=user, seen=list(range(10**6, 10**6 + 50)))
    client.force_login(user)

    assert len(client.get(reverse("api-feed-for-you")).json()["results"]) == 20
