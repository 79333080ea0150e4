"""Creator analytics' rollup: every number the dashboard shows equals a count made straight from what was
watched (the views seeded) and from the raw signal log; re-running a day changes nothing."""

import datetime
import random
import uuid
from collections import defaultdict
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from creators.models import FollowChange, Topic
from creators.services.profiles import follow_create, follow_delete
from devtools import synthetic
from feeds.analytics import rollup, rules, selectors
from feeds.models import AudienceDay, CreatorDay, ProfileVisit, RollupState, Signal, VideoDay, VideoReach
from tests.factories import CreatorFactory, UserFactory, VideoFactory, born_years_ago

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 20)
NOW = datetime.datetime(2026, 3, 20, 12, 0, tzinfo=datetime.UTC)
DAYS = [TODAY - datetime.timedelta(days=offset) for offset in (3, 2, 1)]


def at(day: datetime.date, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=datetime.UTC)


class World:
    """Two creators' videos watched over three days by signed-in viewers (in several age bands and
    places), anonymous viewers, the creators themselves and a staff member."""

    def __init__(self) -> None:
        self.rng = random.Random(11)
        self.cleo = CreatorFactory.create(handle="cleo")
        self.other = CreatorFactory.create(handle="other")
        self.videos = [VideoFactory.create(owner=self.cleo, duration=10.0) for _ in range(3)]
        self.videos.append(VideoFactory.create(owner=self.other, duration=20.0))
        ages = [16] * 4 + [20] * 12 + [30] * 14 + [60] * 3
        places = [("DE", "DE-BY"), ("FR", "FR-75C"), ("DE", "DE-BE")]
        self.viewers = [
            UserFactory.create(
                date_of_birth=born_years_ago(years), country=places[index % 3][0], region=places[index % 3][1]
            )
            for index, years in enumerate(ages)
        ]
        self.staff = UserFactory.create(is_staff=True)
        self.keys = [f"u:{viewer.pk}" for viewer in self.viewers] + [f"a:anon-{n}" for n in range(8)]
        self.topic = Topic.objects.get(slug="stem")
        self.views: list[synthetic.WatchedView] = []
        for day in DAYS:
            for key in self.rng.sample(self.keys, 30):
                for video in self.rng.sample(self.videos, 2):
                    self.views.append(
                        self.view(key, video, at(day, self.rng.randint(0, 22), self.rng.randint(0, 59)))
                    )
        # A spike: twelve new people at half past midnight (the heat map shows cells of 10 or more).
        for number in range(12):
            self.views.append(self.view(f"a:spike-{number}", self.videos[2], at(DAYS[2], 0, 30, number)))
        # Views that cross midnight: they belong to the day their impression was sent.
        self.views.append(self.view(self.keys[0], self.videos[0], at(DAYS[0], 23, 59, 55), watched=10.0))
        self.views.append(self.view(self.keys[1], self.videos[1], at(DAYS[1], 23, 59, 58), watched=7.5))
        # Not counted: the creator's own views, and staff's.
        self.views.append(self.view(f"u:{self.cleo.user_id}", self.videos[0], at(DAYS[1], 9), watched=10.0))
        self.views.append(self.view(f"u:{self.staff.pk}", self.videos[1], at(DAYS[2], 9), watched=10.0))
        rows = list(synthetic.events_of(self.views, rng=self.rng))
        # An unlike, after a like of the same video.
        liked = next(view for view in self.views if view.is_liked and view.viewer_key.startswith("u:"))
        unlike = list(rows[-1])
        unlike[:5] = [liked.viewer_key, uuid.uuid4(), liked.video_id, "unlike", "for_you"]
        unlike[9] = liked.started_at + datetime.timedelta(seconds=30)
        rows.append(tuple(unlike))  # type: ignore[arg-type]
        synthetic.signals_load(rows)

    def view(
        self, key: str, video, started_at: datetime.datetime, *, watched: float | None = None
    ) -> synthetic.WatchedView:
        rng = self.rng
        length = float(video.duration)
        if watched is None:
            watched = rng.choice([0.5, 1.5, 2.5, 4.0, 6.5, length, length, length])
        source, topic_id = rng.choice([("for_you", None), ("for_you", None), ("following", None),
                                       ("topic", self.topic.pk), ("link", None), ("profile", None)])  # fmt: skip
        return synthetic.WatchedView(
            viewer_key=key,
            video_id=video.pk,
            duration=length,
            started_at=started_at,
            watched=watched,
            loops=rng.choice([0, 0, 1, 2]) if watched >= length else 0,
            source=source,
            topic_id=topic_id,
            is_liked=rng.random() < 0.3,
            is_shared=rng.random() < 0.1,
            is_followed=rng.random() < 0.05,
            is_not_interested=rng.random() < 0.05,
        )

    def counted(self, view: synthetic.WatchedView) -> bool:
        return view.viewer_key not in (
            f"u:{self.cleo.user_id}",
            f"u:{self.other.user_id}",
            f"u:{self.staff.pk}",
        )


