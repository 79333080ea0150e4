"""The analytics rollup reads views in the database, with window functions, several days in one statement:
it gives the same views as reading the events one by one in id order, day by day, as the player sent them,
so how the statement is put together never changes a number."""

import datetime
import random
import uuid
from typing import Any

import pytest
from django.db import connection

from devtools import synthetic
from feeds.analytics import rollup, rules
from feeds.models import Signal
from tests.factories import VideoFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 17)
TAIL = rollup.TAIL


def day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def views_in_sql(*, first: datetime.date, last: datetime.date, staff: set[str]) -> list[tuple[Any, ...]]:
    sql, params = rollup._views_sql(
        start=day_start(first), end=day_start(last + datetime.timedelta(days=1)), staff=staff
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [comparable(*row) for row in cursor.fetchall()]


def comparable(
    day, video_id, creator_id, viewer_key, source_key, hour, watched, completed, skipped, step
) -> tuple[Any, ...]:
    day = day if isinstance(day, datetime.date) else datetime.date.fromisoformat(day)
    return (day, video_id, creator_id, viewer_key, source_key, hour, round(watched, 6), completed, skipped,
            step)  # fmt: skip


def views_one_by_one(
    *, day: datetime.date, facts: dict[int, tuple[int, str, float]], staff: set[str]
) -> list[tuple[Any, ...]]:
    """The day's views read event by event, in id order, from a window of ``TAIL`` around the day (what the
    rollup did before it read views in SQL): an impression opens a view of a video by a viewer; its
    progress, completion and skip events follow until the next impression of the pair."""
    start, end = day_start(day), day_start(day + datetime.timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT video_id, viewer_key, kind, source, topic_id, watched_seconds, looped, created_at "  # noqa: S608
            f"FROM {Signal._meta.db_table} WHERE created_at >= %s AND created_at < %s "
            "AND kind IN ('impression', 'progress', 'complete', 'skip') ORDER BY id",
            [connection.ops.adapt_datetimefield_value(start - TAIL),
             connection.ops.adapt_datetimefield_value(end + TAIL)],
        )  # fmt: skip
        events = cursor.fetchall()
    views = []
    open_views: dict[tuple[int, str], dict[str, Any]] = {}

    def close(key: tuple[int, str], view: dict[str, Any]) -> None:
        creator_id, creator_key, duration = facts[key[0]]
        if not view["counted"] or key[1] in (creator_key, *staff):
            return
        watched = view["earlier"] + view["furthest"]
        first_furthest = view["furthest"] if view["first"] is None else view["first"]
        reached = duration if view["completed"] or view["top"] > 0 else first_furthest
        topic_id = view["topic"]
        source = f"topic:{topic_id}" if view["source"] == "topic" and topic_id else view["source"]
        views.append(comparable(day, key[0], creator_id, key[1], source, view["hour"], watched,
                                int(view["completed"]), int(view["skipped"]),
                                rules.reach_step(furthest=reached, duration=duration)))  # fmt: skip

    for video_id, viewer_key, kind, source, topic_id, watched, looped, created_at in events:
        if isinstance(created_at, str):
            created_at = datetime.datetime.fromisoformat(created_at)
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=datetime.UTC)
        key = (video_id, viewer_key)
        if kind == "impression":
            if key in open_views:
                close(key, open_views[key])
            open_views[key] = {
                "counted": start <= created_at < end, "source": source, "topic": topic_id,
                "hour": created_at.astimezone(datetime.UTC).hour, "loop": 0, "furthest": 0.0, "earlier": 0.0,
                "first": None, "completed": False, "skipped": False, "top": -1,
            }  # fmt: skip
            continue
        view = open_views.get(key)
        if view is None:
            continue  # its impression came before the window: a view of an earlier day
        duration = facts[video_id][2]
        watched = min(watched, duration)
        if looped > view["loop"]:
            if view["first"] is None:
                view["first"] = view["furthest"]
            view["earlier"] += view["furthest"]
            view["loop"], view["furthest"] = looped, watched
        elif looped == view["loop"] and watched > view["furthest"]:
            view["furthest"] = watched
        view["top"] = max(view["top"], looped)
        view["completed"] |= kind == "complete"
        view["skipped"] |= kind == "skip"
    for key, view in open_views.items():
        close(key, view)
    return views


