"""Writes of creator analytics: close each finished day into daily rollups, from a watermark.

A day is rolled up once it has ended (and a short tail after it, so views that began just before
midnight are whole). The database does the work in a few set-based statements per batch of days: window
functions put each day's raw signals together into views, in id order (an impression starts a view of a
video by a viewer, and the progress, completion and skip events after it belong to it; a viewer's one plain
view of a video is grouped by loop, without ordering its events), grouped selects
add them up per video, viewer and creator, and ``INSERT … SELECT`` writes the rows. Python only numbers
the viewers it has not met before (a hash the databases cannot compute). Re-running a day replaces its
rows with the same numbers. The dashboard reads only what this writes; raw signals are pruned later, the
rollups are kept.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Min, Model
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
from platform.models import User

Kind = Signal.Kind
STATE_NAME = "analytics"
TAIL = datetime.timedelta(minutes=15)  # events of a view keep coming this long after its impression
TAIL_MINUTES = 15
_COUNTED_KINDS = {
    Kind.LIKE: "likes",
    Kind.UNLIKE: "unlikes",
    Kind.SHARE: "shares",
    Kind.COMMENT: "comments",
    Kind.FOLLOW: "follows",
    Kind.NOT_INTERESTED: "not_interested",
}
# Work tables of one batch, in the connection's temporary schema (gone with the session if not dropped).
_VIEWS = "analytics_rollup_views"
_VIDEO_DAYS = "analytics_rollup_video_days"
_REACH = "analytics_rollup_reach"
_NUMBERS = "analytics_rollup_numbers"  # viewer key -> viewer number (and user id): never changes


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def last_closed_day(now: datetime.datetime) -> datetime.date:
    """The newest day whose views are all in: it ended more than ``TAIL`` ago."""
    return (now - TAIL).astimezone(datetime.UTC).date() - datetime.timedelta(days=1)


DAYS_PER_TRANSACTION = 7  # catching up, a week per commit and per statement: fewer commits and scans
# SQLite commits two weeks at a time. A batch's inserts touch nearly every page of some of the rollup tables'
# indexes (AudienceDay's by viewer, VideoDay's by video) however few days it holds, and each commit writes those
# pages out again (the WAL, then its checkpoint into the database): two weeks write them half as often, for a
# write lock held twice as long (about 2.5 s a batch at the benchmark's ten million events a year). PostgreSQL
# keeps a week, the span its ``work_mem`` is sized for.
SQLITE_DAYS_PER_TRANSACTION = 14


def analytics_rollup(*, now: datetime.datetime | None = None, max_days: int = 31) -> int:
    """Roll up the days that ended since the watermark, oldest first, at most ``max_days`` of them in one
    call (the beat job comes back five minutes later for the rest); returns the days rolled up. Days are
    committed with the watermark a week at a time (two on SQLite), so a crash loses at most that work, never
    half a day."""
    now = now or timezone.now()
    last = last_closed_day(now)
    done = 0
    staff = _staff_keys()  # once a call, not once a day: staff are found in the whole user table
    per_transaction = DAYS_PER_TRANSACTION if _is_postgresql() else SQLITE_DAYS_PER_TRANSACTION
    with _numbers_table():
        while done < max_days:
            with transaction.atomic():
                state, _ = RollupState.objects.select_for_update().get_or_create(name=STATE_NAME)
                day = state.last_day + datetime.timedelta(days=1) if state.last_day else _first_day()
                if day is None or day > last:
                    if day is None:  # nothing recorded yet: start from the days to come
                        state.last_day = last
                        state.save(update_fields=["last_day"])
                    return done
                _batch_settings()
                batch = min(per_transaction, max_days - done, (last - day).days + 1)
                final = day + datetime.timedelta(days=batch - 1)
                _rollup_days(first=day, last=final, staff=staff)
                state.last_day = final
                state.updated_at = now
                state.save(update_fields=["last_day", "updated_at"])
            done += batch
    return done


def _batch_settings() -> None:
    """PostgreSQL settings for one batch's transaction: a week's events sorted in memory rather than on disk
    (the default 4 MB holds about 20k), no JIT compilation, and a commit that does not wait for its WAL to
    reach the disk. A commit lost in a crash loses the watermark with the rows, so the next run does the week
    again. JIT pays only for long statements; a batch's are tens of milliseconds, and where the planner's
    estimate is high (the AudienceDay insert's earlier-day lookup, on tables without statistics yet) it
    compiled the statement again every batch, 15 ms each time."""
    if _is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL synchronous_commit = off")


def _first_day() -> datetime.date | None:
    starts = [
        model.objects.aggregate(first=Min("created_at"))["first"]
        for model in (Signal, ProfileVisit, FollowChange)
    ]
    known = [start for start in starts if start is not None]
    return min(known).astimezone(datetime.UTC).date() if known else None


def analytics_rollup_day(*, day: datetime.date) -> None:
    """Replace ``day``'s rollup rows with the numbers its raw signals give (call inside a transaction)."""
    with _numbers_table():
        _rollup_days(first=day, last=day, staff=_staff_keys())


def _staff_keys() -> set[str]:
    """Staff's viewer keys: what they watch while moderating is not an audience."""
    return {f"u:{pk}" for pk in User.objects.filter(is_staff=True).values_list("pk", flat=True)}


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _rollup_days(*, first: datetime.date, last: datetime.date, staff: set[str]) -> None:
    """Replace the rows of the days ``first`` to ``last`` (a batch: two weeks at most) and add their views'
    reach to the videos' all-time rows."""
    # A day that has rows of any kind has CreatorDay rows (every creator with a view, a like, a visit or a
    # follow change that day gets one), the smallest of the tables. None of them is indexed by day alone,
    # so one look there spares the usual first run scans of the large ones.
    for day in sorted(
        set(CreatorDay.objects.filter(day__gte=first, day__lte=last).values_list("day", flat=True))
    ):
        _day_delete(day=day)
    start, end = _day_start(first), _day_start(last + datetime.timedelta(days=1))
    with connection.cursor() as cursor:
        for name in (_VIEWS, _VIDEO_DAYS):
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
        sql, params = _views_sql(start=start, end=end, staff=staff)
        cursor.execute(f"CREATE TEMPORARY TABLE {_VIEWS} AS {sql}", params)
        sql, params = _video_days_sql(start=start, end=end, staff=staff)
        cursor.execute(f"CREATE TEMPORARY TABLE {_VIDEO_DAYS} AS {sql}", params)
        cursor.execute(
            f"INSERT INTO {_table(VideoDay)} (video_id, creator_id, day, views, watch_seconds, completions, "  # noqa: S608
            "early_skips, likes, shares, comments, follows, not_interested, sources, reach) "
            "SELECT video_id, creator_id, day, views, watch_seconds, completions, early_skips, likes, shares, "
            f"comments, follows, not_interested, sources, reach FROM {_VIDEO_DAYS}"
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_NUMBERS} "
            "(viewer_key varchar(40) PRIMARY KEY, viewer bigint NOT NULL, user_id bigint NULL)"
        )
        _numbers_add(cursor)
        sql, params = _audience_sql(first=first)
        cursor.execute(sql, params)
        sql, params = _creator_days_sql(start=start, end=end, staff=staff)
        cursor.execute(sql, params)
        _reach_add(cursor)
        for name in (_VIEWS, _VIDEO_DAYS):
            cursor.execute(f"DROP TABLE {name}")