def truth_per_video_day(world: World) -> dict[tuple[int, datetime.date], dict[str, Any]]:
    """What each video's day should say, worked out from the views as seeded."""
    truth: dict[tuple[int, datetime.date], dict[str, Any]] = defaultdict(
        lambda: {
            "views": 0,
            "watch": 0.0,
            "completions": 0,
            "early_skips": 0,
            "sources": defaultdict(int),
            "reach": [0] * 51,
        }
    )
    for view in world.views:
        if not world.counted(view):
            continue
        row = truth[(view.video_id, view.started_at.date())]
        row["views"] += 1
        row["sources"][f"topic:{view.topic_id}" if view.source == "topic" else view.source] += 1
        if view.is_not_interested:
            row["reach"][0] += 1
            continue
        if view.watched >= view.duration:
            row["watch"] += view.duration * (1 + view.loops)
            row["completions"] += 1
            row["reach"][50] += 1
        else:
            row["watch"] += view.watched
            row["early_skips"] += view.watched < 2
            row["reach"][int(view.watched * 50 / view.duration)] += 1
    return truth


def raw_count(world: World, kind: str, video_id: int, day: datetime.date) -> int:
    excluded = [f"u:{world.cleo.user_id}", f"u:{world.other.user_id}", f"u:{world.staff.pk}"]
    return (
        Signal.objects.filter(kind=kind, video_id=video_id, created_at__gte=at(day, 0))
        .filter(created_at__lt=at(day + datetime.timedelta(days=1), 0))
        .exclude(viewer_key__in=excluded)
        .count()
    )


def test_every_daily_number_matches_a_recount_from_what_was_watched_and_the_raw_log():
    world = World()
    assert rollup.analytics_rollup(now=NOW) == 3
    truth = truth_per_video_day(world)
    rows = {(row.video_id, row.day): row for row in VideoDay.objects.all()}
    assert set(rows) == set(truth)
    for key, expected in truth.items():
        row = rows[key]
        video_id, day = key
        assert row.views == expected["views"] == raw_count(world, "impression", video_id, day)
        assert row.watch_seconds == pytest.approx(expected["watch"])
        assert row.completions == expected["completions"]
        assert row.early_skips == expected["early_skips"]
        assert row.sources == dict(expected["sources"])
        assert row.reach == expected["reach"]
        assert row.likes == raw_count(world, "like", video_id, day) - raw_count(
            world, "unlike", video_id, day
        )
        assert row.shares == raw_count(world, "share", video_id, day)
        assert row.follows == raw_count(world, "follow", video_id, day)
        assert row.not_interested == raw_count(world, "not_interested", video_id, day)
    for day in DAYS:
        counted = [view for view in world.views if world.counted(view) and view.started_at.date() == day]
        mine = [view for view in counted if view.video_id != world.videos[3].pk]
        cleo_day = CreatorDay.objects.get(creator=world.cleo, day=day)
        assert cleo_day.views == len(mine)
        assert cleo_day.viewers == len({view.viewer_key for view in mine})
    # All-time reach per video is the sum of its days.
    for reach in VideoReach.objects.all():
        days = [expected for (video_id, _), expected in truth.items() if video_id == reach.video_id]
        assert reach.views == sum(expected["views"] for expected in days)
        assert reach.reach == [
            sum(column) for column in zip(*(expected["reach"] for expected in days), strict=True)
        ]


