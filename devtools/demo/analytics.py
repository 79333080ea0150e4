"""Give the demo creator @cleo sixty days of believable analytics history, rolled up by the real rollup.

Four hundred demo viewers with accounts (ages 13 to 70 in a handful of countries and regions; unusable
passwords, no creator profiles) and some anonymous visitors watch the demo videos over the last sixty
days: more each week, more at weekends and in the evening (UTC), two of @cleo's videos take off for a few
days, one holds people to the end and one loses them in the first seconds. Each view becomes the events
the player sends (``devtools.synthetic``); some viewers visit her profile, follow her and a few
unfollow again (real ``Follow`` rows and the ``FollowChange`` log). Then the analytics rollup closes the
days and the signal rollup brings the feed's stats up to date. Idempotent: the demo viewers mark it done.
"""

from __future__ import annotations

import datetime
import math
import random
import time
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.utils import timezone

from creators.models import CreatorProfile, Follow, FollowChange, Video, VideoTopic
from devtools import synthetic
from feeds import services
from feeds.analytics.rollup import STATE_NAME, analytics_rollup, last_closed_day
from feeds.models import ProfileVisit, RollupState, Source
from platform import age
from platform.models import User

CREATOR_HANDLE = "cleo"
DAYS = 60  # closed days of history, plus today so far
VIEWER_DOMAIN = "audience.joyreel.localhost"
ANONYMOUS_PREFIX = "a:audience-"
# Views of @cleo per day grow about sixfold over the sixty days; the rest of the demo world grows less.
CREATOR_VIEWS = (45.0, 5.5)  # (first day, growth factor by the last)
OTHER_VIEWS = (30.0, 2.0)
WEEKDAY = (0.85, 0.88, 0.92, 0.97, 1.08, 1.22, 1.18)  # Monday first
HOURS = (
    3,
    2,
    1,
    1,
    1,
    1,
    2,
    3,
    4,
    4,
    4,
    5,
    6,
    6,
    5,
    5,
    6,
    8,
    11,
    14,
    15,
    13,
    9,
    5,
)  # UTC: evenings in Europe
AGES = ((13, 17, 9), (18, 24, 27), (25, 34, 30), (35, 44, 17), (45, 54, 10), (55, 70, 7))  # years, weight
PLACES = (
    ("DE", "DE-BY", 30), ("DE", "DE-BE", 10), ("DE", "DE-NW", 8), ("DE", "DE-HH", 6), ("DE", "DE-BW", 6),
    ("DE", "", 4), ("AT", "AT-9", 7), ("AT", "AT-7", 4), ("CH", "CH-ZH", 6), ("GB", "GB-ENG", 6),
    ("NL", "NL-NH", 4), ("FR", "FR-IDF", 4),
)  # fmt: skip
SOURCES = (
    (Source.FOR_YOU, 58), (Source.FOLLOWING, 12), (Source.TOPIC, 9), (Source.PROFILE, 7), (Source.LINK, 7),
    (Source.LOCAL, 7),
)  # fmt: skip
T = TypeVar("T")
WAVE_SOURCES = ((Source.FOR_YOU, 68), (Source.LINK, 24), (Source.TOPIC, 8))  # a video that took off


@dataclass(frozen=True, slots=True)
class Behaviour:
    """How a video is watched: who leaves in the first two seconds, who watches to the end (and who of
    those watches it again), and where the rest leave (``depth`` above 1 leaves early, below 1 late)."""

    skip: float
    complete: float
    loop: float
    depth: float


HOOK = Behaviour(skip=0.06, complete=0.68, loop=0.3, depth=0.6)
SLOW_START = Behaviour(skip=0.48, complete=0.2, loop=0.1, depth=2.2)
# @cleo's videos with a part to play (by caption; the first, second and last video when not found).
HOOK_CAPTION = "Ink swirls, slowed down #satisfying"
SLOW_START_CAPTION = "My studio in the morning #studio"
SECOND_WAVE_CAPTION = "A tiny clay fox #craft"
WAVES = ((21, (620, 410, 230, 120, 60)), (47, (360, 250, 140, 70)))  # (day, extra views each day)


