"""The studio analytics API: each route answers only about the requester's own videos, refuses bad ranges
with a reason, and stays within a handful of queries; the signals that feed it carry the topic feed."""

import csv
import datetime
import io
import random
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from creators.models import CreatorProfile, FollowChange, Topic
from creators.services.profiles import follow_approve, follow_create
from devtools import synthetic
from feeds import services
from feeds.analytics import rollup
from feeds.models import ProfileVisit, Signal
from platform.viewer import viewer_for_user
from tests.factories import CreatorFactory, UserFactory, VideoFactory, published_video

pytestmark = pytest.mark.django_db


def seeded_creator():
    """A creator with two videos watched on each of the last three closed days."""
    creator = CreatorFactory.create()
    videos = [VideoFactory.create(owner=creator, duration=10.0, caption=caption)
              for caption in ("=HYPERLINK(1)", "Cats")]  # fmt: skip
    rng = random.Random(3)
    last = rollup.last_closed_day(timezone.now())
    views = []
    for offset in range(3):
        day = last - datetime.timedelta(days=offset)
        for number in range(12):
            started = datetime.datetime.combine(day, datetime.time(10, number), tzinfo=datetime.UTC)
            views.append(
                synthetic.WatchedView(
                    viewer_key=f"a:viewer-{number}",
                    video_id=videos[number % 2].pk,
                    duration=10.0,
                    started_at=started,
                    watched=10.0 if number % 3 else 4.0,
                    is_liked=number % 4 == 0,
                )
            )
    synthetic.signals_load(synthetic.events_of(views, rng=rng))
    rollup.analytics_rollup(max_days=10)
    return creator, videos


def client_for(api_client, user):
    api_client.force_authenticate(user)
    return api_client


ROUTES = ["api-analytics", "api-analytics-audience", "api-analytics-export"]


def test_the_overview_sums_the_closed_days(api_client):
    creator, _ = seeded_creator()
    body = client_for(api_client, creator.user).get(reverse("api-analytics"), {"range": "7"}).json()
    assert body["metrics"]["views"]["value"] == 36
    assert body["metrics"]["viewers"]["value"] == 12
    assert body["metrics"]["views"]["change"] is None  # nothing in the week before
    assert body["metrics"]["watch_seconds"]["value"] == pytest.approx(24 * 10.0 + 12 * 4.0)
    assert body["metrics"]["completion_rate"]["value"] == pytest.approx(24 / 36)
    assert body["metrics"]["likes"]["value"] == 9
    assert body["daily"]["views"][-3:] == [12, 12, 12]
    assert [row["views"] for row in body["top_videos"]] == [18, 18]


def test_a_video_of_another_creator_or_no_video_is_not_found(api_client):
    creator, videos = seeded_creator()
    stranger = CreatorFactory.create()
    theirs = VideoFactory.create(owner=stranger)
    client = client_for(api_client, creator.user)
    assert client.get(reverse("api-analytics-video", args=[videos[0].public_id])).status_code == 200
    for public_id in (theirs.public_id, uuid.uuid4()):
        response = client.get(reverse("api-analytics-video", args=[public_id]))
        assert response.status_code == 404
        assert response.json() == {"detail": "No such video of yours.", "code": "not_found"}
    # The stranger sees their own numbers only: none of the first creator's views.
    client.force_authenticate(stranger.user)
    assert client.get(reverse("api-analytics-video", args=[videos[0].public_id])).status_code == 404
    assert client.get(reverse("api-analytics")).json()["metrics"]["views"]["value"] == 0


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_needs_a_signed_in_creator(api_client, route):
    assert api_client.get(reverse(route)).status_code in (401, 403)
    viewer = UserFactory.create()
    response = client_for(api_client, viewer).get(reverse(route))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Analytics are for creators: make a creator profile first.",
        "code": "permission_denied",
    }


def test_the_video_route_needs_a_signed_in_creator(api_client):
    _, videos = seeded_creator()
    url = reverse("api-analytics-video", args=[videos[0].public_id])
    assert api_client.get(url).status_code in (401, 403)
    assert client_for(api_client, UserFactory.create()).get(url).status_code == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-01-10", "end": "2026-01-01"}, "The start date is after the end date."),
        ({"start": "2024-01-01", "end": "2025-06-01"}, "A range can be at most 365 days long."),
        ({"start": "2026-01-01"}, "Give both a start and an end date."),
        ({"start": "1999-01-01", "end": "1999-02-01"}, "Numbers start in 2020; pick a later start date."),
    ],
)
@pytest.mark.parametrize("route", ROUTES)
def test_bad_ranges_are_refused_with_the_reason(api_client, route, query, message):
    creator, _ = seeded_creator()
    response = client_for(api_client, creator.user).get(reverse(route), query)
    assert response.status_code == 400
    assert response.json() == {"detail": message, "code": "invalid"}


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            {"range": "13"},
            {"range": ["Choose the last 7, 28, 60 or 365 days, or a start and an end date."]},
        ),
        (
            {"start": "yesterday", "end": "today"},
            {"start": ["Dates look like 2026-05-31."], "end": ["Dates look like 2026-05-31."]},
        ),
    ],
)
@pytest.mark.parametrize("route", ROUTES)
def test_parameters_of_the_wrong_kind_are_field_errors(api_client, route, query, errors):
    # The query serializer the schema documents refuses them, each on its own parameter.
    creator, _ = seeded_creator()
    response = client_for(api_client, creator.user).get(reverse(route), query)
    assert response.status_code == 400
    codes = {"range": ["invalid_choice"], "start": ["invalid"], "end": ["invalid"]}
    assert response.json() == {**errors, "codes": {name: codes[name] for name in errors}}