def seed(rng: random.Random, days: list[datetime.date]) -> tuple[dict[int, tuple[int, str, float]], str]:
    lengths = (8.0, 15.0, 31.5)
    videos = [VideoFactory.create(duration=length, rendition_duration=length) for length in lengths]
    facts = {video.pk: (video.owner_id, f"u:{video.owner.user_id}", length)
             for video, length in zip(videos, lengths, strict=True)}  # fmt: skip
    views = []
    for day in days:
        start = day_start(day)
        for _ in range(120):
            video = rng.choice(videos)
            length = facts[video.pk][2]
            completed = rng.random() < 0.4
            views.append(
                synthetic.WatchedView(
                    # Few viewers: some watch a video twice; the creator watches their own now and then.
                    viewer_key=rng.choice([f"a:viewer-{rng.randrange(40)}"] * 9 + [facts[video.pk][1]]),
                    video_id=video.pk,
                    duration=length,
                    # Some begin in the quarter hours around the day, or across midnight.
                    started_at=start + datetime.timedelta(minutes=rng.uniform(-20, 24 * 60 + 20)),
                    watched=length if completed else round(rng.uniform(0.2, length), 2),
                    loops=rng.choice([0, 1, 2]) if completed else 0,
                    source=rng.choice(["for_you", "following", "link", "topic"]),
                    topic_id=rng.choice([None, 3]),
                    is_liked=rng.random() < 0.2,
                )
            )
    rows = list(synthetic.events_of(sorted(views, key=lambda view: view.started_at), rng=rng))
    # Late events of an earlier loop, and events whose impression is before the window.
    for late in [row for row in rows if row[3] == "complete" and row[7] == 1][:5]:
        rows.append((late[0], uuid.UUID(int=rng.getrandbits(128), version=4), late[2], "progress",
                     late[4], 0, 1.0, 0, None, late[9] + datetime.timedelta(seconds=1)))  # fmt: skip
    # A second loop that began before the first was finished, and a late event of the first loop after it:
    # it adds no watching, though it is further than the first loop got.
    for number, day in enumerate(days):
        video = videos[number % len(videos)]
        at = day_start(day) + datetime.timedelta(hours=9)
        for kind, watched, looped, seconds in (("impression", 0.0, 0, 0), ("progress", 3.0, 0, 3),
                                               ("progress", 2.0, 1, 6), ("progress", 7.0, 0, 7),
                                               ("progress", 4.0, 1, 8)):  # fmt: skip
            rows.append((f"a:late-{number}", uuid.UUID(int=rng.getrandbits(128), version=4), video.pk, kind,
                         "for_you", 0, watched, looped, None, at + datetime.timedelta(seconds=seconds)))  # fmt: skip
    synthetic.signals_load(rows)
    return facts, "a:viewer-7"


def test_the_sql_reading_gives_the_views_of_the_event_by_event_reading():
    facts, staff = seed(random.Random(5), [DAY])
    in_sql = views_in_sql(first=DAY, last=DAY, staff={staff})
    assert len(in_sql) > 80
    assert {view[3] for view in in_sql}.isdisjoint({staff, *(fact[1] for fact in facts.values())})
    assert sorted(in_sql) == sorted(views_one_by_one(day=DAY, facts=facts, staff={staff}))


def test_several_days_in_one_statement_give_each_days_views_as_read_alone():
    days = [DAY + datetime.timedelta(days=offset) for offset in range(3)]
    facts, staff = seed(random.Random(8), days)
    together = views_in_sql(first=days[0], last=days[-1], staff={staff})
    alone = [view for day in days for view in views_in_sql(first=day, last=day, staff={staff})]
    one_by_one = [view for day in days for view in views_one_by_one(day=day, facts=facts, staff={staff})]
    assert {view[0] for view in together} == set(days)
    assert sorted(together) == sorted(alone) == sorted(one_by_one)