@dataclass(slots=True)
class Watcher:
    key: str
    arrives: int  # the first day this viewer watches anything
    weight: float  # how often, against the others: a few come back again and again
    user_id: int | None = None
    region: str = ""


@dataclass(frozen=True, slots=True)
class Clip:
    pk: int
    owner_id: int
    caption: str
    region: str
    duration: float
    topic_id: int | None
    behaviour: Behaviour


@dataclass(slots=True)
class History:
    views: list[synthetic.WatchedView] = field(default_factory=list)
    visits: list[ProfileVisit] = field(default_factory=list)
    changes: list[FollowChange] = field(default_factory=list)
    following: dict[int, datetime.datetime] = field(default_factory=dict)  # user id -> followed at


class DemoAnalytics:
    """What ``manage.py seed_demo_analytics`` does: its report on ``stdout``, progress notes on ``stderr``."""

    def __init__(self, *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
        self.stdout, self.stderr = stdout, stderr

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if User.objects.filter(email__endswith=f"@{VIEWER_DOMAIN}").exists():
            self.stdout.write("Demo analytics exist.")
            return
        creator = CreatorProfile.objects.filter(handle=CREATOR_HANDLE).select_related("user").first()
        clips = _clips(creator) if creator else []
        if creator is None or not any(clip.owner_id == creator.pk for clip in clips):
            self.stdout.write("No published videos of @cleo yet: run seed_demo_videos first.")
            return
        rng = random.Random(options["seed"])
        now = timezone.now()
        # Sixty closed days (in the first minutes after midnight UTC yesterday is not closed yet, so the
        # history starts a day earlier), then what has happened since.
        first_day = last_closed_day(now) - datetime.timedelta(days=DAYS - 1)
        with transaction.atomic():
            watchers = _watchers_create(
                rng=rng, users=options["viewers"], anonymous=options["anonymous"], first_day=first_day
            )
            history = _history(rng=rng, creator=creator, clips=clips, watchers=watchers, first_day=first_day,
                               now=now)  # fmt: skip
            history.views.sort(key=lambda view: view.started_at)
            events = synthetic.signals_load(synthetic.events_of(history.views, rng=rng))
            ProfileVisit.objects.bulk_create(history.visits, batch_size=2000)
            FollowChange.objects.bulk_create(history.changes, batch_size=2000)
            Follow.objects.bulk_create(
                [
                    Follow(follower_id=user_id, creator=creator, created_at=at)
                    for user_id, at in history.following.items()
                ],
                batch_size=2000,
            )
            CreatorProfile.objects.filter(pk=creator.pk).update(
                follower_count=Follow.objects.filter(creator=creator, status=Follow.Status.APPROVED).count()
            )
            _rewind(first_day=first_day)
            days = analytics_rollup(now=now, max_days=400)
            while services.signals_rollup(now=now):
                pass
        own = {clip.pk for clip in clips if clip.owner_id == creator.pk}
        mine = sum(1 for view in history.views if view.video_id in own)
        gained = sum(1 for change in history.changes if change.delta > 0)
        self.stdout.write(
            f"Recorded {events} demo signals: {len(history.views)} views ({mine} of @{CREATOR_HANDLE}) by "
            f"{options['viewers']} demo viewers with accounts and more without, {len(history.visits)} profile "
            f"visits, {gained} follows and {len(history.changes) - gained} unfollows; rolled up {days} days in "
            f"{time.monotonic() - started:.1f}s."
        )


def _clips(creator: CreatorProfile) -> list[Clip]:
    """Every public published video, @cleo's with the parts they play."""
    rows = list(
        Video.objects.filter(state=Video.State.PUBLISHED, visibility=Video.Visibility.PUBLIC)
        .order_by("pk")
        .values_list("pk", "owner_id", "owner__user__region", "caption", "rendition_duration", "duration")
    )
    topic_of: dict[int, int] = {}
    for video_id, topic_id in VideoTopic.objects.order_by("pk").values_list("video_id", "topic_id"):
        topic_of.setdefault(video_id, topic_id)
    own = [row for row in rows if row[1] == creator.pk]
    captions = [row[3] for row in own]

    def part(caption: str, fallback: int) -> int | None:
        if not own:
            return None
        return own[captions.index(caption)][0] if caption in captions else own[fallback][0]

    hook, slow = part(HOOK_CAPTION, 0), part(SLOW_START_CAPTION, 1 % max(1, len(own)))
    spread = random.Random(len(rows))
    clips = []
    for pk, owner_id, region, caption, rendition, duration in rows:
        behaviour = Behaviour(
            skip=spread.uniform(0.14, 0.26),
            complete=spread.uniform(0.34, 0.5),
            loop=spread.uniform(0.1, 0.25),
            depth=spread.uniform(0.8, 1.3),
        )
        if pk == hook:
            behaviour = HOOK
        elif pk == slow and slow != hook:
            behaviour = SLOW_START
        length = float(rendition or duration or 0.0)
        if length > 0:
            clips.append(Clip(pk, owner_id, caption, region or "", length, topic_of.get(pk), behaviour))
    return clips


def _watchers_create(
    *, rng: random.Random, users: int, anonymous: int, first_day: datetime.date
) -> list[Watcher]:
    """The demo viewers (accounts that cannot log in, with no creator profile) and anonymous regulars;
    a quarter were already around sixty days ago, the rest arrive as the audience grows."""
    today = age.today()
    ages = [(low, high) for low, high, _ in AGES]
    age_weights = list(accumulate(weight for _, _, weight in AGES))
    place_weights = list(accumulate(weight for _, _, weight in PLACES))
    people: list[User] = []
    arrivals: list[int] = []
    for number in range(1, users + 1):
        low, high = ages[bisect(age_weights, rng.random() * age_weights[-1])]
        years = rng.randint(low, high)
        country, region, _ = PLACES[bisect(place_weights, rng.random() * place_weights[-1])]
        arrives = _arrival(rng)
        arrivals.append(arrives)
        joined = datetime.datetime.combine(first_day, datetime.time(12), tzinfo=datetime.UTC)
        people.append(
            User(
                email=f"viewer-{number:03d}@{VIEWER_DOMAIN}",
                display_name=f"Demo viewer {number:03d}",
                password=make_password(None),
                date_of_birth=today - datetime.timedelta(days=int(years * 365.25) + rng.randint(3, 358)),
                country=country,
                region=region,
                date_joined=joined + datetime.timedelta(days=arrives - rng.uniform(0, 300)),
            )
        )
    User.objects.bulk_create(people, batch_size=500)
    ids = dict(User.objects.filter(email__endswith=f"@{VIEWER_DOMAIN}").values_list("email", "pk"))
    watchers = [
        Watcher(
            f"u:{ids[person.email]}",
            arrivals[index],
            _engagement(rng) * 1.4,
            ids[person.email],
            person.region,
        )
        for index, person in enumerate(people)
    ]
    watchers += [
        Watcher(f"{ANONYMOUS_PREFIX}{number:04d}", _arrival(rng), _engagement(rng))
        for number in range(anonymous)
    ]
    return watchers


def _arrival(rng: random.Random) -> int:
    if rng.random() < 0.25:
        return 0
    # More arrive later, as the audience grows (the inverse of the growth curve's cumulative share).
    growth = CREATOR_VIEWS[1]
    return min(DAYS, int(DAYS * math.log(1 + rng.random() * (growth - 1)) / math.log(growth)))


def _engagement(rng: random.Random) -> float:
    return min(20.0, rng.paretovariate(1.6))


def _rewind(*, first_day: datetime.date) -> None:
    """Days the analytics rollup has already closed are closed again with the history in them."""
    state = RollupState.objects.filter(name=STATE_NAME).first()
    if state is not None and state.last_day is not None and state.last_day >= first_day:
        state.last_day = first_day - datetime.timedelta(days=1)
        state.save(update_fields=["last_day"])


def _history(
    *,
    rng: random.Random,
    creator: CreatorProfile,
    clips: list[Clip],
    watchers: list[Watcher],
    first_day: datetime.date,
    now: datetime.datetime,
) -> History:
    history = History()
    own = [clip for clip in clips if clip.owner_id == creator.pk]
    others = [clip for clip in clips if clip.owner_id != creator.pk]
    wave_clips = [
        next((clip for clip in own if clip.behaviour is HOOK), own[0]),
        next((clip for clip in own if clip.caption == SECOND_WAVE_CAPTION), own[-1]),
    ]
    own_weights = list(accumulate(rng.uniform(0.6, 1.6) for _ in own))
    hour_weights = list(accumulate(HOURS))
    latest = now - datetime.timedelta(minutes=5)  # every event of a view is in the past
    wave_number = 0
    for offset in range((now.astimezone(datetime.UTC).date() - first_day).days + 1):
        start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=datetime.UTC)
        start += datetime.timedelta(days=offset)
        pool = [watcher for watcher in watchers if watcher.arrives <= offset]
        # Someone who just found her comes back more in the first days.
        pool_weights = list(accumulate(w.weight * (2.0 if offset - w.arrives < 3 else 1.0) for w in pool))
        rhythm = WEEKDAY[start.weekday()] * rng.uniform(0.88, 1.12)
        planned: list[tuple[datetime.datetime, Watcher, Clip, bool]] = []
        base, growth = CREATOR_VIEWS
        for _ in range(round(base * growth ** (offset / (DAYS - 1)) * rhythm)):
            clip = _weighted(rng, own, own_weights)
            planned.append(
                (_moment(rng, start, hour_weights), _weighted(rng, pool, pool_weights), clip, False)
            )
        if others:
            base, growth = OTHER_VIEWS
            for _ in range(round(base * growth ** (offset / (DAYS - 1)) * rhythm)):
                viewer = _weighted(rng, pool, pool_weights)
                planned.append((_moment(rng, start, hour_weights), viewer, rng.choice(others), False))
        for (day, extra), clip in zip(WAVES, wave_clips, strict=True):
            if 0 <= offset - day < len(extra):
                for _ in range(round(extra[offset - day] * rng.uniform(0.9, 1.1))):
                    if rng.random() < 0.3:
                        viewer = _weighted(rng, pool, pool_weights)
                    else:  # most of a wave are people who never watched her before, and may not again
                        wave_number += 1
                        viewer = Watcher(f"{ANONYMOUS_PREFIX}wave-{wave_number:05d}", offset, 0.0)
                    planned.append((_moment(rng, start, hour_weights), viewer, clip, True))
        planned.sort(key=lambda item: item[0])
        for at, viewer, clip, is_wave in planned:
            if at < latest:
                _view(
                    rng=rng,
                    history=history,
                    creator=creator,
                    at=at,
                    viewer=viewer,
                    clip=clip,
                    is_wave=is_wave,
                )
        _unfollows(rng=rng, history=history, creator=creator, start=start, latest=latest)
    return history