def test_the_dashboard_reads_the_same_numbers_as_a_direct_count():
    world = World()
    rollup.analytics_rollup(now=NOW)
    last_day = selectors.analytics_last_day()
    assert last_day == DAYS[-1]
    period = rules.range_parse(preset="7", start=None, end=None, last_day=last_day)
    overview = selectors.analytics_overview(creator=world.cleo, period=period, last_day=last_day)
    cleo_ids = {video.pk for video in world.videos[:3]}
    counted = [view for view in world.views if world.counted(view) and view.video_id in cleo_ids]
    truth = truth_per_video_day(world)
    assert overview.metrics["views"].value == len(counted)
    assert overview.metrics["views"].previous == 0
    assert overview.metrics["viewers"].value == len({view.viewer_key for view in counted})
    watch = sum(expected["watch"] for (video_id, _), expected in truth.items() if video_id in cleo_ids)
    assert overview.metrics["watch_seconds"].value == pytest.approx(watch)
    completions = sum(
        expected["completions"] for (video_id, _), expected in truth.items() if video_id in cleo_ids
    )
    assert overview.metrics["completion_rate"].value == pytest.approx(completions / len(counted))
    likes = Signal.objects.filter(video_id__in=cleo_ids, kind="like").exclude(
        viewer_key=f"u:{world.staff.pk}"
    )
    unlikes = Signal.objects.filter(video_id__in=cleo_ids, kind="unlike")
    own = f"u:{world.cleo.user_id}"
    assert overview.metrics["likes"].value == likes.exclude(viewer_key=own).count() - unlikes.count()
    assert overview.daily["views"][-3:] == [
        sum(1 for view in counted if view.started_at.date() == day) for day in DAYS
    ]

    video = world.videos[0]
    data = selectors.analytics_video(video=video, period=period, site_watch_through=1 / 3)
    mine = [view for view in counted if view.video_id == video.pk]
    assert data.totals["views"] == len(mine)
    reach = [0] * 51
    for (video_id, _), expected in truth.items():
        if video_id == video.pk:
            reach = [a + b for a, b in zip(reach, expected["reach"], strict=True)]
    assert data.retention[0] == 1.0
    assert data.retention[50] == pytest.approx(reach[50] / len(mine))
    assert data.retention[25] == pytest.approx(sum(reach[25:]) / len(mine))
    assert len(data.creator_median_retention) == 51
    topic_views = sum(1 for view in mine if view.source == "topic")
    assert {source.label: source.views for source in data.sources}["Topic: STEM"] == topic_views
    assert data.early_skip_rate == pytest.approx(
        sum(1 for view in mine if not view.is_not_interested and view.watched < 2) / len(mine)
    )

    audience = selectors.analytics_audience(creator=world.cleo, period=period)
    viewers = {view.viewer_key for view in counted}
    assert audience.viewers == len(viewers)
    by_band: dict[str, set[str]] = defaultdict(set)
    ages = {f"u:{user.pk}": user.age_on(DAYS[0]) for user in world.viewers}
    for key in viewers:
        by_band[rules.audience_band(ages.get(key))].add(key)
    cells = {cell.key: cell.viewers for cell in audience.age_bands}
    expected, _ = rules.shown_breakdown({band: len(by_band[band]) for band in rules.AUDIENCE_BANDS})
    assert cells == expected
    assert cells["13-17"] is None  # four teenagers: hidden, never shown apart
    # Each viewer once, at the hour of the first view of their first day in the range.
    first_day_of = {
        key: min(view.started_at.date() for view in counted if view.viewer_key == key) for key in viewers
    }
    heat: dict[tuple[int, int], set[str]] = defaultdict(set)
    for key, day in first_day_of.items():
        hour = min(
            view.started_at.hour
            for view in counted
            if view.viewer_key == key and view.started_at.date() == day
        )
        heat[(day.weekday(), hour)].add(key)
    shown = {
        (weekday, hour): count
        for weekday, row in enumerate(audience.heatmap)
        for hour, count in enumerate(row)
        if count
    }
    assert (DAYS[2].weekday(), 0) in shown
    for cell, count in shown.items():
        assert count >= 10
        assert count == len(heat[cell])


def test_rerunning_a_day_gives_the_same_rows():
    World()
    rollup.analytics_rollup(now=NOW)

    def snapshot():
        return (
            sorted(
                VideoDay.objects.values_list("video_id", "day", "views", "watch_seconds", "likes", "reach")
            ),
            sorted(CreatorDay.objects.values_list("creator_id", "day", "views", "viewers", "likes")),
            sorted(
                AudienceDay.objects.values_list("creator_id", "day", "viewer", "age_band", "prev_day", "hour")
            ),
            sorted(VideoReach.objects.values_list("video_id", "views", "reach")),
        )

    before = snapshot()
    for day in DAYS:
        with transaction.atomic():
            rollup.analytics_rollup_day(day=day)
    assert snapshot() == before
    assert rollup.analytics_rollup(now=NOW) == 0  # the watermark: nothing new to close


