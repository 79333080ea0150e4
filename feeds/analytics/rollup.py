"""Writes of creator analytics: close each finished day into daily rollups, from a watermark.

A day is rolled up once it has ended (and a short tail after it, so views that began just before
midnight are whole), by reading that day's raw signals in id order and grouping them into views: an
impression starts a view of a video by a viewer, and the progress, completion and skip events after it
belong to it. Re-running a day replaces its rows with the same numbers. The dashboard reads only what
this writes; raw signals are pruned later, the rollups are kept.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from creators.models import FollowChange, Video
from feeds.analytics import rules
from feeds.models import (
    AudienceDay,
    CreatorDay,
    ProfileVisit,
    RollupState,
    Signal,
    Source,
    VideoDay,
    VideoReach,
)
from platform import age
from platform.bulk import rows_insert
from platform.models import User

Kind = Signal.Kind
STATE_NAME = "analytics"
TAIL = datetime.timedelta(minutes=15)  # events of a view keep coming this long after its impression
READ_CHUNK = 20_000
_COUNTED_KINDS = {
    Kind.LIKE: "likes",
    Kind.UNLIKE: "unlikes",
    Kind.SHARE: "shares",
    Kind.COMMENT: "comments",
    Kind.FOLLOW: "follows",
    Kind.NOT_INTERESTED: "not_interested",
}


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def last_closed_day(now: datetime.datetime) -> datetime.date:
    """The newest day whose views are all in: it ended more than ``TAIL`` ago."""
    return (now - TAIL).astimezone(datetime.UTC).date() - datetime.timedelta(days=1)


@dataclass(slots=True)
class _Owner:
    creator_id: int
    user_key: str
    duration: float


@dataclass(slots=True)
class _View:
    """One view being read: which loop it is in, the furthest point of that loop, what came before."""

    owner: _Owner
    is_counted: bool  # its impression was sent on the day being rolled up
    source: str
    hour: int
    loop: int = 0
    loop_furthest: float = 0.0
    earlier_loops: float = 0.0
    first_loop: float = -1.0
    is_completed: bool = False
    is_skipped: bool = False

    def progress(self, watched: float, looped: int) -> None:
        watched = min(watched, self.owner.duration)
        if looped > self.loop:
            if self.first_loop < 0:
                self.first_loop = self.owner.duration  # the player loops only at the end
            self.earlier_loops += self.loop_furthest
            self.loop, self.loop_furthest = looped, watched
        elif looped == self.loop and watched > self.loop_furthest:
            self.loop_furthest = watched

    @property
    def watched(self) -> float:
        return self.earlier_loops + self.loop_furthest

    @property
    def reached(self) -> float:
        if self.is_completed or self.first_loop >= 0:
            return self.owner.duration
        return self.loop_furthest


@dataclass(slots=True)
class _VideoTotals:
    creator_id: int
    views: int = 0
    watch_seconds: float = 0.0
    completions: int = 0
    early_skips: int = 0
    likes: int = 0
    shares: int = 0
    comments: int = 0
    follows: int = 0
    not_interested: int = 0
    sources: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    reach: list[int] = field(default_factory=lambda: [0] * (rules.REACH_STEPS + 1))


DAYS_PER_TRANSACTION = 7  # catching up, a week per commit: fewer commits and one write of all-time reach


def analytics_rollup(*, now: datetime.datetime | None = None, max_days: int = 31) -> int:
    """Roll up the days that ended since the watermark, oldest first, at most ``max_days`` of them in one
    call (the beat job comes back five minutes later for the rest); returns the days rolled up. Days are
    committed with the watermark a week at a time, so a crash loses at most that week's work, never half
    a day."""
    now = now or timezone.now()
    last = last_closed_day(now)
    done = 0
    staff = _staff_keys()  # once a call, not once a day: finding them reads the whole user table
    while done < max_days:
        with transaction.atomic():
            state, _ = RollupState.objects.select_for_update().get_or_create(name=STATE_NAME)
            day = state.last_day + datetime.timedelta(days=1) if state.last_day else _first_day()
            if day is None or day > last:
                if day is None:  # nothing recorded yet: start from the days to come
                    state.last_day = last
                    state.save(update_fields=["last_day"])
                return done
            reach: dict[int, _VideoTotals] = {}
            batch = 0
            while batch < DAYS_PER_TRANSACTION and done + batch < max_days and day <= last:
                _rollup_day(day=day, staff=staff, reach=reach)
                state.last_day = day
                day += datetime.timedelta(days=1)
                batch += 1
            _reach_add(day_videos=reach)
            state.updated_at = now
            state.save(update_fields=["last_day", "updated_at"])
        done += batch
    return done


def _first_day() -> datetime.date | None:
    starts = [
        model.objects.aggregate(first=Min("created_at"))["first"]
        for model in (Signal, ProfileVisit, FollowChange)
    ]
    known = [start for start in starts if start is not None]
    return min(known).astimezone(datetime.UTC).date() if known else None


def analytics_rollup_day(*, day: datetime.date) -> None:
    """Replace ``day``'s rollup rows with the numbers its raw signals give (call inside a transaction)."""
    reach: dict[int, _VideoTotals] = {}
    _rollup_day(day=day, staff=_staff_keys(), reach=reach)
    _reach_add(day_videos=reach)


