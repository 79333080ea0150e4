"""POST /api/v1/signals: batches are validated item by item, stored once, and never as someone else."""

import uuid

import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from feeds.models import InterestProfile, Signal
from platform.viewer import COOKIE_NAME, anonymous_key_of
from tests.factories import UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db


def item(video, kind="progress", **fields):
    return {
        "event_id": str(uuid.uuid4()),
        "video": str(video.public_id),
        "kind": kind,
        "source": "for_you",
        **fields,
    }


def post(client, events, **extra):
    return client.post(reverse("api-signals"), {"events": events}, format="json", **extra)


@pytest.fixture
def viewer_client():
    client = APIClient()
    user = UserFactory.create()
    client.force_authenticate(user)
    client.user = user  # type: ignore[attr-defined]
    return client


def test_a_good_batch_is_stored_and_learned_from(viewer_client):
    video = published_video(topics=("stem",))
    response = post(
        viewer_client,
        [
            item(video, "impression"),
            item(video, "progress", watched_seconds=1.0),
            item(video, "complete", watched_seconds=3.0),
        ],
    )
    assert response.status_code == 200
    assert response.json() == {"accepted": 3, "duplicates": 0, "errors": []}
    key = f"u:{viewer_client.user.pk}"
    assert Signal.objects.filter(viewer_key=key).count() == 3
    profile = InterestProfile.objects.get(viewer_key=key)
    assert profile.weights["t"]
    assert profile.favourites == [video.pk]


@pytest.mark.parametrize(
    ("bad", "detail"),
    [
        ({"kind": "teleport"}, "kind"),
        ({"source": "elsewhere"}, "source"),
        ({"event_id": "not-a-uuid"}, "event_id"),
        ({"video": str(uuid.uuid4())}, "Unknown video."),
        ({"watched_seconds": 9.0}, "Watched longer than the video is."),
        ({"watched_seconds": -1}, "watched_seconds"),
        ({"position": -3}, "position"),
    ],
)
def test_each_bad_item_is_reported_and_the_good_ones_are_kept(viewer_client, bad, detail):
    video = published_video()
    good = item(video, "impression")
    response = post(viewer_client, [good, {**item(video), **bad}])
    body = response.json()
    assert response.status_code == 200
    assert body["accepted"] == 1
    assert [error["index"] for error in body["errors"]] == [1]
    assert detail in str(body["errors"][0]["detail"])
    assert list(Signal.objects.values_list("event_id", flat=True)) == [uuid.UUID(good["event_id"])]


def test_progress_that_goes_backwards_is_refused(viewer_client):
    video = published_video()
    response = post(
        viewer_client,
        [item(video, "progress", watched_seconds=2.0), item(video, "progress", watched_seconds=1.0)],
    )
    assert response.json()["errors"] == [{"index": 1, "detail": "Watch progress went backwards."}]
    assert Signal.objects.count() == 1


def test_a_video_the_viewer_may_not_see_is_unknown(viewer_client):
    hidden = published_video(visibility="private")
    mature = published_video(content_level="mature")
    minor = APIClient()
    minor.force_authenticate(UserFactory.create(date_of_birth=born_years_ago(15)))
    assert post(viewer_client, [item(hidden)]).json()["errors"] == [{"index": 0, "detail": "Unknown video."}]
    assert post(minor, [item(mature)]).json()["errors"] == [{"index": 0, "detail": "Unknown video."}]
    assert Signal.objects.count() == 0


def test_duplicate_event_ids_are_stored_once(viewer_client):
    video = published_video()
    once = item(video, "impression")
    assert post(viewer_client, [once, once]).json() == {"accepted": 1, "duplicates": 1, "errors": []}
    assert post(viewer_client, [once]).json() == {"accepted": 0, "duplicates": 1, "errors": []}
    assert Signal.objects.count() == 1


def test_a_batch_over_the_limit_is_refused_whole(viewer_client, settings):
    video = published_video()
    response = post(viewer_client, [item(video, "impression") for _ in range(settings.SIGNAL_BATCH_MAX + 1)])
    assert response.status_code == 400
    assert Signal.objects.count() == 0


def test_a_viewer_cannot_send_signals_as_someone_else(viewer_client):
    victim = UserFactory.create()
    video = published_video()
    post(viewer_client, [{**item(video, "like"), "viewer_key": f"u:{victim.pk}", "user": victim.pk}])
    assert list(Signal.objects.values_list("viewer_key", flat=True)) == [f"u:{viewer_client.user.pk}"]
    assert not InterestProfile.objects.filter(viewer_key=f"u:{victim.pk}").exists()