def _zeros_sql() -> str:
    """An empty reach histogram as a JSON value of this database."""
    zeros = "[" + ", ".join(["0"] * (rules.REACH_STEPS + 1)) + "]"
    return f"CAST('{zeros}' AS jsonb)" if _is_postgresql() else f"'{zeros}'"


def _empty_object_sql() -> str:
    return "CAST('{}' AS jsonb)" if _is_postgresql() else "'{}'"


def _step_counts() -> list[str]:
    """The views of a group at each reach step, one SQL expression each. Counts with a filter, not sums of a
    CASE: a view then steps one of the counts rather than all 51 sums (a sixth of the video days statement on
    SQLite)."""
    return [f"COUNT(*) FILTER (WHERE step = {n})" for n in range(rules.REACH_STEPS + 1)]


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _day_of(column: str) -> str:
    """The UTC day of a timestamp column, as a date on PostgreSQL and as SQLite stores dates (text)."""
    if _is_postgresql():
        return f"CAST({column} AT TIME ZONE 'UTC' AS date)"
    return f"substr({column}, 1, 10)"


def _day_number(column: str, *, minutes: int = 0) -> str:
    """The UTC day of a timestamp column (moved by ``minutes``), as days since 1970-01-01."""
    if _is_postgresql():
        moved = f"({column} + interval '{minutes} minutes')" if minutes else column
        return f"(CAST({moved} AT TIME ZONE 'UTC' AS date) - DATE '1970-01-01')"
    moved = (
        f"julianday({column}, '{minutes:+d} minutes')" if minutes else f"julianday(substr({column}, 1, 10))"
    )
    return f"CAST({moved} - 2440587.5 AS INTEGER)"


def _utc_hour_sql(column: str) -> str:
    """An event's hour of the day (UTC) in this database's SQL."""
    if _is_postgresql():
        return f"CAST(EXTRACT(HOUR FROM {column} AT TIME ZONE 'UTC') AS integer)"
    return f"CAST(strftime('%%H', {column}) AS INTEGER)"