def test_a_day_is_closed_only_after_it_ended_and_the_watermark_moves_one_day_at_a_time():
    world = World()
    assert rollup.analytics_rollup(now=at(DAYS[2], 23, 0), max_days=10) == 2  # DAYS[2] is not over
    assert RollupState.objects.get(name="analytics").last_day == DAYS[1]
    assert not VideoDay.objects.filter(day=DAYS[2]).exists()
    assert rollup.analytics_rollup(now=at(TODAY, 0, 5)) == 0  # ended, but its tail is still coming in
    assert rollup.analytics_rollup(now=at(TODAY, 0, 16)) == 1
    assert VideoDay.objects.filter(day=DAYS[2], video__owner=world.cleo).exists()


def test_new_and_returning_viewers_and_follower_history():
    world = World()
    fans = world.viewers[:5]
    for fan in fans:
        follow_create(follower=fan, creator=world.cleo)
    follow_delete(follower=fans[0], creator=world.cleo)
    changes = list(FollowChange.objects.filter(creator=world.cleo).order_by("pk"))
    assert [change.delta for change in changes] == [1, 1, 1, 1, 1, -1]
    for change, day in zip(changes, [DAYS[0], DAYS[0], DAYS[1], DAYS[1], DAYS[2], DAYS[2]], strict=True):
        FollowChange.objects.filter(pk=change.pk).update(created_at=at(day, 12))
    ProfileVisit.objects.create(creator=world.cleo, viewer_key="a:visitor", created_at=at(DAYS[1], 8))
    ProfileVisit.objects.create(
        creator=world.cleo, viewer_key=f"u:{world.cleo.user_id}", created_at=at(DAYS[1], 9)
    )
    rollup.analytics_rollup(now=NOW)
    world.cleo.refresh_from_db()
    assert world.cleo.follower_count == 4
    period = rules.range_parse(preset="7", start=None, end=None, last_day=DAYS[-1])
    overview = selectors.analytics_overview(creator=world.cleo, period=period, last_day=DAYS[-1])
    assert overview.daily["followers"][-4:] == [0, 2, 4, 4]
    assert overview.daily["follows_gained"][-3:] == [2, 2, 1]
    assert overview.daily["follows_lost"][-3:] == [0, 0, 1]
    assert overview.metrics["net_followers"].value == 4
    assert overview.metrics["profile_views"].value == 1  # her own visit is not counted
    cleo_ids = {video.pk for video in world.videos[:3]}
    counted = [view for view in world.views if world.counted(view) and view.video_id in cleo_ids]
    first_day: dict[str, datetime.date] = {}
    for view in sorted(counted, key=lambda view: view.started_at):
        first_day.setdefault(view.viewer_key, view.started_at.date())
    last_two = rules.DayRange(DAYS[1], DAYS[2])
    audience = selectors.analytics_audience(creator=world.cleo, period=last_two)
    in_range = {view.viewer_key for view in counted if view.started_at.date() >= DAYS[1]}
    new = {key for key in in_range if first_day[key] >= DAYS[1]}
    assert audience.new_viewers == (len(new) if len(new) >= 10 else None)
    returning = len(in_range - new)
    assert audience.returning_viewers == (returning if returning >= 10 else None)


def test_raw_signals_are_pruned_only_after_the_analytics_rollup_read_them_and_rollups_stay():
    from feeds import services

    World()
    services.signals_rollup()
    Signal.objects.update(created_at=at(TODAY - datetime.timedelta(days=40), 10))
    total = Signal.objects.count()
    now = at(TODAY, 12)
    assert services.signals_prune(older_than_days=30) == 0  # analytics has not closed that day yet
    rollup.analytics_rollup(now=now, max_days=100)
    rolled = sorted(VideoDay.objects.values_list("video_id", "day", "views"))
    assert rolled
    assert services.signals_prune(older_than_days=30) == total
    assert Signal.objects.count() == 0
    assert sorted(VideoDay.objects.values_list("video_id", "day", "views")) == rolled


def test_the_beat_job_closes_the_finished_days():
    from feeds.tasks import analytics_rollup_task
    from platform.celery import app

    assert app.conf.beat_schedule["roll-up-analytics"]["task"] == analytics_rollup_task.name
    world = World()
    Signal.objects.filter(created_at__lt=at(DAYS[2], 0)).delete()
    Signal.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    assert analytics_rollup_task() >= 1
    assert VideoDay.objects.filter(video__owner=world.cleo).exists()