def _staff_keys() -> set[str]:
    """Staff's viewer keys: what they watch while moderating is not an audience."""
    return {f"u:{pk}" for pk in User.objects.filter(is_staff=True).values_list("pk", flat=True)}


def _rollup_day(*, day: datetime.date, staff: set[str], reach: dict[int, _VideoTotals]) -> None:
    """Roll ``day`` up; its views' reach is added to ``reach`` for the caller to write once."""
    start, end = _day_start(day), _day_start(day + datetime.timedelta(days=1))
    owners: dict[int, _Owner] = {}
    videos: dict[int, _VideoTotals] = {}
    open_views: dict[tuple[str, int], _View] = {}
    audience: dict[tuple[int, str], int] = {}  # (creator, viewer key) -> hour of the first view

    def totals_of(video_id: int, owner: _Owner) -> _VideoTotals:
        totals = videos.get(video_id)
        if totals is None:
            totals = videos[video_id] = _VideoTotals(creator_id=owner.creator_id)
        return totals

    def close(view: _View, video_id: int) -> None:
        totals = totals_of(video_id, view.owner)
        totals.views += 1
        totals.watch_seconds += view.watched
        totals.completions += view.is_completed
        totals.early_skips += view.is_skipped
        totals.sources[view.source] += 1
        totals.reach[rules.reach_step(furthest=view.reached, duration=view.owner.duration)] += 1

    # Plain strings in locals: the loop runs once per event, and an enum member is looked up each time.
    impression, complete, skip, topic = (
        Kind.IMPRESSION.value,
        Kind.COMPLETE.value,
        Kind.SKIP.value,
        Source.TOPIC.value,
    )
    watching = frozenset((Kind.PROGRESS.value, complete, skip))
    counted_kinds = {kind.value: name for kind, name in _COUNTED_KINDS.items()}
    for rows in _signal_chunks(start=start, end=end):
        _owners_load(owners, {row[1] for row in rows})
        for viewer_key, video_id, kind, source, topic_id, watched, looped, zone, hour in rows:
            owner = owners.get(video_id)
            if owner is None or viewer_key == owner.user_key or viewer_key in staff:
                continue
            key = (viewer_key, video_id)
            if kind == impression:
                previous = open_views.pop(key, None)
                if previous is not None and previous.is_counted:
                    close(previous, video_id)
                counted = zone == 1
                open_views[key] = _View(
                    owner=owner,
                    is_counted=counted,
                    source=f"topic:{topic_id}" if source == topic and topic_id else source,
                    hour=hour,
                )
                if counted:
                    audience_key = (owner.creator_id, viewer_key)
                    audience[audience_key] = min(hour, audience.get(audience_key, hour))
                continue
            view = open_views.get(key)
            if kind in watching:
                if view is None:
                    continue  # its impression came before the window: a view of an earlier day
                view.progress(watched, looped)
                if kind == complete:
                    view.is_completed = True
                    if view.first_loop < 0 and looped == 0:
                        view.first_loop = owner.duration
                elif kind == skip:
                    view.is_skipped = True
            elif zone == 1 and kind in counted_kinds:
                totals = totals_of(video_id, owner)
                name = counted_kinds[kind]
                if name == "unlikes":
                    totals.likes -= 1
                else:
                    setattr(totals, name, getattr(totals, name) + 1)
    for (_, video_id), view in open_views.items():
        if view.is_counted:
            close(view, video_id)
    _day_replace(day=day, videos=videos, audience=audience, staff=staff, start=start, end=end)
    for video_id, totals in videos.items():
        if totals.views:
            pending = reach.get(video_id)
            if pending is None:
                reach[video_id] = _VideoTotals(creator_id=totals.creator_id, views=totals.views,
                                               reach=list(totals.reach))  # fmt: skip
            else:
                pending.views += totals.views
                pending.reach = rules.reach_add(pending.reach, totals.reach)