def test_only_a_pair_that_is_one_plain_view_skips_the_reading_in_id_order():
    """A pair that is one plain view (one impression before its other events, its loops one after the other
    and all in the day's window) is added up without ordering its events; each other pair here breaks
    exactly one of those conditions, and a plain reading of it would give another number."""
    video = VideoFactory.create(duration=15.0, rendition_duration=15.0)
    facts = {video.pk: (video.owner_id, f"u:{video.owner.user_id}", 15.0)}
    late = DAY + datetime.timedelta(days=1)
    at = day_start(DAY) + datetime.timedelta(hours=10)
    events = {
        "a:plain": [("impression", 0.0, 0, at), ("progress", 3.0, 0, at), ("progress", 6.0, 0, at)],
        "a:only-impression": [("impression", 0.0, 0, at)],
        # A progress event before the impression belongs to an earlier view.
        "a:early": [("progress", 9.0, 0, at), ("impression", 0.0, 0, at), ("progress", 3.0, 0, at)],
        "a:twice": [
            ("impression", 0.0, 0, at),
            ("progress", 6.0, 0, at),
            ("impression", 0.0, 0, at),
            ("progress", 3.0, 0, at),
        ],
        # Two impressions before any other event: two views, the first with nothing watched.
        "a:reopened": [("impression", 0.0, 0, at), ("impression", 0.0, 0, at), ("progress", 6.0, 0, at)],
        "a:looped": [
            ("impression", 0.0, 0, at),
            ("complete", 15.0, 0, at),
            ("progress", 3.0, 1, at),
            ("progress", 7.5, 1, at),
            ("complete", 15.0, 1, at),
            ("progress", 4.25, 2, at),
        ],
        # The first loop's last report comes after the second loop began: it is late and adds nothing.
        "a:late-loop": [
            ("impression", 0.0, 0, at),
            ("progress", 3.0, 0, at),
            ("progress", 2.0, 1, at),
            ("progress", 9.0, 0, at),
        ],
        # Every report of the first loop comes after the second loop began: that loop adds nothing at all
        # (not the whole length, as PostgreSQL's LEAST of nothing and the length would say).
        "a:late-whole-loop": [
            ("impression", 0.0, 0, at),
            ("progress", 3.0, 1, at),
            ("progress", 9.0, 0, at),
        ],
        # After the impression's day window (read: the next day is in the batch) or before it.
        "a:past-window": [
            ("impression", 0.0, 0, day_start(late) - datetime.timedelta(minutes=10)),
            ("progress", 3.0, 0, day_start(late) - datetime.timedelta(minutes=7)),
            ("progress", 12.0, 0, day_start(late) + TAIL + datetime.timedelta(minutes=5)),
        ],
        "a:before-window": [
            ("impression", 0.0, 0, day_start(late) + datetime.timedelta(minutes=5)),
            ("progress", 12.0, 0, day_start(late) - TAIL - datetime.timedelta(minutes=5)),
            ("progress", 3.0, 0, day_start(late) + datetime.timedelta(minutes=8)),
        ],
    }
    rows = [
        (viewer, uuid.uuid4(), video.pk, kind, "for_you", 0, watched, looped, None, created_at)
        for viewer, sent in events.items()
        for kind, watched, looped, created_at in sent
    ]
    synthetic.signals_load(rows)  # in this order: the ids follow it
    in_sql = views_in_sql(first=DAY, last=late, staff=set())
    one_by_one = [view for day in (DAY, late) for view in views_one_by_one(day=day, facts=facts, staff=set())]
    assert sorted(in_sql) == sorted(one_by_one)
    watched: dict[str, list[float]] = {}
    for view in in_sql:
        watched.setdefault(view[3], []).append(view[6])
    assert {viewer: sorted(seconds) for viewer, seconds in watched.items()} == {
        "a:plain": [6.0], "a:only-impression": [0.0], "a:early": [3.0], "a:twice": [3.0, 6.0],
        "a:reopened": [0.0, 6.0],
        "a:looped": [34.25],
        "a:late-loop": [5.0], "a:late-whole-loop": [3.0], "a:past-window": [3.0], "a:before-window": [3.0],
    }  # fmt: skip


def one_pair_sent(viewer_key: str, sent: list[tuple[str, float, int]]) -> Any:
    """A 15 s video and the events (kind, watched seconds, loop) one viewer sent of it at 10:00 on ``DAY``,
    stored in this order (the ids follow it)."""
    video = VideoFactory.create(duration=15.0, rendition_duration=15.0)
    at = day_start(DAY) + datetime.timedelta(hours=10)
    synthetic.signals_load([
        (viewer_key, uuid.uuid4(), video.pk, kind, "for_you", 0, watched, looped, None, at)
        for kind, watched, looped in sent
    ])  # fmt: skip
    return video


def test_a_view_with_a_loop_missing_between_two_gives_the_views_of_the_event_by_event_reading():
    """No report of its second loop came: on SQLite the pair is not a plain view (its loops are matched to
    the loop numbered one below), and the reading in id order counts it."""
    video = one_pair_sent(
        "a:loop-missing",
        [("impression", 0.0, 0), ("progress", 3.0, 0), ("progress", 15.0, 0), ("progress", 5.0, 2)],
    )
    facts = {video.pk: (video.owner_id, f"u:{video.owner.user_id}", 15.0)}
    in_sql = views_in_sql(first=DAY, last=DAY, staff=set())
    assert in_sql == views_one_by_one(day=DAY, facts=facts, staff=set())
    assert [view[6] for view in in_sql] == [20.0]


def test_a_plain_views_loops_are_added_up_in_loop_order_to_the_last_bit():
    """0.1 + 0.2 + 0.3 is 0.6000000000000001 added in this order, 0.6 from the last loop down: the seconds
    of a plain view's loops are added loop after loop, as the reading in id order adds them."""
    one_pair_sent(
        "a:three-loops",
        [("impression", 0.0, 0), ("progress", 0.1, 0), ("progress", 0.2, 1), ("progress", 0.3, 2)],
    )
    sql, params = rollup._views_sql(
        start=day_start(DAY), end=day_start(DAY + datetime.timedelta(days=1)), staff=set()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (view,) = cursor.fetchall()
    assert (0.3 + 0.2) + 0.1 != (0.1 + 0.2) + 0.3
    assert view[6] == (0.1 + 0.2) + 0.3