def test_anonymous_viewers_send_signals_with_the_key_their_feed_page_gave_them(client):
    video = published_video()
    client.get(reverse("home"))
    carrying = RequestFactory().get("/", HTTP_COOKIE=f"{COOKIE_NAME}={client.cookies[COOKIE_NAME].value}")
    key = anonymous_key_of(carrying)
    assert key is not None
    response = client.post(
        reverse("api-signals"), {"events": [item(video, "impression")]}, content_type="application/json"
    )
    assert response.json()["accepted"] == 1
    assert Signal.objects.get().viewer_key == key
    client.post(
        reverse("api-signals"), {"events": [item(video, "impression")]}, content_type="application/json"
    )
    assert {signal.viewer_key for signal in Signal.objects.all()} == {key}


def test_a_beacon_without_a_csrf_token_is_accepted_for_a_logged_in_session():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    user = UserFactory.create()
    client.force_login(user)
    video = published_video()
    response = client.post(
        reverse("api-signals"), {"events": [item(video, "impression")]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert Signal.objects.get().viewer_key == f"u:{user.pk}"


def test_reports_are_stored_once_per_viewer(viewer_client):
    from creators.models import Report

    video = published_video()
    url = reverse("api-report", args=[video.public_id])
    assert (
        viewer_client.post(
            url, {"reason": "misinformation", "detail": "<b>wrong</b>"}, format="json"
        ).status_code
        == 201
    )
    assert viewer_client.post(url, {"reason": "spam"}, format="json").status_code == 201
    report = Report.objects.get()
    assert (report.reason, report.reporter) == ("spam", viewer_client.user)
    assert viewer_client.post(url, {"reason": "nonsense"}, format="json").status_code == 400
    missing = reverse("api-report", args=[uuid.uuid4()])
    assert viewer_client.post(missing, {"reason": "spam"}, format="json").status_code == 404
    assert Report.objects.count() == 1


@pytest.mark.parametrize("body", [{}, {"events": "nope"}, {"events": [1, 2]}, []])
def test_a_malformed_batch_is_a_400_and_writes_nothing(viewer_client, body):
    response = viewer_client.post(reverse("api-signals"), body, format="json")
    assert response.status_code == 400
    assert "detail" in response.json()
    assert Signal.objects.count() == 0


def test_errors_from_parsing_and_from_the_database_keep_the_batch_indexes(viewer_client):
    video = published_video()
    events = [
        {**item(video), "kind": "teleport"},  # refused by the parser
        item(video, "impression"),
        item(published_video(visibility="private")),  # refused by the service: the viewer may not see it
        {**item(video), "position": -1},  # refused by the parser
        item(video, "progress", watched_seconds=9.0),  # refused by the service: longer than the video
    ]
    body = post(viewer_client, events).json()
    assert [error["index"] for error in body["errors"]] == [0, 2, 3, 4]
    assert body["errors"][1] == {"index": 2, "detail": "Unknown video."}
    assert body["errors"][3] == {"index": 4, "detail": "Watched longer than the video is."}
    assert body["accepted"] == 1


EDGE_EVENTS = [
    {},
    {"position": 0},
    {"position": 100_000},
    {"position": 100_001},
    {"position": -1},
    {"position": 2.5},
    {"position": True},
    {"position": "3"},
    {"watched_seconds": 0},
    {"watched_seconds": 3600},
    {"watched_seconds": 3600.5},
    {"watched_seconds": -0.1},
    {"watched_seconds": None},
    {"looped": 1000},
    {"looped": 1001},
    {"looped": 3},
    {"kind": "like"},
    {"kind": "teleport"},
    {"source": "sponsored"},
    {"source": "elsewhere"},
    {"source": {}},
    {"kind": ["like"]},
    {"event_id": "nope"},
    {"video": ""},
]


@pytest.mark.parametrize("change", EDGE_EVENTS)
def test_the_fast_parser_accepts_exactly_what_the_documented_serializer_accepts(change):
    """The parser reads its limits from SignalInputSerializer; this holds the two together where
    the hand-written checks could drift (booleans and None are refused by both; the serializer
    coerces numeric strings, which the player never sends: the one, stricter, exception)."""
    from feeds.api.serializers import SignalInputSerializer, signal_batch_parse

    event = {
        "event_id": str(uuid.uuid4()),
        "video": str(uuid.uuid4()),
        "kind": "progress",
        "source": "for_you",
        **change,
    }
    items, errors = signal_batch_parse({"events": [event]})
    serializer_accepts = SignalInputSerializer(data=event).is_valid()
    if change == {"position": "3"}:
        # DRF coerces "3" to 3; the parser insists on JSON numbers. Stricter, never looser.
        assert serializer_accepts
        assert not items
        return
    assert bool(items) == serializer_accepts, (change, errors)
    if items:
        assert items[0].index == 0


def test_the_documented_batch_limit_is_the_enforced_one(settings):
    from feeds.api.serializers import SignalBatchInputSerializer

    events = SignalBatchInputSerializer().fields["events"]
    assert getattr(events, "max_length", None) == settings.SIGNAL_BATCH_MAX == 100