def _weighted(rng: random.Random, items: list[T], cumulative: list[float]) -> T:
    return items[bisect(cumulative, rng.random() * cumulative[-1])]


def _moment(rng: random.Random, start: datetime.datetime, hour_weights: list[int]) -> datetime.datetime:
    """A time in the day that starts at ``start``, busier in the evening (UTC)."""
    hour = bisect(hour_weights, rng.random() * hour_weights[-1])
    return start + datetime.timedelta(hours=hour, seconds=rng.uniform(0, 3600))


def _view(
    *,
    rng: random.Random,
    history: History,
    creator: CreatorProfile,
    at: datetime.datetime,
    viewer: Watcher,
    clip: Clip,
    is_wave: bool,
) -> None:
    is_own = clip.owner_id == creator.pk
    follows = viewer.user_id is not None and viewer.user_id in history.following
    sources = WAVE_SOURCES if is_wave else SOURCES
    source = rng.choices([name for name, _ in sources], [weight for _, weight in sources])[0]
    if (
        (source == Source.FOLLOWING and not (is_own and follows))
        or (source == Source.LOCAL and viewer.region != clip.region)
        or (source == Source.TOPIC and clip.topic_id is None)
    ):
        source = Source.FOR_YOU
    if source == Source.PROFILE and is_own:
        history.visits.append(ProfileVisit(creator=creator, viewer_key=viewer.key, created_at=at))
    view = synthetic.WatchedView(
        viewer_key=viewer.key,
        video_id=clip.pk,
        duration=clip.duration,
        started_at=at + datetime.timedelta(seconds=8) if source == Source.PROFILE else at,
        watched=0.0,
        source=source,
        topic_id=clip.topic_id if source == Source.TOPIC else None,
    )
    history.views.append(view)
    behaviour, draw = clip.behaviour, rng.random()
    if draw < 0.015:
        view.is_not_interested, view.watched = True, rng.uniform(0.3, 1.5)
        return
    if draw < 0.015 + behaviour.skip:
        view.watched = rng.uniform(0.3, synthetic.SKIP_BELOW - 0.1)
        return
    is_complete = draw < 0.015 + behaviour.skip + behaviour.complete
    if is_complete:
        view.watched = clip.duration
        # The feed counts every loop's completion, so loops are kept rare enough to read as rewatches.
        view.loops = (rng.random() < behaviour.loop) + (rng.random() < behaviour.loop / 3)
    else:
        low = synthetic.SKIP_BELOW
        view.watched = low + (clip.duration * 0.97 - low) * rng.random() ** behaviour.depth
    view.is_liked = rng.random() < ((0.16 if behaviour is HOOK else 0.1) if is_complete else 0.02)
    view.is_shared = rng.random() < ((0.06 if is_wave else 0.025) if is_complete else 0.004)
    if is_own and viewer.user_id is not None and not follows:
        view.is_followed = rng.random() < (0.05 if is_complete else 0.01)
        if view.is_followed:
            _follow(history=history, creator=creator, user_id=viewer.user_id, at=view.started_at)
    if is_own and rng.random() < 0.04:  # curious about who made it
        visit_at = view.started_at + datetime.timedelta(seconds=rng.uniform(20, 120))
        history.visits.append(ProfileVisit(creator=creator, viewer_key=viewer.key, created_at=visit_at))
        if viewer.user_id is not None and viewer.user_id not in history.following and rng.random() < 0.12:
            _follow(history=history, creator=creator, user_id=viewer.user_id, at=visit_at)


def _follow(*, history: History, creator: CreatorProfile, user_id: int, at: datetime.datetime) -> None:
    followed_at = at + datetime.timedelta(seconds=5)
    history.following[user_id] = followed_at
    history.changes.append(FollowChange(creator=creator, delta=1, created_at=followed_at))


def _unfollows(
    *, rng: random.Random, history: History, creator: CreatorProfile, start: datetime.datetime,
    latest: datetime.datetime,
) -> None:  # fmt: skip
    """A few followers leave each day (their ``Follow`` row goes, the log keeps the loss)."""
    end = start + datetime.timedelta(days=1)
    for user_id, followed_at in list(history.following.items()):
        if rng.random() < 0.007:
            at = max(
                followed_at + datetime.timedelta(hours=1),
                start + datetime.timedelta(seconds=rng.uniform(0, 86_400)),
            )
            if at < min(end, latest):
                del history.following[user_id]
                history.changes.append(FollowChange(creator=creator, delta=-1, created_at=at))


def seed_demo_analytics(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Run ``manage.py seed_demo_analytics`` with the options its command parsed."""
    DemoAnalytics(stdout=stdout, stderr=stderr).handle(**options)
