"""A creator with a believable, hand-countable history, written into the signal log and rolled up: the
analytics pages' tests and the browser test read the same numbers.

On the last closed day (``last``): twelve signed-in viewers (30, Germany, Bavaria) watch "Bread at dawn"
(10 s) to the end, starting at 09:00-09:11 UTC; two like it, one shares it; three of them also watch
"Knife skills" (20 s) to the end. The creator gains three followers and loses one that day, and has two
profile visits. The day before, four anonymous viewers watch 5 s of "Bread at dawn" (from Following) and
one leaves after 1 s. Thirty days before ``last``, five anonymous viewers watched it to the end: the
period before the default 28 days.

In the last 28 days: 20 views, 17 unique viewers, 201 s watched (10.05 s a view), 15 completions (75%),
2 likes, 1 share, 3 follows gained, net +2, 2 profile views; the 28 days before: 5 views, 50 s.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from creators.models import CreatorProfile, FollowChange, Video
from creators.services.profiles import follow_create, follow_delete
from devtools import synthetic
from devtools.synthetic import WatchedView
from feeds.analytics import rollup
from feeds.models import ProfileVisit, Source
from platform.models import User
from tests.factories import CreatorFactory, UserFactory, VideoFactory, born_years_ago


@dataclass
class Seeded:
    creator: CreatorProfile
    bread: Video
    knife: Video
    viewers: list[User]
    last: datetime.date


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=datetime.UTC)


def seeded_creator(*, knife_caption: str = "Knife skills", rng_seed: int = 7) -> Seeded:
    now = timezone.now()
    last = rollup.last_closed_day(now)
    creator = CreatorFactory.create(handle="baker", display_name="The Baker")
    bread = VideoFactory.create(owner=creator, caption="Bread at dawn", duration=10.0, trim_end=10.0)
    knife = VideoFactory.create(owner=creator, caption=knife_caption, duration=20.0, trim_end=20.0)
    viewers = [
        UserFactory.create(date_of_birth=born_years_ago(30), country="DE", region="DE-BY") for _ in range(12)
    ]
    views: list[WatchedView] = []
    for index, viewer in enumerate(viewers):
        views.append(
            WatchedView(
                viewer_key=f"u:{viewer.pk}", video_id=bread.pk, duration=10.0,
                started_at=_at(last, 9, index), watched=10.0,
                is_liked=index < 2, is_shared=index == 2,
            )
        )  # fmt: skip
        if index < 3:
            views.append(
                WatchedView(
                    viewer_key=f"u:{viewer.pk}", video_id=knife.pk, duration=20.0,
                    started_at=_at(last, 10, index), watched=20.0, source=Source.FOLLOWING,
                )
            )  # fmt: skip
    day_before = last - datetime.timedelta(days=1)
    for index in range(4):
        views.append(
            WatchedView(
                viewer_key=f"a:anonymous-{index}", video_id=bread.pk, duration=10.0,
                started_at=_at(day_before, 20, index), watched=5.0, source=Source.FOLLOWING,
            )
        )  # fmt: skip
    views.append(
        WatchedView(
            viewer_key="a:anonymous-skip", video_id=bread.pk, duration=10.0,
            started_at=_at(day_before, 21), watched=1.0,
        )
    )  # fmt: skip
    earlier = last - datetime.timedelta(days=30)
    for index in range(5):
        views.append(
            WatchedView(
                viewer_key=f"a:earlier-{index}", video_id=bread.pk, duration=10.0,
                started_at=_at(earlier, 15, index), watched=10.0,
            )
        )  # fmt: skip
    synthetic.signals_load(synthetic.events_of(views, rng=random.Random(rng_seed)))
    for viewer in viewers[:3]:
        follow_create(follower=viewer, creator=creator)
    follow_delete(follower=viewers[0], creator=creator)
    FollowChange.objects.filter(creator=creator).update(created_at=_at(last, 11))
    for index in range(2):
        ProfileVisit.objects.create(
            creator=creator, viewer_key=f"a:visitor-{index}", created_at=_at(last, 12)
        )
    rollup.analytics_rollup(now=now, max_days=400)
    creator.refresh_from_db()
    return Seeded(creator=creator, bread=bread, knife=knife, viewers=viewers, last=last)