def _signal_chunks(*, start: datetime.datetime, end: datetime.datetime) -> Iterable[list[tuple[Any, ...]]]:
    """The window's signals in id order, a chunk at a time, each as (viewer, video, kind, source, topic,
    watched, looped, zone, hour): zone 0 before the day, 1 in it, 2 in the tail after it."""
    quote = connection.ops.quote_name
    table = quote(Signal._meta.db_table)
    prep = connection.ops.adapt_datetimefield_value
    if connection.vendor == "postgresql":
        hour = "EXTRACT(HOUR FROM created_at AT TIME ZONE 'UTC')::int"
    else:
        hour = "CAST(strftime('%%H', created_at) AS INTEGER)"
    sql = (
        "SELECT viewer_key, video_id, kind, source, topic_id, watched_seconds, looped, "  # noqa: S608
        f"CASE WHEN created_at < %s THEN 0 WHEN created_at < %s THEN 1 ELSE 2 END, {hour} "
        f"FROM {table} WHERE created_at >= %s AND created_at < %s ORDER BY id"
    )
    params = [prep(start), prep(end), prep(start - TAIL), prep(end + TAIL)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(READ_CHUNK):
            yield rows


def _owners_load(owners: dict[int, _Owner], video_ids: set[int]) -> None:
    missing = [video_id for video_id in video_ids if video_id not in owners]
    for start in range(0, len(missing), 2000):
        for pk, creator_id, user_id, rendition, duration in Video.objects.filter(
            pk__in=missing[start : start + 2000]
        ).values_list("pk", "owner_id", "owner__user_id", "rendition_duration", "duration"):
            owners[pk] = _Owner(creator_id, f"u:{user_id}", float(rendition or duration or 0.0))


def _day_replace(
    *,
    day: datetime.date,
    videos: dict[int, _VideoTotals],
    audience: dict[tuple[int, str], int],
    staff: set[str],
    start: datetime.datetime,
    end: datetime.datetime,
) -> None:
    _day_delete(day=day)
    video_rows = [
        (
            video_id, totals.creator_id, day, totals.views, totals.watch_seconds, totals.completions,
            totals.early_skips, totals.likes, totals.shares, totals.comments, totals.follows,
            totals.not_interested, json.dumps(dict(totals.sources)), json.dumps(totals.reach),
        )
        for video_id, totals in videos.items()
    ]  # fmt: skip
    rows_insert(
        VideoDay,
        ["video_id", "creator_id", "day", "views", "watch_seconds", "completions", "early_skips", "likes",
         "shares", "comments", "follows", "not_interested", "sources", "reach"],
        video_rows,
    )  # fmt: skip
    numbers = {key: rules.viewer_number(key) for _, key in audience}
    previous = _previous_days(day=day, numbers=set(numbers.values()))
    users = _users_of({key for _, key in audience}, on=day)
    audience_rows = []
    weekday = day.weekday()
    viewers_of: dict[int, int] = defaultdict(int)
    for (creator_id, viewer_key), hour in audience.items():
        number = numbers[viewer_key]
        band, country, region = users.get(viewer_key, ("unknown", "", ""))
        if band == "":
            band = "unknown"
        audience_rows.append(
            (
                creator_id,
                day,
                number,
                band,
                country,
                region,
                previous.get((creator_id, number)),
                weekday,
                hour,
            )
        )
        viewers_of[creator_id] += 1
    rows_insert(
        AudienceDay,
        ["creator_id", "day", "viewer", "age_band", "country", "region", "prev_day", "weekday", "hour"],
        audience_rows,
    )
    _creator_days(day=day, videos=videos, viewers_of=viewers_of, staff=staff, start=start, end=end)


def _day_delete(*, day: datetime.date) -> None:
    """Undo an earlier run of ``day`` (normally there is none): its rows, and its share of all-time reach."""
    # A day that has rows of any kind has CreatorDay rows (every creator with a view, a like, a visit or a
    # follow change that day gets one), the smallest of the tables. None of them is indexed by day alone,
    # so one look there spares the usual first run four scans of the large ones.
    if not CreatorDay.objects.filter(day=day).exists():
        return
    earlier = list(
        VideoDay.objects.filter(day=day).exclude(views=0).values_list("video_id", "views", "reach")
    )
    if earlier:
        reach = {row.video_id: row for row in VideoReach.objects.select_for_update().filter(
            video_id__in=[video_id for video_id, _, _ in earlier]
        )}  # fmt: skip
        for video_id, views, histogram in earlier:
            row = reach[video_id]
            row.views -= views
            row.reach = [a - b for a, b in zip(row.reach, histogram, strict=True)]
        VideoReach.objects.bulk_update(reach.values(), ["views", "reach"], batch_size=1000)
    VideoDay.objects.filter(day=day).delete()
    AudienceDay.objects.filter(day=day).delete()
    CreatorDay.objects.filter(day=day).delete()


def _reach_add(*, day_videos: dict[int, _VideoTotals]) -> None:
    """Add views and reach histograms to the videos' all-time rows (read and written without model
    instances: a week of a busy site touches tens of thousands of videos)."""
    ids = sorted(day_videos)
    table = connection.ops.quote_name(VideoReach._meta.db_table)
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    for begin in range(0, len(ids), 1000):
        chunk = ids[begin : begin + 1000]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT video_id, views, reach FROM {table} WHERE video_id IN ({', '.join(['%s'] * len(chunk))})"  # noqa: S608
                + lock,
                chunk,
            )
            existing = {
                video_id: (views, reach if isinstance(reach, list) else json.loads(reach))
                for video_id, views, reach in cursor.fetchall()
            }
        changed: list[tuple[int, str, int]] = []
        created: list[tuple[Any, ...]] = []
        for video_id in chunk:
            totals = day_videos[video_id]
            row = existing.get(video_id)
            if row is None:
                created.append((video_id, totals.creator_id, totals.views, json.dumps(totals.reach)))
            else:
                reach = rules.reach_add(row[1], totals.reach)
                changed.append((row[0] + totals.views, json.dumps(reach), video_id))
        rows_insert(VideoReach, ["video_id", "creator_id", "views", "reach"], created)
        _reach_update(changed)


