"""The analytics rollup reads most views from one GROUP BY and the tangled few event by event: both readings
give the same views, so which one a view takes never changes a number."""

import datetime
import random
import uuid

import pytest

from devtools import synthetic
from feeds.analytics import rollup
from tests.factories import VideoFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 17)


def test_the_grouped_reading_and_the_event_by_event_reading_give_the_same_views():
    rng = random.Random(5)
    lengths = (8.0, 15.0, 31.5)
    videos = [VideoFactory.create(duration=length, rendition_duration=length) for length in lengths]
    length_of = {video.pk: length for video, length in zip(videos, lengths, strict=True)}
    start = datetime.datetime.combine(DAY, datetime.time.min, tzinfo=datetime.UTC)
    views = []
    for _ in range(150):
        video = rng.choice(videos)
        completed = rng.random() < 0.4
        views.append(
            synthetic.WatchedView(
                viewer_key=f"a:viewer-{rng.randrange(40)}",  # few viewers: some watch a video twice
                video_id=video.pk,
                duration=length_of[video.pk],
                # Some begin in the quarter hours around the day, outside it.
                started_at=start + datetime.timedelta(minutes=rng.uniform(-20, 24 * 60 + 20)),
                watched=length_of[video.pk] if completed else round(rng.uniform(0.2, length_of[video.pk]), 2),
                loops=rng.choice([0, 1, 2]) if completed else 0,
                source=rng.choice(["for_you", "following", "link"]),
                is_liked=rng.random() < 0.2,
            )
        )
    rows = list(synthetic.events_of(sorted(views, key=lambda view: view.started_at), rng=rng))
    # A late event of an earlier loop, and events whose impression is before the window.
    late = next(row for row in rows if row[3] == "complete" and row[7] == 1)
    rows.append((late[0], uuid.UUID(int=rng.getrandbits(128), version=4), late[2], "progress",
                 late[4], 0, 1.0, 0, None, late[9] + datetime.timedelta(seconds=1)))  # fmt: skip
    synthetic.signals_load(rows)
    end = start + datetime.timedelta(days=1)

    grouped = rollup._views_read(start=start, end=end, staff=set())
    pairs = {
        (video.pk, f"a:viewer-{n}"): (video.owner_id, length_of[video.pk])
        for video in videos
        for n in range(40)
    }
    one_by_one = rollup._tangled_views(start=start, end=end, pairs=pairs)

    def comparable(view):
        *head, watched, completed, skipped, top_loop, first_furthest, duration = view
        return (
            *head,
            round(watched, 6),
            completed,
            skipped,
            top_loop > 0,
            round(first_furthest, 6),
            duration,
        )

    assert len(grouped) > 100
    assert sorted(map(comparable, grouped)) == sorted(map(comparable, one_by_one))
