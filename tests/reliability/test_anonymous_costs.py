"""Browsing anonymously writes nothing: no session row until the visitor does something worth keeping."""

import uuid

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from feeds.models import Signal
from tests.factories import published_video

pytestmark = pytest.mark.django_db


def test_fifty_anonymous_page_and_feed_requests_write_no_session_row():
    for index in range(6):
        published_video(topics=(("food", "art", "music")[index % 3],))
    for _ in range(25):
        assert Client().get("/").status_code == 200
        assert Client().get("/api/v1/feeds/for-you").status_code == 200
    assert Session.objects.count() == 0


def test_the_first_signal_keeps_the_visitors_key_and_their_feed_uses_it():
    video = published_video(topics=("food",))
    client = Client()
    client.get("/api/v1/feeds/for-you")
    assert Session.objects.count() == 0
    body = {
        "events": [
            {
                "event_id": str(uuid.uuid4()),
                "video": str(video.public_id),
                "kind": "like",
                "source": "for_you",
            }
        ]
    }
    assert client.post("/api/v1/signals", body, content_type="application/json").json()["accepted"] == 1
    assert Session.objects.count() == 1
    key = Signal.objects.get().viewer_key
    assert key.startswith("a:")
    body["events"][0]["event_id"] = str(uuid.uuid4())
    client.post("/api/v1/signals", body, content_type="application/json")
    assert set(Signal.objects.values_list("viewer_key", flat=True)) == {key}  # the same visitor
    assert Session.objects.count() == 1