def _reach_update(rows: list[tuple[int, str, int]]) -> None:
    """(views, reach as JSON, video) rows written back in one prepared statement: ``bulk_update``'s CASE
    expression for a thousand rows cost more to build than the rest of the day's rollup."""
    if not rows:
        return
    quote = connection.ops.quote_name
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(VideoReach._meta.db_table)} SET views = %s, reach = %s{cast} WHERE video_id = %s",  # noqa: S608
            rows,
        )


def _previous_days(*, day: datetime.date, numbers: set[int]) -> dict[tuple[int, int], datetime.date]:
    """For the day's viewers, the last earlier day each watched each creator (pairs never seen before are
    missing): the dashboard counts a viewer once per range at their first day in it, with no DISTINCT."""
    found: dict[tuple[int, int], datetime.date] = {}
    ordered = sorted(numbers)
    table = connection.ops.quote_name(AudienceDay._meta.db_table)
    before = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        for begin in range(0, len(ordered), 2000):
            chunk = ordered[begin : begin + 2000]
            cursor.execute(
                f"SELECT creator_id, viewer, MAX(day) FROM {table} "  # noqa: S608
                f"WHERE viewer IN ({', '.join(['%s'] * len(chunk))}) AND day < %s GROUP BY creator_id, viewer",
                [*chunk, before],
            )
            for creator_id, viewer, last in cursor.fetchall():
                found[(creator_id, viewer)] = (
                    last if isinstance(last, datetime.date) else datetime.date.fromisoformat(last)
                )
    return found


