""" "Not for me" holds from the very next page: the player's signal batch, then the next page of the feed."""

import time
import uuid
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from feeds import ranking, selectors
from feeds.models import InterestProfile
from feeds.ranking import History, VideoFacts, Weights
from tests.factories import CreatorFactory, UserFactory, published_video

pytestmark = pytest.mark.django_db

TOPICS = ("comedy", "food", "music", "art", "travel", "dance")


def make_world(creators: int, videos_each: int) -> dict[str, str]:
    """Creators with videos in a few topics each: the public id of every video -> its creator's handle."""
    owners: dict[str, str] = {}
    for number in range(creators):
        creator = CreatorFactory.create()
        for index in range(videos_each):
            video = published_video(owner=creator, topics=(TOPICS[(number + index) % len(TOPICS)],))
            owners[str(video.public_id)] = creator.handle
    return owners


@pytest.fixture
def world() -> dict[str, str]:
    """Fourteen creators with six videos each, more than a handful of pages."""
    return make_world(14, 6)


@pytest.fixture
def few_creators() -> dict[str, str]:
    """Seven creators with twelve videos each. A page of ten holds at most two videos a creator, so it
    shows at least five of the seven, and any two pages share at least three creators."""
    return make_world(7, 12)


def viewer_client() -> APIClient:
    client = APIClient()
    client.force_login(UserFactory.create())
    return client


def not_for_me(client: APIClient, item: dict[str, Any]) -> None:
    """What the player sends for the slide on screen when "Not for me" is tapped: its impression and
    watching so far, then "not_interested" (one batch, sent before the next page is asked for)."""

    def event(kind: str, watched: float) -> dict[str, Any]:
        return {
            "event_id": str(uuid.uuid4()),
            "video": item["video"]["id"],
            "kind": kind,
            "source": item["source"],
            "position": item["position"],
            "watched_seconds": watched,
            **({"topic": item["topic"]} if item.get("topic") else {}),
        }

    batch = [event("impression", 0.0), event("progress", 1.2), event("not_interested", 1.2)]
    response = client.post(reverse("api-signals"), {"events": batch}, format="json")
    assert response.status_code == 200
    assert response.json() == {"accepted": 3, "duplicates": 0, "errors": []}


def handles(page: dict[str, Any]) -> list[str]:
    return [item["creator"]["handle"] for item in page["results"]]


def test_the_next_page_has_no_video_of_a_creator_just_said_not_for_me(world):
    client = viewer_client()
    page = client.get(reverse("api-feed-for-you")).json()
    assert len(page["results"]) == selectors.FIRST_PAGES_SIZE  # a new viewer's pages are short
    said: list[str] = []
    # Five times over: "not for me" on a video of the page, then every later page leaves its creator out.
    for _ in range(5):
        item = next(item for item in page["results"] if item["creator"]["handle"] not in said)
        said.append(item["creator"]["handle"])
        not_for_me(client, item)
        for _ in range(2):
            page = client.get(page["next"]).json()
            assert page["results"], "For You never runs dry"
            assert not set(handles(page)) & set(said), said
    assert len(said) == 5
    profile = InterestProfile.objects.get(user__isnull=False)
    assert len(profile.not_for_me) == 5


def test_a_page_fetched_before_and_one_after_differ_only_by_the_creator(few_creators):
    """The same cursor asked for before and after the signal: the creator's videos go, the page stays full."""
    client = viewer_client()
    first = client.get(reverse("api-feed-for-you")).json()
    before = client.get(first["next"]).json()
    # A creator on both pages (seven creators, at most two videos each a page: at least three are): "not
    # for me" is said to one of their videos on the first page, as the viewer would, before the second comes.
    target = next(handle for handle in handles(before) if handle in handles(first))
    not_for_me(client, next(item for item in first["results"] if item["creator"]["handle"] == target))
    after = client.get(first["next"]).json()
    assert target not in handles(after)
    assert len(after["results"]) == len(before["results"]) == selectors.FIRST_PAGES_SIZE


def test_an_anonymous_visitors_not_for_me_holds_too(world, client):
    client.get(reverse("home"))  # the visitor's key cookie
    page = client.get(reverse("api-feed-for-you")).json()
    item = page["results"][3]
    events = [
        {"event_id": str(uuid.uuid4()), "video": item["video"]["id"], "kind": kind, "source": "for_you"}
        for kind in ("impression", "not_interested")
    ]
    response = client.post(reverse("api-signals"), {"events": events}, content_type="application/json")
    assert response.json()["accepted"] == 2
    for _ in range(3):
        page = client.get(page["next"]).json()
        assert item["creator"]["handle"] not in handles(page)


