"""Browsing anonymously writes no session row: the visitor's key is a signed cookie, and a signal that comes
without one is stored but teaches no profile, so a client that drops cookies costs no row per request."""

import uuid

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from creators.models import Video
from feeds.models import InterestProfile, Signal
from platform.viewer import COOKIE_NAME
from tests.factories import published_video

pytestmark = pytest.mark.django_db


def test_fifty_anonymous_page_and_feed_requests_write_no_session_row():
    for index in range(6):
        published_video(topics=(("food", "art", "music")[index % 3],))
    for _ in range(25):
        assert Client().get("/").status_code == 200
        assert Client().get("/api/v1/feeds/for-you").status_code == 200
    assert Session.objects.count() == 0


def signal_body(video: Video) -> dict[str, list[dict[str, str]]]:
    return {
        "events": [
            {
                "event_id": str(uuid.uuid4()),
                "video": str(video.public_id),
                "kind": "like",
                "source": "for_you",
            }
        ]
    }


def test_six_hundred_cookieless_signals_write_no_session_and_no_profile_row():
    video = published_video(topics=("food",))
    for _ in range(600):
        response = Client().post("/api/v1/signals", signal_body(video), content_type="application/json")
        assert response.json()["accepted"] == 1
    assert Session.objects.count() == 0
    assert InterestProfile.objects.count() == 0  # nothing learnt for keys that die with their request
    assert Signal.objects.count() == 600  # the views themselves still count


def test_the_feed_gives_the_visitor_a_key_their_signals_keep_and_their_feed_uses():
    video = published_video(topics=("food",))
    client = Client()
    client.get("/api/v1/feeds/for-you")
    assert COOKIE_NAME in client.cookies
    assert Session.objects.count() == 0
    assert (
        client.post("/api/v1/signals", signal_body(video), content_type="application/json").json()["accepted"]
        == 1
    )
    key = Signal.objects.get().viewer_key
    assert key.startswith("a:")
    client.post("/api/v1/signals", signal_body(video), content_type="application/json")
    assert set(Signal.objects.values_list("viewer_key", flat=True)) == {key}  # the same visitor
    assert InterestProfile.objects.get().viewer_key == key
    assert Session.objects.count() == 0


def test_a_forged_key_cookie_is_a_new_visitor():
    video = published_video(topics=("food",))
    client = Client()
    client.cookies[COOKIE_NAME] = "a:" + "0" * 24  # unsigned
    client.post("/api/v1/signals", signal_body(video), content_type="application/json")
    assert Signal.objects.get().viewer_key != "a:" + "0" * 24
    assert InterestProfile.objects.count() == 0
