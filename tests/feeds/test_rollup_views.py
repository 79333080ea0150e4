"""The analytics rollup puts a day's events together into views in the database: which events belong to
which view, how loops, late events and midnight are read, and that a day costs the same queries whatever
its number of events."""

import datetime
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from devtools import synthetic
from feeds.analytics import rollup
from feeds.models import AudienceDay, CreatorDay, VideoDay, VideoReach
from tests.factories import CreatorFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 17)
NOW = datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC)  # DAY and the two after it are closed


def at(hour: int, minute: int = 0, second: int = 0, *, day: datetime.date = DAY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=datetime.UTC)


def event(
    viewer: str,
    video_id: int,
    kind: str,
    when: datetime.datetime,
    *,
    watched: float = 0.0,
    looped: int = 0,
    source: str = "for_you",
) -> synthetic.Row:
    return (viewer, uuid.uuid4(), video_id, kind, source, 0, watched, looped, None, when)


def video_day(video_id: int, day: datetime.date = DAY) -> VideoDay:
    return VideoDay.objects.get(video_id=video_id, day=day)


@pytest.fixture
def video():
    return VideoFactory.create(duration=10.0, rendition_duration=10.0)


def test_a_late_event_of_an_earlier_loop_adds_no_watching_but_still_completes_the_view(video):
    synthetic.signals_load(
        [
            event("a:one", video.pk, "impression", at(9)),
            event("a:one", video.pk, "progress", at(9, 0, 3), watched=3.0),
            event("a:one", video.pk, "progress", at(9, 0, 11), watched=2.0, looped=1),
            # Sent late: the first loop's end, after the second loop had begun.
            event("a:one", video.pk, "complete", at(9, 0, 12), watched=10.0, looped=0),
            event("a:one", video.pk, "progress", at(9, 0, 14), watched=4.0, looped=1),
        ]
    )
    rollup.analytics_rollup(now=NOW)
    row = video_day(video.pk)
    assert (row.views, row.completions, row.early_skips) == (1, 1, 0)
    assert row.watch_seconds == pytest.approx(
        3.0 + 4.0
    )  # each loop's furthest point; the late 10 s adds none
    assert row.reach == [0] * 50 + [1]  # it looped, so the first loop was seen whole


def test_a_second_loop_without_a_completion_event_reached_the_end_and_progress_is_capped_at_the_length(video):
    synthetic.signals_load(
        [
            event("a:one", video.pk, "impression", at(9)),
            event("a:one", video.pk, "progress", at(9, 0, 9), watched=12.5),  # past the length: 10 s
            event("a:one", video.pk, "progress", at(9, 0, 13), watched=3.0, looped=1),
            event("a:two", video.pk, "impression", at(10)),
            event("a:two", video.pk, "progress", at(10, 0, 3), watched=3.0),
            event("a:two", video.pk, "progress", at(10, 0, 6), watched=6.0),
            event("a:two", video.pk, "progress", at(10, 0, 7), watched=5.0),  # a lower point of the same loop
            event("a:three", video.pk, "impression", at(11)),
            event("a:three", video.pk, "skip", at(11, 0, 1), watched=1.0),
        ]
    )
    rollup.analytics_rollup(now=NOW)
    row = video_day(video.pk)
    assert (row.views, row.completions, row.early_skips) == (3, 0, 1)
    assert row.watch_seconds == pytest.approx(10.0 + 3.0 + 6.0 + 1.0)
    expected = [0] * 51
    expected[50] += 1  # looped
    expected[30] += 1  # 6 of 10 seconds
    expected[5] += 1  # 1 of 10 seconds
    assert row.reach == expected


def test_a_new_impression_starts_a_new_view_of_the_same_video(video):
    synthetic.signals_load(
        [
            event("a:one", video.pk, "impression", at(9), source="following"),
            event("a:one", video.pk, "progress", at(9, 0, 6), watched=6.0),
            event("a:one", video.pk, "impression", at(9, 5), source="profile"),
            event("a:one", video.pk, "progress", at(9, 5, 2), watched=2.0),
        ]
    )
    rollup.analytics_rollup(now=NOW)
    row = video_day(video.pk)
    assert row.views == 2
    assert row.watch_seconds == pytest.approx(8.0)
    assert row.sources == {"following": 1, "profile": 1}
    audience = AudienceDay.objects.get(day=DAY)
    assert audience.hour == 9  # one viewer, once, at the hour of the day's first view