def test_a_range_past_the_last_closed_day_is_refused(api_client):
    creator, videos = seeded_creator()
    last = rollup.last_closed_day(timezone.now())
    later = (last + datetime.timedelta(days=1)).isoformat()
    client = client_for(api_client, creator.user)
    for url in (reverse("api-analytics"), reverse("api-analytics-video", args=[videos[0].public_id])):
        response = client.get(url, {"start": last.isoformat(), "end": later})
        assert response.status_code == 400
        assert response.json()["detail"].endswith("pick an end date no later.")


def test_a_range_before_any_data_is_empty_not_an_error(api_client):
    creator, _ = seeded_creator()
    body = (
        client_for(api_client, creator.user)
        .get(reverse("api-analytics"), {"start": "2021-01-01", "end": "2021-01-31"})
        .json()
    )
    assert body["metrics"]["views"]["value"] == 0
    assert body["daily"]["views"] == [0] * 31


@pytest.mark.parametrize(
    ("route", "args"),
    [
        ("api-analytics", {"range": "365"}),
        ("api-analytics-audience", {"range": "28"}),
        ("api-analytics-video", None),
    ],
)
def test_each_dashboard_route_stays_within_ten_queries(
    api_client, django_assert_max_num_queries, route, args
):
    creator, videos = seeded_creator()
    client = client_for(api_client, creator.user)
    url = reverse(route, args=[videos[0].public_id]) if args is None else reverse(route)
    with django_assert_max_num_queries(10):
        assert client.get(url, args or {}).status_code == 200


def test_the_export_is_the_daily_per_video_table_with_formulas_kept_as_text(api_client):
    creator, _ = seeded_creator()
    response = client_for(api_client, creator.user).get(reverse("api-analytics-export"), {"range": "7"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["day", "video", "caption", "views", "watch_seconds", "completions", "early_skips",
                       "likes", "shares", "comments", "follows", "not_interested"]  # fmt: skip
    assert len(rows) == 1 + 3 * 2
    assert {row[2] for row in rows[1:]} == {"'=HYPERLINK(1)", "Cats"}
    assert sum(int(row[3]) for row in rows[1:]) == 36


def signal(video, **fields):
    return services.SignalInput(
        event_id=uuid.uuid4(), video=video.public_id, kind="impression", source="topic", **fields
    )


def test_a_signal_from_a_topic_feed_records_which_topic(api_client):
    video = published_video(topics=("stem",))
    viewer = viewer_for_user(UserFactory.create())
    result = services.signals_record(viewer=viewer, items=[signal(video, topic="stem")])
    assert result.accepted == 1
    assert Signal.objects.get().topic_id == Topic.objects.get(slug="stem").pk


@pytest.mark.parametrize(("source", "topic"), [("topic", "no-such-topic"), ("for_you", "stem")])
def test_a_signal_naming_an_unknown_topic_feed_is_refused_and_nothing_stored(source, topic):
    video = published_video(topics=("stem",))
    viewer = viewer_for_user(UserFactory.create())
    item = services.SignalInput(
        event_id=uuid.uuid4(), video=video.public_id, kind="impression", source=source, topic=topic
    )
    result = services.signals_record(viewer=viewer, items=[item])
    assert result.accepted == 0
    assert result.errors == [{"index": 0, "detail": "Unknown topic feed."}]
    assert not Signal.objects.exists()


def test_the_signals_api_takes_the_topic_and_refuses_a_bad_one(api_client):
    video = published_video(topics=("stem",))
    client = client_for(api_client, UserFactory.create())
    event = {
        "event_id": str(uuid.uuid4()),
        "video": str(video.public_id),
        "kind": "impression",
        "source": "topic",
    }
    response = client.post(reverse("api-signals"), {"events": [{**event, "topic": ["stem"]}]}, format="json")
    assert response.json()["accepted"] == 0
    assert response.json()["errors"][0]["detail"] == {"topic": ["Must be a topic's slug."]}
    assert not Signal.objects.exists()
    response = client.post(reverse("api-signals"), {"events": [{**event, "topic": "stem"}]}, format="json")
    assert response.json()["accepted"] == 1
    assert Signal.objects.get().topic_id == Topic.objects.get(slug="stem").pk


def test_the_topic_feed_tells_the_player_its_topic(api_client):
    published_video(topics=("stem",))
    body = api_client.get(reverse("api-feed-topic", args=["stem"])).json()
    assert [item["topic"] for item in body["results"]] == ["stem"]
    assert api_client.get(reverse("api-feed-for-you")).json()["results"][0]["topic"] is None


def test_opening_a_profile_counts_a_visit(client):
    creator = CreatorFactory.create()
    client.get(reverse("creators:profile", args=[creator.handle]))
    assert ProfileVisit.objects.filter(creator=creator).count() == 1
    private = CreatorFactory.create(user=UserFactory.create(is_private=True))
    client.get(reverse("creators:profile", args=[private.handle]))
    assert not ProfileVisit.objects.filter(creator=private).exists()  # nothing shown, nothing counted


def test_following_logs_each_gain_and_loss_once():
    private = CreatorFactory.create(user=UserFactory.create(is_private=True))
    fan = UserFactory.create()
    follow = follow_create(follower=fan, creator=private)
    assert not FollowChange.objects.exists()  # waiting for approval: not a follower yet
    follow_approve(creator=private, follow_id=follow.pk)
    follow_approve(creator=private, follow_id=follow.pk)
    follow_create(follower=fan, creator=private)
    assert list(FollowChange.objects.values_list("delta", flat=True)) == [1]
    assert CreatorProfile.objects.get(pk=private.pk).follower_count == 1