def _users_of(viewer_keys: Iterable[str], *, on: datetime.date) -> dict[str, tuple[str, str, str]]:
    """Age band (on the day watched), country and region of the signed-in viewers among ``viewer_keys``."""
    ids = [int(key[2:]) for key in viewer_keys if key.startswith("u:") and key[2:].isdigit()]
    found: dict[str, tuple[str, str, str]] = {}
    for begin in range(0, len(ids), 2000):
        for pk, born, country, region in User.objects.filter(pk__in=ids[begin : begin + 2000]).values_list(
            "pk", "date_of_birth", "country", "region"
        ):
            years = age.age_on(date_of_birth=born, on=on) if born else None
            found[f"u:{pk}"] = (rules.audience_band(years), str(country or ""), region or "")
    return found


def _creator_days(
    *,
    day: datetime.date,
    videos: dict[int, _VideoTotals],
    viewers_of: dict[int, int],
    staff: set[str],
    start: datetime.datetime,
    end: datetime.datetime,
) -> None:
    sums: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for totals in videos.values():
        row = sums[totals.creator_id]
        for name in (
            "views",
            "watch_seconds",
            "completions",
            "early_skips",
            "likes",
            "shares",
            "comments",
            "not_interested",
        ):
            row[name] += getattr(totals, name)
    visits = (
        ProfileVisit.objects.filter(created_at__gte=start, created_at__lt=end)
        .values_list("creator_id", "viewer_key", "creator__user_id")
        .iterator(chunk_size=5000)
    )
    for creator_id, viewer_key, user_id in visits:
        if viewer_key != f"u:{user_id}" and viewer_key not in staff:
            sums[creator_id]["profile_views"] += 1
    for change in (
        FollowChange.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("creator_id")
        .annotate(gained=Count("pk", filter=Q(delta=1)), lost=Count("pk", filter=Q(delta=-1)))
    ):
        sums[change["creator_id"]]["follows_gained"] += change["gained"]
        sums[change["creator_id"]]["follows_lost"] += change["lost"]
    names = ["views", "watch_seconds", "completions", "early_skips", "likes", "shares", "comments",
             "not_interested", "profile_views", "follows_gained", "follows_lost"]  # fmt: skip
    rows = [
        (
            creator_id,
            day,
            viewers_of.get(creator_id, 0),
            *(row.get(name, 0) if name == "watch_seconds" else int(row.get(name, 0)) for name in names),
        )
        for creator_id, row in sums.items()
    ]
    rows_insert(CreatorDay, ["creator_id", "day", "viewers", *names], rows)


def analytics_prune_before() -> datetime.datetime | None:
    """Raw signals before this moment are rolled up into analytics (None: nothing is yet)."""
    state = RollupState.objects.filter(name=STATE_NAME).first()
    if state is None or state.last_day is None:
        return None
    return _day_start(state.last_day + datetime.timedelta(days=1)) - TAIL
