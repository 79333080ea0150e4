"""Writes of creator analytics: close each finished day into daily rollups, from a watermark.

A day is rolled up once it has ended (and a short tail after it, so views that began just before
midnight are whole). The database groups that day's raw signals into views, in id order (an impression
starts a view of a video by a viewer, and the progress, completion and skip events after it belong to
it), and counts the rest; Python only adds the views up per video and per viewer and writes the rows.
Re-running a day replaces its rows with the same numbers. The dashboard reads only what
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

from creators.models import CreatorProfile, FollowChange, Video
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


@dataclass(slots=True)
class _Known:
    """What one call of the rollup looked up and keeps for its later days: staff's keys, viewers' numbers,
    signed-in viewers' birthdays and places, and, per viewer looked up, the last day with each creator
    (kept up to date with each day written, as the days of a call follow one another)."""

    staff: set[str]
    numbers: dict[str, int] = field(default_factory=dict)
    people: dict[int, tuple[datetime.date | None, str, str] | None] = field(default_factory=dict)
    last_days: dict[int, dict[int, datetime.date]] = field(default_factory=dict)
    texts: dict[tuple[Any, ...], str] = field(default_factory=dict)

    def json_of(self, key: tuple[Any, ...], value: Any) -> str:
        """``value`` as JSON text, remembered by ``key`` (its contents): most days of a video have one or
        two views, so the same few histograms and sources are written again and again."""
        text = self.texts.get(key)
        if text is None:
            if len(self.texts) >= 100_000:
                self.texts.clear()
            text = self.texts[key] = json.dumps(value)
        return text


DAYS_PER_TRANSACTION = 7  # catching up, a week per commit: fewer commits and one write of all-time reach


def analytics_rollup(*, now: datetime.datetime | None = None, max_days: int = 31) -> int:
    """Roll up the days that ended since the watermark, oldest first, at most ``max_days`` of them in one
    call (the beat job comes back five minutes later for the rest); returns the days rolled up. Days are
    committed with the watermark a week at a time, so a crash loses at most that week's work, never half
    a day."""
    now = now or timezone.now()
    last = last_closed_day(now)
    done = 0
    known = _Known(
        staff=_staff_keys()
    )  # once a call, not once a day: staff are found in the whole user table
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
                _rollup_day(day=day, known=known, reach=reach)
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
    _rollup_day(day=day, known=_Known(staff=_staff_keys()), reach=reach)
    _reach_add(day_videos=reach)


def _staff_keys() -> set[str]:
    """Staff's viewer keys: what they watch while moderating is not an audience."""
    return {f"u:{pk}" for pk in User.objects.filter(is_staff=True).values_list("pk", flat=True)}


def _rollup_day(*, day: datetime.date, known: _Known, reach: dict[int, _VideoTotals]) -> None:
    """Roll ``day`` up; its views' reach is added to ``reach`` for the caller to write once."""
    staff = known.staff
    start, end = _day_start(day), _day_start(day + datetime.timedelta(days=1))
    videos: dict[int, _VideoTotals] = {}
    audience: dict[tuple[int, str], int] = {}  # (creator, viewer key) -> hour of the first view
    topic = Source.TOPIC.value
    for (video_id, creator_id, viewer_key, source, topic_id, hour, watched, completed, skipped, top_loop,
         first_furthest, duration) in _views_read(start=start, end=end, staff=staff):  # fmt: skip
        totals = videos.get(video_id)
        if totals is None:
            totals = videos[video_id] = _VideoTotals(creator_id=creator_id)
        totals.views += 1
        totals.watch_seconds += watched
        totals.completions += completed
        totals.early_skips += skipped
        totals.sources[f"topic:{topic_id}" if source == topic and topic_id else source] += 1
        # The player loops only at the end: a view that reached a second loop saw the whole first one.
        reached = duration if completed or top_loop > 0 else first_furthest
        totals.reach[rules.reach_step(furthest=reached, duration=duration)] += 1
        audience_key = (creator_id, viewer_key)
        audience[audience_key] = min(hour, audience.get(audience_key, hour))
    for video_id, creator_id, kind, count in _counts_read(start=start, end=end, staff=staff):
        totals = videos.get(video_id)
        if totals is None:
            totals = videos[video_id] = _VideoTotals(creator_id=creator_id)
        if kind == Kind.UNLIKE:
            totals.likes -= count
        else:
            name = _COUNTED_KINDS[Kind(kind)]
            setattr(totals, name, getattr(totals, name) + count)
    _day_replace(day=day, videos=videos, audience=audience, known=known, start=start, end=end)
    for video_id, totals in videos.items():
        if totals.views:
            pending = reach.get(video_id)
            if pending is None:
                reach[video_id] = _VideoTotals(creator_id=totals.creator_id, views=totals.views,
                                               reach=list(totals.reach))  # fmt: skip
            else:
                pending.views += totals.views
                pending.reach = rules.reach_add(pending.reach, totals.reach)