def test_not_for_me_in_a_topic_feed_leaves_the_creator_out_of_its_next_page():
    creators = [CreatorFactory.create() for _ in range(6)]
    for index in range(48):
        published_video(owner=creators[index % 6], topics=("stem",))
    client = viewer_client()
    url = reverse("api-feed-topic", args=["stem"])
    page = client.get(url).json()
    assert len(page["results"]) == 20
    item = page["results"][0]
    assert item["topic"] == "stem"
    not_for_me(client, item)
    later = client.get(page["next"]).json()
    assert later["results"]
    assert item["creator"]["handle"] not in handles(later)
    # The feed's own topic is what the viewer chose: "not for me" never empties it.
    assert {entry["topic"] for entry in later["results"]} == {"stem"}


def test_following_the_creator_lifts_not_for_me(world):
    client = viewer_client()
    page = client.get(reverse("api-feed-for-you")).json()
    item = page["results"][0]
    not_for_me(client, item)
    follow = {
        "event_id": str(uuid.uuid4()),
        "video": item["video"]["id"],
        "kind": "follow",
        "source": "for_you",
    }
    client.post(reverse("api-signals"), {"events": [follow]}, format="json")
    assert InterestProfile.objects.get(user__isnull=False).not_for_me == {}


def test_a_creator_comes_back_after_the_not_for_me_days():
    history = History(weights=Weights(), seen=[], hidden=[], favourites=[], not_for_me={7: 1000.0})
    assert history.creators_not_for_me(now_ts=1000.0 + 86400) == {7}
    later = 1000.0 + ranking.learning.NOT_FOR_ME_DAYS * 86400 + 1
    assert history.creators_not_for_me(now_ts=later) == frozenset()


class Seen:
    def __init__(self, kind: str, watched: float = 0.0) -> None:
        self.kind, self.watched_seconds, self.looped = kind, watched, 0


def test_the_topic_is_left_out_while_the_sessions_interest_in_it_is_not_for_me():
    """A new viewer's "not for me" turns the session against the video's topics; a viewer who is enjoying
    the topic right now keeps it (only the creator goes), and a topic's own feed never leaves itself out."""
    now = time.time()
    video = VideoFacts(pk=1, duration=10.0, creator_id=5, topic_ids=(3, 4), hashtag_ids=())
    fresh = ranking.learn(
        history=History(weights=Weights(), seen=[], hidden=[], favourites=[]),
        events=[(Seen("impression"), video), (Seen("not_interested", 1.0), video)],
        days_since_update=0,
        now_ts=now,
    )
    assert ranking.not_for_me(history=fresh, now_ts=now) == (frozenset({5}), frozenset({3, 4}))
    assert ranking.not_for_me(history=fresh, now_ts=now, feed_topic=3) == (frozenset({5}), frozenset({4}))
    fan = History(weights=Weights(), seen=[], hidden=[], favourites=[])
    for pk in range(10, 14):  # four videos of topic 3 watched to the end, just now
        watched = VideoFacts(pk=pk, duration=10.0, creator_id=pk, topic_ids=(3,), hashtag_ids=())
        fan = ranking.learn(
            history=fan,
            events=[(Seen("impression"), watched), (Seen("complete", 10.0), watched)],
            days_since_update=0,
            now_ts=now,
        )
    fan = ranking.learn(
        history=fan,
        events=[(Seen("impression"), video), (Seen("not_interested", 1.0), video)],
        days_since_update=0,
        now_ts=now,
    )
    assert ranking.not_for_me(history=fan, now_ts=now) == (frozenset({5}), frozenset({4}))
    # Leaving videos at once, however many, is not "not for me".
    skipper = History(weights=Weights(), seen=[], hidden=[], favourites=[])
    for pk in range(20, 30):
        left = VideoFacts(pk=pk, duration=10.0, creator_id=pk, topic_ids=(3,), hashtag_ids=())
        skipper = ranking.learn(
            history=skipper,
            events=[(Seen("impression"), left), (Seen("skip", 0.5), left)],
            days_since_update=0,
            now_ts=now,
        )
    assert ranking.not_for_me(history=skipper, now_ts=now) == (frozenset(), frozenset())