def test_views_across_midnight_belong_to_the_day_of_their_impression(video):
    before = DAY - datetime.timedelta(days=1)
    after = DAY + datetime.timedelta(days=1)
    synthetic.signals_load(
        [
            # Began the day before: its events after midnight are not a view of DAY.
            event("a:early", video.pk, "impression", at(23, 59, 58, day=before)),
            event("a:early", video.pk, "progress", at(0, 0, 5), watched=7.0),
            event("a:early", video.pk, "complete", at(0, 0, 8), watched=10.0),
            # Began just before DAY's midnight: its events after it are DAY's.
            event("a:late", video.pk, "impression", at(23, 59, 57)),
            event("a:late", video.pk, "progress", at(0, 0, 3, day=after), watched=6.0),
            # Began after midnight: the next day's.
            event("a:next", video.pk, "impression", at(0, 0, 30, day=after)),
            event("a:next", video.pk, "progress", at(0, 0, 33, day=after), watched=3.0),
        ]
    )
    rollup.analytics_rollup(now=NOW)
    assert (video_day(video.pk, before).views, video_day(video.pk, before).completions) == (1, 1)
    assert video_day(video.pk, before).watch_seconds == pytest.approx(10.0)
    row = video_day(video.pk)
    assert (row.views, row.completions) == (1, 0)
    assert row.watch_seconds == pytest.approx(6.0)
    assert video_day(video.pk, after).watch_seconds == pytest.approx(3.0)
    assert VideoReach.objects.get(video=video).views == 3


def test_events_whose_impression_is_outside_the_window_belong_to_no_view_of_the_day(video):
    synthetic.signals_load(
        [
            # Its impression was sent two hours earlier than the window the rollup reads for DAY.
            event("a:one", video.pk, "impression", at(21, 0, day=DAY - datetime.timedelta(days=1))),
            event("a:one", video.pk, "progress", at(0, 1), watched=6.0),
            event("a:one", video.pk, "like", at(0, 1, 5)),
        ]
    )
    rollup.analytics_rollup(now=NOW)
    row = video_day(video.pk)
    assert (row.views, row.watch_seconds, row.likes) == (0, 0.0, 1)  # the like is the day's, as sent
    assert not AudienceDay.objects.filter(day=DAY).exists()


def test_the_creators_own_views_and_staffs_count_nowhere_but_others_count_in_every_table():
    creator = CreatorFactory.create()
    video = VideoFactory.create(owner=creator, duration=10.0, rendition_duration=10.0)
    staff = UserFactory.create(is_staff=True)
    viewer = UserFactory.create()
    rows = []
    for key in (f"u:{creator.user_id}", f"u:{staff.pk}", f"u:{viewer.pk}"):
        rows += [
            event(key, video.pk, "impression", at(12)),
            event(key, video.pk, "complete", at(12, 0, 10), watched=10.0),
            event(key, video.pk, "like", at(12, 0, 11)),
            event(key, video.pk, "share", at(12, 0, 12)),
        ]
    synthetic.signals_load(rows)
    rollup.analytics_rollup(now=NOW)
    row = video_day(video.pk)
    assert (row.views, row.completions, row.likes, row.shares) == (1, 1, 1, 1)
    day = CreatorDay.objects.get(creator=creator, day=DAY)
    assert (day.views, day.viewers, day.likes, day.shares) == (1, 1, 1, 1)
    assert list(AudienceDay.objects.values_list("viewer", flat=True)) == [viewer.pk]


def test_a_returning_viewer_names_their_last_day_with_the_creator_across_calls_and_reruns(video):
    days = [DAY - datetime.timedelta(days=2), DAY - datetime.timedelta(days=1), DAY]
    rows = []
    for day in (days[0], days[2]):
        rows += [event("a:fan", video.pk, "impression", at(8, day=day))]
    synthetic.signals_load(rows)
    rollup.analytics_rollup(now=NOW, max_days=2)  # days[0] and days[1]
    rollup.analytics_rollup(now=NOW)  # days[2], in a later call
    first = sorted(AudienceDay.objects.values_list("day", "prev_day"))
    assert first == [(days[0], None), (days[2], days[0])]
    with transaction.atomic():
        rollup.analytics_rollup_day(day=days[2])
    assert sorted(AudienceDay.objects.values_list("day", "prev_day")) == first


def test_a_days_queries_do_not_grow_with_its_events():
    def queries_for(viewers: int, day: datetime.date) -> int:
        videos = VideoFactory.create_batch(3, duration=10.0, rendition_duration=10.0)  # new: reach is created
        rows = []
        for number in range(viewers):
            for video in videos:
                rows += [
                    event(f"a:{day}-{number}", video.pk, "impression", at(10, number % 60, day=day)),
                    event(f"a:{day}-{number}", video.pk, "progress", at(10, number % 60, 3, day=day), watched=3.0),
                    event(f"a:{day}-{number}", video.pk, "like", at(10, number % 60, 4, day=day)),
                ]  # fmt: skip
        synthetic.signals_load(rows)
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            rollup.analytics_rollup_day(day=day)
        assert VideoDay.objects.get(video=videos[0], day=day).views == viewers
        return len(queries)

    # 300 audience rows still fit one insert statement (rows are written 400 to a statement on SQLite).
    assert queries_for(2, DAY - datetime.timedelta(days=1)) == queries_for(100, DAY)
