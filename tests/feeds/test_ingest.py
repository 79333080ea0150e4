"""Ingesting a player's batch of signals: a fixed, small number of statements whatever the batch holds,
and the statements written out by hand answer exactly as the ORM's rules would."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creators.models import Video
from creators.selectors import videos_visible
from feeds import services
from feeds.models import InterestProfile, Signal
from feeds.services.signals import FACT_COLUMNS, SignalInput, _visible_rows
from platform.models import ScreenTimeDay
from platform.viewer import viewer_for_user
from tests.factories import UserFactory, published_video
from tests.visibility_world import visibility_world

pytestmark = pytest.mark.django_db


def event(video, kind, **fields):
    return SignalInput(event_id=uuid.uuid4(), video=video.public_id, kind=kind, source="for_you", **fields)


def test_a_mixed_batch_costs_the_same_few_statements_as_a_plain_one():
    viewer = viewer_for_user(UserFactory.create())
    videos = [published_video(topics=("stem",)) for _ in range(4)]
    services.signals_record(viewer=viewer, items=[event(videos[0], "impression")])  # the profile row exists
    batch = [
        event(video, kind, watched_seconds=2.0)
        for video in videos
        for kind in ("impression", "progress", "complete", "like", "share", "skip")
    ]

    with CaptureQueriesContext(connection) as captured:
        result = services.signals_record(viewer=viewer, items=batch)

    assert result.accepted == 24
    statements = [query["sql"].split()[0].upper() for query in captured.captured_queries]
    # The videos, the insert, the counts, the profile read and write, the screen time read and upsert,
    # the last six in one transaction (a savepoint in the test's); on PostgreSQL the insert also turns
    # off the commit's flush (a WITH before its INSERT), no statement of its own.
    expected = ["SELECT", "INSERT", "UPDATE", "SELECT", "UPDATE", "SELECT", "INSERT"]
    if connection.vendor == "postgresql":
        expected = ["SELECT", "WITH", *expected[2:]]
    assert [statement for statement in statements if statement not in ("SAVEPOINT", "RELEASE")] == expected
    assert (
        list(Video.objects.filter(pk__in=[v.pk for v in videos]).values_list("like_count", "share_count"))
        == [(1, 1)] * 4
    )
    assert InterestProfile.objects.get(viewer_key=viewer.key).signal_count == 25
    assert ScreenTimeDay.objects.get(user=viewer.user).seconds == pytest.approx(8.0)


def test_likes_unlikes_and_shares_of_several_videos_move_each_count_and_never_below_zero():
    viewer = viewer_for_user(UserFactory.create())
    liked, unliked, shared = (published_video() for _ in range(3))
    Video.objects.filter(pk=liked.pk).update(like_count=5)
    batch = [event(liked, "like"), event(unliked, "unlike"), event(shared, "share"), event(shared, "like")]

    result = services.signals_record(viewer=viewer, items=batch)

    assert result.accepted == 4
    counts = dict(Video.objects.values_list("pk", "like_count"))
    assert counts == {liked.pk: 6, unliked.pk: 0, shared.pk: 1}
    assert Video.objects.get(pk=shared.pk).share_count == 1
    assert Video.objects.get(pk=liked.pk).share_count == 0


def test_a_batch_sent_twice_moves_counts_and_screen_time_once_and_writes_nothing_more():
    viewer = viewer_for_user(UserFactory.create())
    video = published_video()
    batch = [event(video, "impression"), event(video, "progress", watched_seconds=2.5), event(video, "like")]
    services.signals_record(viewer=viewer, items=batch)
    profile_before = InterestProfile.objects.values().get(viewer_key=viewer.key)

    again = services.signals_record(viewer=viewer, items=batch)

    assert (again.accepted, again.duplicates) == (0, 3)
    assert Signal.objects.count() == 3
    assert Video.objects.get(pk=video.pk).like_count == 1
    assert ScreenTimeDay.objects.get(user=viewer.user).seconds == pytest.approx(2.5)
    assert InterestProfile.objects.values().get(viewer_key=viewer.key) == profile_before


def test_the_written_out_visibility_query_answers_as_videos_visible_for_every_kind_of_viewer():
    viewers, videos = visibility_world()
    public_ids = {video.public_id for video in videos}

    for viewer in viewers:
        for asked in (public_ids, {videos[0].public_id, videos[4].public_id}):
            expected = set(
                videos_visible(viewer=viewer)
                .filter(public_id__in=asked)
                .order_by()
                .values_list(*FACT_COLUMNS)
            )
            assert set(_visible_rows(viewer=viewer, public_ids=asked)) == expected
            assert set(_visible_rows(viewer=viewer, public_ids=asked)) == expected  # the compiled one again


@pytest.mark.skipif(connection.vendor != "postgresql", reason="asynchronous commit is PostgreSQL's")
def test_a_batch_does_not_wait_for_its_commit_to_reach_the_disk_on_postgresql():
    viewer = viewer_for_user(UserFactory.create())
    video = published_video()
    with connection.cursor() as cursor:  # whatever the server's default (the test server's is off)
        cursor.execute("SET LOCAL synchronous_commit TO on")

    services.signals_record(viewer=viewer, items=[event(video, "impression")])

    # Still inside the test's transaction: the setting holds until it ends, as it did for the batch's.
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("off",)
    assert Signal.objects.count() == 1