def _day_bound(day: str, *, later: bool) -> str:
    """The edge of a day's reading window, ``TAIL`` before the day (or after it, ``later``), comparable
    with the signal log's ``created_at``."""
    minutes = int(TAIL.total_seconds() // 60)
    if _is_postgresql():
        shift = f"interval '1 day {minutes} minutes'" if later else f"interval '-{minutes} minutes'"
        return f"(CAST({day} AS timestamp) + {shift}) AT TIME ZONE 'UTC'"
    shift = f"'+1 day', '+{minutes} minutes'" if later else f"'-{minutes} minutes'"
    return f"datetime({day}, {shift})"


def _staff_clause(column: str, staff: set[str]) -> tuple[str, list[str]]:
    if not staff:
        return "", []
    return f"AND {column} NOT IN ({', '.join(['%s'] * len(staff))})", sorted(staff)


def _views_sql(*, start: datetime.datetime, end: datetime.datetime, staff: set[str]) -> tuple[str, list[Any]]:
    """The views whose impression was sent in [start, end), one row each: (day, video, creator, viewer, source
    as counted, hour, watched seconds, completed, skipped, reach step). Neither the creator's own views nor
    staff's, nor those of deleted videos.

    A day's views are read from a window around it (``TAIL`` on each side) in id order: an impression
    starts a view of a video by a viewer, and the progress, completion and skip events after it, up to the
    next impression of that video by that viewer, belong to it (events before any impression belong to a
    view of an earlier day). A view's watched time is the sum over its loops of the furthest point of each
    (capped at the length); an event of a loop lower than one already reported is late and adds nothing,
    though it still counts as a completion or a skip. The player loops only at the end: a view that reached
    a second loop, or completed, saw the whole first one; otherwise its reach is its first loop's furthest
    point. One statement reads all the days of [start, end): each view keeps only the events inside its
    own day's window.

    Most pairs of a video and a viewer in the window are one plain view: a single impression before all their
    other events, its loops one after the other (every event of a loop after all those of lower loops) and
    all inside the impression's day window. Such a pair is its view, added up with plain ``GROUP BY``s (by
    loop, then by pair), and only its few loops are ordered; the other pairs (several views, late or early
    events) have all their events put in id order for the window functions."""
    quote = connection.ops.quote_name
    prep = connection.ops.adapt_datetimefield_value
    impression, complete, skip = Kind.IMPRESSION.value, Kind.COMPLETE.value, Kind.SKIP.value
    staff_clause, staff_params = _staff_clause("viewer_key", staff)
    postgresql = _is_postgresql()
    least, greatest = ("LEAST", "GREATEST") if postgresql else ("min", "max")
    share = f"{least}(1.0, {greatest}(0.0, reached / duration)) * {rules.REACH_STEPS} + 1e-9"
    # Truncation, as Python's int(): PostgreSQL's cast to integer rounds.
    step = f"CAST(FLOOR({share}) AS integer)" if postgresql else f"CAST({share} AS INTEGER)"
    # A loop's furthest point is capped at the length (the cap commutes with the maximum: applied per loop).
    duration = "COALESCE(NULLIF(video.rendition_duration, 0), NULLIF(video.duration, 0), 0.0)"
    day = _day_of("opened_at")
    # Grouping needs only equality: PostgreSQL sorts viewer keys much faster byte by byte than by locale.
    viewer = 'viewer_key COLLATE "C"' if postgresql else "viewer_key"
    # A view is named by its impression's id; rows of one view have the same "opened_by". One running maximum
    # over the pair's events gives each event its view and the day of its impression (the impression's id
    # shifted past any day number, plus the day); a second, in the same order, the highest loop before it
    # in its view (the view's id shifted past any loop number, plus the loop, is larger than any earlier
    # view's). No join puts the events back together with their impression.
    days, loops = 1 << 20, 1 << 16  # more than any day number (days since 1970) and any loop number
    window = f"""
        FROM {quote(Signal._meta.db_table)}
        WHERE created_at >= %s AND created_at < %s AND kind IN (%s, %s, %s, %s) {staff_clause}
    """
    window_params = [prep(start - TAIL), prep(end + TAIL), impression, Kind.PROGRESS.value, complete, skip,
                     *staff_params]  # fmt: skip
    opened_day = _day_number("opened_at")
    if postgresql:
        # Loop by loop: did all the pair's events of lower loops come before this loop's first event? The
        # watched seconds are added up loop after loop, as the reading in id order adds them.
        ordered = """
            SELECT p.*, video.creator_id, video.duration,
                MAX(p.last_id) OVER (
                    PARTITION BY p.video_id, p.viewer_key COLLATE "C" ORDER BY p.loop ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                ) AS before_id,
                SUM(CASE WHEN p.loop >= 0 THEN LEAST(p.furthest, video.duration) END) OVER (
                    PARTITION BY p.video_id, p.viewer_key COLLATE "C" ORDER BY p.loop
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                ) AS watched
            FROM parts p
            JOIN videos video ON video.id = p.video_id
            WHERE p.viewer_key <> video.creator_key
        """
        in_order = "MIN(CASE WHEN before_id IS NULL OR first_id > before_id THEN 1 ELSE 0 END)"
        watched = "MAX(watched)"
    else:
        # SQLite's two window passes over every loop were a fifth of the statement; a join and the pairs' own
        # grouping do it. Each loop is put beside the loop numbered one below it: a pair's loops are in order
        # when each began after the one below ended (the one below ends after all lower ones then). A pair with
        # a loop missing below one of its loops is left to the reading in id order, which counts any view. The
        # watched seconds are added up by the grouping in the order it reads the loops, and it reads them as
        # ``parts`` holds them, by pair and then loop (SQLite's grouping sort keeps equal keys in the order
        # read): loop after loop, as the reading in id order adds them.
        ordered = """
            SELECT p.*, video.creator_id, video.duration, below.last_id AS before_id
            FROM parts p
            JOIN videos video ON video.id = p.video_id
            LEFT JOIN parts below
                ON below.video_id = p.video_id AND below.viewer_key = p.viewer_key AND below.loop = p.loop - 1
            WHERE p.viewer_key <> video.creator_key
        """
        in_order = "MIN(CASE WHEN loop = -1 OR first_id > before_id THEN 1 ELSE 0 END)"
        watched = "SUM(CASE WHEN loop >= 0 THEN min(furthest, duration) END)"
    sql = f"""
        WITH parts AS (
            -- A pair's events by loop (its impressions as loop -1), in no order.
            SELECT video_id, viewer_key, loop, COUNT(*) AS events, MIN(id) AS first_id, MAX(id) AS last_id,
                MAX(watched_seconds) AS furthest,
                MAX(CASE WHEN kind = %s THEN 1 ELSE 0 END) AS completed,
                MAX(CASE WHEN kind = %s THEN 1 ELSE 0 END) AS skipped,
                MIN(created_at) AS first_at, MAX(created_at) AS last_at, MAX(source) AS source,
                MAX(topic_id) AS topic_id
            FROM (
                SELECT id, video_id, viewer_key, kind, source, topic_id, watched_seconds, created_at,
                    CASE WHEN kind = %s THEN -1 ELSE looped END AS loop
                {window}
            ) events
            GROUP BY video_id, viewer_key, loop
        ), videos AS (
            -- The pairs' videos, looked up once each.
            SELECT video.id, video.owner_id AS creator_id, {duration} AS duration,
                'u:' || CAST(creator.user_id AS TEXT) AS creator_key
            FROM {_table(Video)} video
            JOIN {_table(CreatorProfile)} creator ON creator.id = video.owner_id
            WHERE video.id IN (SELECT video_id FROM parts)
        ), ordered AS (
            {ordered}
        ), pairs AS (
            SELECT video_id, viewer_key, creator_id, duration,
                SUM(CASE WHEN loop = -1 THEN events ELSE 0 END) AS impressions,
                {in_order} AS in_order,
                MAX(CASE WHEN loop = -1 THEN first_id END) AS opened_by,
                MAX(CASE WHEN loop = -1 THEN first_at END) AS opened_at,
                MAX(CASE WHEN loop = -1 THEN source END) AS source,
                MAX(CASE WHEN loop = -1 THEN topic_id END) AS topic_id,
                {watched} AS watched, MAX(completed) AS completed, MAX(skipped) AS skipped,
                MAX(loop) AS top_loop,
                MAX(CASE WHEN loop = 0 THEN {least}(furthest, duration) END) AS first_furthest,
                MIN(first_at) AS first_at, MAX(last_at) AS last_at
            FROM ordered
            GROUP BY video_id, viewer_key, creator_id, duration
        ), sorted AS (
            SELECT pairs.*,
                CASE WHEN impressions = 1 AND in_order = 1
                    AND {_day_number("last_at", minutes=-TAIL_MINUTES)} <= {opened_day}
                    AND {opened_day} <= {_day_number("first_at", minutes=TAIL_MINUTES)}
                THEN 1 ELSE 0 END AS plain
            FROM pairs
            WHERE impressions > 0
        ), e AS (
            SELECT id, video_id, viewer_key, kind, source, topic_id, watched_seconds, looped, created_at,
                MAX(CASE WHEN kind = %s THEN id * {days} + {_day_number("created_at")} END) OVER (
                    PARTITION BY video_id, {viewer} ORDER BY id ROWS UNBOUNDED PRECEDING
                ) AS opened
            {window}
                AND EXISTS (
                    SELECT 1 FROM sorted
                    WHERE sorted.video_id = {quote(Signal._meta.db_table)}.video_id
                        AND sorted.viewer_key = {quote(Signal._meta.db_table)}.viewer_key AND sorted.plain = 0
                )
        ), f AS (
            SELECT video_id, viewer_key, kind, source, topic_id, watched_seconds, created_at,
                opened / {days} AS opened_by, opened %% {days} AS opened_day,
                CASE WHEN kind = %s THEN -1 ELSE looped END AS loop,
                MAX((opened / {days}) * {loops} + CASE WHEN kind = %s THEN 0 ELSE looped END) OVER (
                    PARTITION BY video_id, {viewer} ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                ) - (opened / {days}) * {loops} AS loop_before
            FROM e
            WHERE opened IS NOT NULL
        ), loops AS (
            SELECT opened_by, video_id, viewer_key, loop,
                MAX(CASE WHEN loop >= loop_before THEN watched_seconds END) AS furthest,
                MAX(CASE WHEN kind = %s THEN 1 ELSE 0 END) AS completed,
                MAX(CASE WHEN kind = %s THEN 1 ELSE 0 END) AS skipped,
                MAX(CASE WHEN loop = -1 THEN created_at END) AS opened_at,
                MAX(CASE WHEN loop = -1 THEN source END) AS source,
                MAX(CASE WHEN loop = -1 THEN topic_id END) AS topic_id
            FROM f
            -- The views of the batch's days, each with the events inside its own day's window.
            WHERE opened_day >= %s AND opened_day <= %s
                AND {_day_number("created_at", minutes=-TAIL_MINUTES)} <= opened_day
                AND opened_day <= {_day_number("created_at", minutes=TAIL_MINUTES)}
            GROUP BY opened_by, video_id, viewer_key, loop
        ), w AS (
            SELECT l.opened_by, l.video_id, l.viewer_key, MAX(l.opened_at) AS opened_at, MAX(l.source) AS source,
                MAX(l.topic_id) AS topic_id, video.owner_id AS creator_id, {duration} AS duration,
                -- A loop whose every report was late has no furthest point: it adds nothing (LEAST
                -- would make it the whole length on PostgreSQL, which skips NULLs; SQLite's min does not).
                SUM(CASE WHEN l.loop >= 0 AND l.furthest IS NOT NULL THEN {least}(l.furthest, {duration}) END)
                    AS watched,
                MAX(l.completed) AS completed, MAX(l.skipped) AS skipped, MAX(l.loop) AS top_loop,
                MAX(CASE WHEN l.loop = 0 AND l.furthest IS NOT NULL THEN {least}(l.furthest, {duration}) END)
                    AS first_furthest
            FROM loops l
            JOIN {_table(Video)} video ON video.id = l.video_id
            JOIN {_table(CreatorProfile)} creator ON creator.id = video.owner_id
            WHERE l.viewer_key <> 'u:' || CAST(creator.user_id AS TEXT)
            GROUP BY l.opened_by, l.video_id, l.viewer_key, video.owner_id, video.rendition_duration,
                video.duration
            UNION ALL
            -- A plain view: its loops one after the other, no event late.
            SELECT opened_by, video_id, viewer_key, opened_at, source, topic_id, creator_id, duration, watched,
                completed, skipped, top_loop, first_furthest
            FROM sorted
            WHERE plain = 1 AND {_day_number("opened_at")} >= %s AND {_day_number("opened_at")} <= %s
        ), r AS (
            SELECT w.*,
                CASE WHEN completed = 1 OR top_loop > 0 THEN duration
                    ELSE COALESCE(first_furthest, 0.0) END AS reached
            FROM w
        )
        SELECT {day} AS day, video_id, creator_id, viewer_key,
            CASE WHEN source = %s AND topic_id IS NOT NULL THEN 'topic:' || CAST(topic_id AS TEXT)
                ELSE source END AS source_key,
            {_utc_hour_sql("opened_at")} AS hour, COALESCE(watched, 0.0) AS watched, completed, skipped,
            CASE WHEN duration <= 0 THEN 0 ELSE {least}({rules.REACH_STEPS}, {step}) END AS step
        FROM r
        -- In impression order, as the views were always read: the sums of their seconds are then added in
        -- the same order, to the last bit.
        ORDER BY opened_by
    """  # noqa: S608
    epoch = datetime.date(1970, 1, 1)
    first_day, last_day = (start.date() - epoch).days, (end.date() - epoch).days - 1
    params: list[Any] = [
        complete, skip, impression, *window_params,
        impression, *window_params, impression, impression, complete, skip, first_day, last_day,
        first_day, last_day, Source.TOPIC.value,
    ]  # fmt: skip
    return sql, params


def _video_days_sql(
    *, start: datetime.datetime, end: datetime.datetime, staff: set[str]
) -> tuple[str, list[Any]]:
    """One row per video and day with views or counted events: the views added up (their sources and reach
    as JSON text), and the likes (less unlikes), shares, comments, follows and "not interested" sent that
    day, neither by the video's creator nor by staff."""
    quote = connection.ops.quote_name
    prep = connection.ops.adapt_datetimefield_value
    kinds = [kind.value for kind in _COUNTED_KINDS]
    staff_clause, staff_params = _staff_clause("s.viewer_key", staff)
    zeros = _zeros_sql()
    if _is_postgresql():
        sources = "jsonb_object_agg(source_key, n)"
        # A day's views of a video nearly always reached one step: one number set in the constant zeros, not
        # 51 numbers converted (the bulk of the cost of building the histogram).
        one_step = f"jsonb_set({zeros}, ARRAY[CAST(MIN(step) AS TEXT)], to_jsonb(COUNT(*)))"
        every_step = f"jsonb_build_array({', '.join(_step_counts())})"
    else:
        sources = "json_group_object(source_key, n)"
        one_step = f"json_set({zeros}, '$[' || MIN(step) || ']', COUNT(*))"
        every_step = "'[' || " + " || ',' || ".join(_step_counts()) + " || ']'"
    counted = ", ".join(
        f"SUM(CASE WHEN s.kind = %s THEN 1 ELSE 0 END) AS {name}" for name in _COUNTED_KINDS.values()
    )
    sql = f"""
        WITH viewed AS (
            SELECT video_id, creator_id, day, COUNT(*) AS views, SUM(watched) AS watch_seconds,
                SUM(completed) AS completions, SUM(skipped) AS early_skips,
                CASE WHEN MIN(step) = MAX(step) THEN {one_step} ELSE {every_step} END AS reach
            FROM {_VIEWS}
            GROUP BY video_id, creator_id, day
        ), by_source AS (
            SELECT video_id, day, source_key, COUNT(*) AS n FROM {_VIEWS} GROUP BY video_id, day, source_key
        ), sourced AS (
            SELECT video_id, day, {sources} AS sources FROM by_source GROUP BY video_id, day
        ), counted AS (
            SELECT s.video_id, video.owner_id AS creator_id, {_day_of("s.created_at")} AS day,
                {counted}
            FROM {quote(Signal._meta.db_table)} s
            JOIN {_table(Video)} video ON video.id = s.video_id
            JOIN {_table(CreatorProfile)} creator ON creator.id = video.owner_id
            WHERE s.created_at >= %s AND s.created_at < %s AND s.kind IN ({", ".join(["%s"] * len(kinds))})
                AND s.viewer_key <> 'u:' || CAST(creator.user_id AS TEXT) {staff_clause}
            GROUP BY s.video_id, video.owner_id, {_day_of("s.created_at")}
        ), together AS (
            SELECT video_id, creator_id, day, views, watch_seconds, completions, early_skips,
                0 AS likes, 0 AS shares, 0 AS comments, 0 AS follows, 0 AS not_interested
            FROM viewed
            UNION ALL
            SELECT video_id, creator_id, day, 0, 0.0, 0, 0, likes - unlikes, shares, comments, follows,
                not_interested
            FROM counted
        ), summed AS (
            SELECT video_id, creator_id, day, SUM(views) AS views, SUM(watch_seconds) AS watch_seconds,
                SUM(completions) AS completions, SUM(early_skips) AS early_skips, SUM(likes) AS likes,
                SUM(shares) AS shares, SUM(comments) AS comments, SUM(follows) AS follows,
                SUM(not_interested) AS not_interested
            FROM together
            GROUP BY video_id, creator_id, day
        )
        SELECT t.*, COALESCE(sourced.sources, {_empty_object_sql()}) AS sources, COALESCE(viewed.reach, {zeros}) AS reach
        FROM summed t
        LEFT JOIN viewed ON viewed.video_id = t.video_id AND viewed.day = t.day
        LEFT JOIN sourced ON sourced.video_id = t.video_id AND sourced.day = t.day
    """  # noqa: S608
    params: list[Any] = [*kinds, prep(start), prep(end), *kinds, *staff_params]
    return sql, params


@contextmanager
def _numbers_table() -> Iterator[None]:
    """The viewers' numbers met in one call, kept in a temporary table for the batches' statements to join
    (a viewer's number and user id never change: a table left over in the session stays right). Each batch
    creates it if its connection has none (behind a transaction pooler the next batch may get another
    server connection, which then numbers its viewers again); the call drops it at the end."""
    try:
        yield
    finally:
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {_NUMBERS}")


def _numbers_add(cursor: CursorWrapper) -> None:
    """Number the batch's viewers not met before in this call (``rules.viewer_number``: a hash for anonymous
    keys, which neither database computes)."""
    cursor.execute(
        f"SELECT DISTINCT viewer_key FROM {_VIEWS} v "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM {_NUMBERS} n WHERE n.viewer_key = v.viewer_key)"
    )
    rows = []
    for (key,) in cursor.fetchall():
        user_id = int(key[2:]) if key.startswith("u:") and key[2:].isdigit() else None
        rows.append((key, rules.viewer_number(key), user_id))
    if not rows:
        return
    if _is_postgresql():
        with cursor.cursor.copy(f"COPY {_NUMBERS} (viewer_key, viewer, user_id) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cursor.executemany(f"INSERT INTO {_NUMBERS} (viewer_key, viewer, user_id) VALUES (%s, %s, %s)", rows)  # noqa: S608


def _band_sql(years: str) -> str:
    """``rules.audience_band`` of an age in years (NULL: not known) as a CASE expression, its bands read off
    the rule itself."""
    cases, band = [], rules.audience_band(0)
    for age in range(1, 131):
        if rules.audience_band(age) != band:
            cases.append(f"WHEN {years} < {age} THEN '{band}'")
            band = rules.audience_band(age)
    return f"CASE WHEN {years} IS NULL THEN '{rules.audience_band(None)}' {' '.join(cases)} ELSE '{band}' END"


def _audience_sql(*, first: datetime.date) -> tuple[str, list[Any]]:
    """One AudienceDay row per creator, viewer and day of the batch's views: the viewer's number, age band on
    that day, country and region (signed-in viewers still registered; others are "unknown"), the last
    earlier day with the creator (the dashboard counts a viewer once per range at their first day in it,
    with no DISTINCT), the weekday and the hour of the day's first view."""
    if _is_postgresql():
        years = (
            "CAST(EXTRACT(YEAR FROM a.day) - EXTRACT(YEAR FROM u.date_of_birth) AS integer) - CASE WHEN "
            "to_char(a.day, 'MM-DD') >= to_char(u.date_of_birth, 'MM-DD') THEN 0 ELSE 1 END"
        )
        weekday = "CAST(EXTRACT(ISODOW FROM a.day) AS integer) - 1"
    else:
        years = (
            "CAST(substr(a.day, 1, 4) AS INTEGER) - CAST(substr(u.date_of_birth, 1, 4) AS INTEGER) - CASE WHEN "
            "substr(a.day, 6, 5) >= substr(u.date_of_birth, 6, 5) THEN 0 ELSE 1 END"
        )
        weekday = "(CAST(strftime('%%w', a.day) AS INTEGER) + 6) %% 7"
    audience = _table(AudienceDay)
    # The earlier day is one step back in the index by viewer, creator and day (the index by creator and day
    # would walk all the creator's earlier rows for each one).
    sql = f"""
        INSERT INTO {audience} (creator_id, day, viewer, age_band, country, region, prev_day, weekday, hour)
        SELECT a.creator_id, a.day, n.viewer, {_band_sql(f"CASE WHEN u.date_of_birth IS NOT NULL THEN {years} END")},
            COALESCE(u.country, ''), COALESCE(u.region, ''),
            COALESCE(
                LAG(a.day) OVER (PARTITION BY a.creator_id, n.viewer ORDER BY a.day),
                (SELECT MAX(earlier.day) FROM {audience} earlier
                 WHERE earlier.viewer = n.viewer AND earlier.creator_id = a.creator_id AND earlier.day < %s)
            ),
            {weekday}, a.hour
        FROM (
            SELECT creator_id, viewer_key, day, MIN(hour) AS hour FROM {_VIEWS} GROUP BY creator_id, viewer_key, day
        ) a
        JOIN {_NUMBERS} n ON n.viewer_key = a.viewer_key
        LEFT JOIN {_table(User)} u ON u.id = n.user_id
    """  # noqa: S608
    return sql, [connection.ops.adapt_datefield_value(first)]


def _creator_days_sql(
    *, start: datetime.datetime, end: datetime.datetime, staff: set[str]
) -> tuple[str, list[Any]]:
    """One CreatorDay row per creator and day with a view, a counted event, a profile visit (not their own,
    not staff's) or a follow change: the videos' days added up, the distinct viewers, visits and follows."""
    prep = connection.ops.adapt_datetimefield_value
    staff_clause, staff_params = _staff_clause("p.viewer_key", staff)
    sums = ("views", "watch_seconds", "completions", "early_skips", "likes", "shares", "comments",
            "not_interested")  # fmt: skip
    rest = ("viewers", "profile_views", "follows_gained", "follows_lost")
    names = (*sums, *rest)

    def part(values: dict[str, str]) -> str:
        return ", ".join(
            f"{values.get(name, '0.0' if name == 'watch_seconds' else '0')} AS {name}" for name in names
        )

    sql = f"""
        INSERT INTO {_table(CreatorDay)} (creator_id, day, {", ".join(names)})
        SELECT creator_id, day, {", ".join(f"SUM({name})" for name in names)}
        FROM (
            SELECT creator_id, day, {part({name: f"SUM({name})" for name in sums})}
            FROM {_VIDEO_DAYS} GROUP BY creator_id, day
            UNION ALL
            SELECT creator_id, day, {part({"viewers": "COUNT(DISTINCT viewer_key)"})}
            FROM {_VIEWS} GROUP BY creator_id, day
            UNION ALL
            SELECT p.creator_id, {_day_of("p.created_at")}, {part({"profile_views": "COUNT(*)"})}
            FROM {_table(ProfileVisit)} p
            JOIN {_table(CreatorProfile)} c ON c.id = p.creator_id
            WHERE p.created_at >= %s AND p.created_at < %s
                AND p.viewer_key <> 'u:' || CAST(c.user_id AS TEXT) {staff_clause}
            GROUP BY p.creator_id, {_day_of("p.created_at")}
            UNION ALL
            SELECT f.creator_id, {_day_of("f.created_at")}, {
        part(
            {
                "follows_gained": "SUM(CASE WHEN f.delta = 1 THEN 1 ELSE 0 END)",
                "follows_lost": "SUM(CASE WHEN f.delta = -1 THEN 1 ELSE 0 END)",
            }
        )
    }
            FROM {_table(FollowChange)} f
            WHERE f.created_at >= %s AND f.created_at < %s
            GROUP BY f.creator_id, {_day_of("f.created_at")}
        ) together
        GROUP BY creator_id, day
    """  # noqa: S608
    return sql, [prep(start), prep(end), *staff_params, prep(start), prep(end)]


def _reach_add(cursor: CursorWrapper) -> None:
    """Add the batch's views and reach histograms to the videos' all-time rows. Most videos reached one step
    in the batch: their histograms have that one number set (rebuilding 51 numbers costs far more than
    setting one). The few that reached several have theirs rebuilt number by number, all in one statement,
    rather than one statement per step (one popular video reaches dozens of steps in a week)."""
    reach = _table(VideoReach)
    cursor.execute(f"DROP TABLE IF EXISTS {_REACH}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_REACH} AS SELECT video_id, creator_id, step, COUNT(*) AS views, "  # noqa: S608
        "ROW_NUMBER() OVER (PARTITION BY video_id ORDER BY step) AS pass, "
        f"COUNT(*) OVER (PARTITION BY video_id) AS steps FROM {_VIEWS} GROUP BY video_id, creator_id, step"
    )
    cursor.execute(
        f"INSERT INTO {reach} (video_id, creator_id, views, reach) "  # noqa: S608
        f"SELECT video_id, creator_id, 0, {_zeros_sql()} FROM {_REACH} WHERE pass = 1 "
        "ON CONFLICT (video_id) DO NOTHING"
    )
    if _is_postgresql():
        added = (
            f"jsonb_set({reach}.reach, ARRAY[CAST(x.step AS TEXT)], "
            f"to_jsonb(CAST({reach}.reach ->> x.step AS integer) + x.views))"
        )
        # The batch's steps and their views as two arrays in the same order, looked up by position.
        rebuilt = (
            "(SELECT jsonb_agg(CAST(o.value AS integer) + COALESCE(x.counts[array_position(x.steps, "  # noqa: S608
            "CAST(o.n AS integer) - 1)], 0) ORDER BY o.n) "
            f"FROM jsonb_array_elements({reach}.reach) WITH ORDINALITY AS o(value, n))"
        )
        several = "array_agg(step) AS steps, array_agg(views) AS counts"
    else:
        added = f"json_set({reach}.reach, '$[' || x.step || ']', json_extract({reach}.reach, '$[' || x.step || ']') + x.views)"
        rebuilt = (
            f"(SELECT json_group_array(o.value + COALESCE((SELECT s.views FROM {_REACH} s "  # noqa: S608
            f"WHERE s.video_id = {reach}.video_id AND s.step = o.key), 0)) FROM json_each({reach}.reach) o)"
        )
        several = "0"
    cursor.execute(
        f"UPDATE {reach} SET views = {reach}.views + x.views, reach = {added} "  # noqa: S608
        f"FROM {_REACH} x WHERE x.steps = 1 AND {reach}.video_id = x.video_id"
    )
    if not _is_postgresql():
        # Only now: with it, SQLite walked every video's all-time row for the update above and looked each up
        # among the batch's steps, rather than the batch's videos up among all.
        cursor.execute(f"CREATE INDEX {_REACH}_step ON {_REACH} (video_id, step)")
    cursor.execute(
        f"UPDATE {reach} SET views = {reach}.views + x.views, reach = {rebuilt} "  # noqa: S608
        f"FROM (SELECT video_id, SUM(views) AS views, {several} FROM {_REACH} WHERE steps > 1 GROUP BY video_id) x "
        f"WHERE {reach}.video_id = x.video_id"
    )
    cursor.execute(f"DROP TABLE {_REACH}")


def _day_delete(*, day: datetime.date) -> None:
    """Undo an earlier run of ``day``: its rows, and its share of all-time reach."""
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


def analytics_prune_before() -> datetime.datetime | None:
    """Raw signals before this moment are rolled up into analytics (None: nothing is yet)."""
    state = RollupState.objects.filter(name=STATE_NAME).first()
    if state is None or state.last_day is None:
        return None
    return _day_start(state.last_day + datetime.timedelta(days=1)) - TAIL