_View = tuple[int, int, str, str, str | None, int, float, int, int, int, float, float]


def _views_read(*, start: datetime.datetime, end: datetime.datetime, staff: set[str]) -> list[_View]:
    """The views whose impression was sent in [start, end), one tuple each: (video, creator, viewer, source,
    topic, hour, watched seconds, completed, skipped, highest loop, furthest point of the first loop, the
    video's length). Neither the creator's own views nor staff's.

    Events are read from a window around the day (``TAIL`` on each side) in id order: an impression starts
    a view of a video by a viewer, and the progress, completion and skip events after it, up to the next
    impression of that video by that viewer, belong to it (events before any impression in the window
    belong to a view of an earlier day). A view's watched time is the sum over its loops of the furthest
    point of each (capped at the length); an event of a loop lower than one already reported is late and
    adds nothing, though it still counts as a completion or a skip.

    The database groups the window's events by video, viewer and loop. Nearly always a video and viewer
    have one impression in the window, before all their other events, and each loop's events come before
    the next loop's: then those rows are the view. The few pairs that are not so simple (watched twice,
    events before the impression, a late event of an earlier loop) are read again event by event."""
    quote = connection.ops.quote_name
    prep = connection.ops.adapt_datetimefield_value
    impression, complete, skip = Kind.IMPRESSION.value, Kind.COMPLETE.value, Kind.SKIP.value
    hour = _utc_hour_sql()
    staff_clause = f"AND g.viewer_key NOT IN ({', '.join(['%s'] * len(staff))})" if staff else ""
    sql = f"""
        SELECT g.video_id, g.viewer_key, g.loop, g.events, g.first_id, g.last_id, g.furthest, g.completed,
            g.skipped, g.zone, g.hour, g.source, g.topic_id
        FROM (
            SELECT video_id, viewer_key, CASE WHEN kind = %s THEN -1 ELSE looped END AS loop,
                COUNT(*) AS events, MIN(id) AS first_id, MAX(id) AS last_id, MAX(watched_seconds) AS furthest,
                MAX(CASE WHEN kind = %s THEN 1 ELSE 0 END) AS completed,
                MAX(CASE WHEN kind = %s THEN 1 ELSE 0 END) AS skipped,
                MIN(CASE WHEN created_at < %s THEN 0 WHEN created_at < %s THEN 1 ELSE 2 END) AS zone,
                MIN(CASE WHEN kind = %s THEN {hour} END) AS hour, MIN(source) AS source,
                MIN(topic_id) AS topic_id
            FROM {quote(Signal._meta.db_table)}
            WHERE created_at >= %s AND created_at < %s AND kind IN (%s, %s, %s, %s)
            GROUP BY video_id, viewer_key, CASE WHEN kind = %s THEN -1 ELSE looped END
        ) g
        WHERE TRUE {staff_clause}
        ORDER BY g.video_id, g.viewer_key, g.loop
    """  # noqa: S608
    params = [
        impression, complete, skip, prep(start), prep(end), impression, prep(start - TAIL), prep(end + TAIL),
        impression, Kind.PROGRESS.value, complete, skip, impression, *sorted(staff),
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    facts = _video_facts({row[0] for row in rows})
    views: list[_View] = []
    tangled: dict[tuple[int, str], tuple[int, float]] = {}  # (video, viewer) -> (creator, length)
    index, count = 0, len(rows)
    while index < count:
        first = rows[index]
        video_id, viewer_key = first[0], first[1]
        following = index + 1
        while following < count and rows[following][0] == video_id and rows[following][1] == viewer_key:
            following += 1
        pair, index = rows[index:following], following
        fact = facts.get(video_id)
        if fact is None or viewer_key == fact[1]:
            continue  # a deleted video, or its creator watching their own
        creator_id, _, duration = fact
        if first[2] != -1:
            continue  # no impression in the window: the events are of a view of an earlier day
        if first[3] != 1 or (len(pair) > 1 and pair[1][4] < first[4]):
            tangled[(video_id, viewer_key)] = (creator_id, duration)
            continue
        if first[9] != 1:
            continue  # the impression was sent before or after the day: not one of its views
        watched = first_furthest = 0.0
        completed = skipped = 0
        top_loop = -1
        last_id = first[5]
        for _, _, loop, _, first_id, loop_last_id, furthest, loop_completed, loop_skipped, *_ in pair[1:]:
            if first_id < last_id:
                break  # a late event of an earlier loop
            last_id = loop_last_id
            furthest = furthest if furthest < duration else duration
            watched += furthest
            if loop == 0:
                first_furthest = furthest
            completed |= loop_completed
            skipped |= loop_skipped
            top_loop = loop
        else:
            views.append((video_id, creator_id, viewer_key, first[11], first[12], first[10], watched,
                          completed, skipped, top_loop, first_furthest, duration))  # fmt: skip
            continue
        tangled[(video_id, viewer_key)] = (creator_id, duration)
    if tangled:
        views += _tangled_views(start=start, end=end, pairs=tangled)
    return views


def _video_facts(video_ids: set[int]) -> dict[int, tuple[int, str, float]]:
    """video -> (creator, the creator's viewer key, length) for a day's viewed videos, looked up by key in
    chunks. Joined into the views' query instead, PostgreSQL hashed the whole video table for every day."""
    facts: dict[int, tuple[int, str, float]] = {}
    ordered = sorted(video_ids)
    for begin in range(0, len(ordered), 2000):
        rows = Video.objects.filter(pk__in=ordered[begin : begin + 2000]).values_list(
            "pk", "owner_id", "owner__user_id", "rendition_duration", "duration"
        )
        for video_id, creator_id, user_id, rendition_duration, duration in rows:
            facts[video_id] = (creator_id, f"u:{user_id}", float(rendition_duration or duration or 0.0))
    return facts


def _utc_hour_sql() -> str:
    """An event's hour of the day (UTC) in this database's SQL, as the views' queries read it."""
    if connection.vendor == "postgresql":
        return "EXTRACT(HOUR FROM created_at AT TIME ZONE 'UTC')::int"
    return "CAST(strftime('%%H', created_at) AS INTEGER)"


def _tangled_views(
    *, start: datetime.datetime, end: datetime.datetime, pairs: dict[tuple[int, str], tuple[int, float]]
) -> list[_View]:
    """The views of ``pairs`` (video, viewer) whose impression was sent in [start, end), read event by event
    in id order, as ``_views_read`` describes them."""
    quote = connection.ops.quote_name
    prep = connection.ops.adapt_datetimefield_value
    impression, complete, skip = Kind.IMPRESSION.value, Kind.COMPLETE.value, Kind.SKIP.value
    hour = _utc_hour_sql()
    views: list[_View] = []
    ordered = sorted(pairs)
    for begin in range(0, len(ordered), 500):
        chunk = ordered[begin : begin + 500]
        videos = sorted({video_id for video_id, _ in chunk})
        viewers = sorted({viewer_key for _, viewer_key in chunk})
        sql = f"""
            SELECT video_id, viewer_key, kind, source, topic_id, watched_seconds, looped,
                CASE WHEN created_at < %s THEN 0 WHEN created_at < %s THEN 1 ELSE 2 END, {hour}
            FROM {quote(Signal._meta.db_table)}
            WHERE created_at >= %s AND created_at < %s AND kind IN (%s, %s, %s, %s)
                AND video_id IN ({", ".join(["%s"] * len(videos))})
                AND viewer_key IN ({", ".join(["%s"] * len(viewers))})
            ORDER BY id
        """  # noqa: S608
        params = [
            prep(start), prep(end), prep(start - TAIL), prep(end + TAIL),
            impression, Kind.PROGRESS.value, complete, skip, *videos, *viewers,
        ]  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            events = cursor.fetchall()
        # Per pair, the view being read: [counted, source, topic, hour, loop, loop's furthest, earlier loops'
        # sum, first loop's furthest, completed, skipped, highest loop].
        open_views: dict[tuple[int, str], list[Any]] = {}

        def close(key: tuple[int, str], view: list[Any]) -> None:
            if view[0]:
                creator_id, duration = pairs[key]
                first_furthest = view[5] if view[7] is None else view[7]  # None: still in the first loop
                views.append((key[0], creator_id, key[1], view[1], view[2], view[3], view[6] + view[5],
                              view[8], view[9], view[10], first_furthest, duration))  # fmt: skip

        for video_id, viewer_key, kind, source, topic_id, watched, looped, zone, at_hour in events:
            key = (video_id, viewer_key)
            if key not in pairs:
                continue
            if kind == impression:
                if key in open_views:
                    close(key, open_views[key])
                open_views[key] = [zone == 1, source, topic_id, at_hour, 0, 0.0, 0.0, None, 0, 0, -1]
                continue
            view = open_views.get(key)
            if view is None:
                continue  # its impression came before the window: a view of an earlier day
            duration = pairs[key][1]
            watched = watched if watched < duration else duration
            if looped > view[4]:
                if view[7] is None:
                    view[7] = view[5]  # the first loop's furthest point, as it was left
                view[6] += view[5]
                view[4], view[5] = looped, watched
            elif looped == view[4] and watched > view[5]:
                view[5] = watched
            view[10] = max(view[10], looped)
            view[8] |= kind == complete
            view[9] |= kind == skip
        for key, view in open_views.items():
            close(key, view)
    return views


def _counts_read(
    *, start: datetime.datetime, end: datetime.datetime, staff: set[str]
) -> list[tuple[int, int, str, int]]:
    """(video, creator, kind, count) of the likes, unlikes, shares, comments, follows and "not interested"
    sent in [start, end), neither by the video's creator nor by staff."""
    quote = connection.ops.quote_name
    prep = connection.ops.adapt_datetimefield_value
    kinds = [kind.value for kind in _COUNTED_KINDS]
    staff_clause = f"AND s.viewer_key NOT IN ({', '.join(['%s'] * len(staff))})" if staff else ""
    sql = f"""
        SELECT s.video_id, v.owner_id, s.kind, COUNT(*)
        FROM {quote(Signal._meta.db_table)} s
        JOIN {quote(Video._meta.db_table)} v ON v.id = s.video_id
        JOIN {quote(CreatorProfile._meta.db_table)} c ON c.id = v.owner_id
        WHERE s.created_at >= %s AND s.created_at < %s AND s.kind IN ({", ".join(["%s"] * len(kinds))})
            AND s.viewer_key <> 'u:' || CAST(c.user_id AS TEXT) {staff_clause}
        GROUP BY s.video_id, v.owner_id, s.kind
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [prep(start), prep(end), *kinds, *sorted(staff)])
        rows: list[tuple[int, int, str, int]] = cursor.fetchall()
    return rows


def _day_replace(
    *,
    day: datetime.date,
    videos: dict[int, _VideoTotals],
    audience: dict[tuple[int, str], int],
    known: _Known,
    start: datetime.datetime,
    end: datetime.datetime,
) -> None:
    _day_delete(day=day)
    video_rows = [
        (
            video_id, totals.creator_id, day, totals.views, totals.watch_seconds, totals.completions,
            totals.early_skips, totals.likes, totals.shares, totals.comments, totals.follows,
            totals.not_interested, known.json_of(tuple(totals.sources.items()), totals.sources),
            known.json_of(tuple(totals.reach), totals.reach),
        )
        for video_id, totals in videos.items()
    ]  # fmt: skip
    rows_insert(
        VideoDay,
        ["video_id", "creator_id", "day", "views", "watch_seconds", "completions", "early_skips", "likes",
         "shares", "comments", "follows", "not_interested", "sources", "reach"],
        video_rows,
    )  # fmt: skip
    numbers = known.numbers
    for _, key in audience:
        if key not in numbers:
            numbers[key] = rules.viewer_number(key)
    last_days = _last_days(known=known, day=day, numbers={numbers[key] for _, key in audience})
    users = _users_of({key for _, key in audience}, on=day, known=known)
    audience_rows = []
    weekday = day.weekday()
    viewers_of: dict[int, int] = defaultdict(int)
    for (creator_id, viewer_key), hour in audience.items():
        number = numbers[viewer_key]
        creators_seen = last_days[number]
        previous = creators_seen.get(creator_id)
        creators_seen[creator_id] = day  # for the days after, in this call
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
                previous,
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
    _creator_days(day=day, videos=videos, viewers_of=viewers_of, staff=known.staff, start=start, end=end)


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


def _last_days(
    *, known: _Known, day: datetime.date, numbers: set[int]
) -> dict[int, dict[int, datetime.date]]:
    """For the day's viewers, the last earlier day each watched each creator (creators never watched before
    are missing): the dashboard counts a viewer once per range at their first day in it, with no DISTINCT.
    Each viewer is looked up in the database once a call; the days written since are added as they are."""
    last_days = known.last_days
    missing = sorted(number for number in numbers if number not in last_days)
    for number in missing:
        last_days[number] = {}
    table = connection.ops.quote_name(AudienceDay._meta.db_table)
    before = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        for begin in range(0, len(missing), 2000):
            chunk = missing[begin : begin + 2000]
            cursor.execute(
                f"SELECT creator_id, viewer, MAX(day) FROM {table} "  # noqa: S608
                f"WHERE viewer IN ({', '.join(['%s'] * len(chunk))}) AND day < %s GROUP BY creator_id, viewer",
                [*chunk, before],
            )
            for creator_id, viewer, last in cursor.fetchall():
                last_days[viewer][creator_id] = (
                    last if isinstance(last, datetime.date) else datetime.date.fromisoformat(last)
                )
    return last_days


def _users_of(
    viewer_keys: Iterable[str], *, on: datetime.date, known: _Known
) -> dict[str, tuple[str, str, str]]:
    """Age band (on the day watched), country and region of the signed-in viewers among ``viewer_keys``."""
    ids = [int(key[2:]) for key in viewer_keys if key.startswith("u:") and key[2:].isdigit()]
    people = known.people
    missing = [pk for pk in ids if pk not in people]
    for begin in range(0, len(missing), 2000):
        chunk = missing[begin : begin + 2000]
        people.update(dict.fromkeys(chunk))  # gone: not a signed-in viewer any more
        for pk, born, country, region in User.objects.filter(pk__in=chunk).values_list(
            "pk", "date_of_birth", "country", "region"
        ):
            people[pk] = (born, str(country or ""), region or "")
    found: dict[str, tuple[str, str, str]] = {}
    for pk in ids:
        person = people[pk]
        if person is not None:
            born, country, region = person
            years = age.age_on(date_of_birth=born, on=on) if born else None
            found[f"u:{pk}"] = (rules.audience_band(years), country, region)
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
    quote = connection.ops.quote_name
    prep = connection.ops.adapt_datetimefield_value
    staff_clause = f"AND p.viewer_key NOT IN ({', '.join(['%s'] * len(staff))})" if staff else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT p.creator_id, COUNT(*) FROM {quote(ProfileVisit._meta.db_table)} p
            JOIN {quote(CreatorProfile._meta.db_table)} c ON c.id = p.creator_id
            WHERE p.created_at >= %s AND p.created_at < %s
                AND p.viewer_key <> 'u:' || CAST(c.user_id AS TEXT) {staff_clause}
            GROUP BY p.creator_id""",  # noqa: S608
            [prep(start), prep(end), *sorted(staff)],
        )
        for creator_id, visits in cursor.fetchall():
            sums[creator_id]["profile_views"] += visits
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
