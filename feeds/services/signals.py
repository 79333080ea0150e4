"""Recording signals: the one writer of the raw signal log (so the log can move to a column store later
without touching the feed code), the viewer's screen time, and interest profiles learnt from what was stored."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import orjson
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from creators.comments.models import Comment
from creators.models import Video, VideoTopic
from creators.selectors import videos_visible
from feeds import ranking, sponsored, watching
from feeds.models import (
    InterestProfile,
    ProfileVisit,
    Signal,
    Source,
)
from feeds.pools import feed_pools
from feeds.ranking import History, VideoFacts, Weights
from platform import age
from platform.models import User
from platform.screen_time import screen_time_add
from platform.statements import STAND_IN_ID, STAND_IN_UUID, StatementCache
from platform.viewer import Viewer, viewer_for_user

Kind = Signal.Kind


@dataclass
class SignalInput:
    event_id: uuid.UUID
    video: uuid.UUID
    kind: str
    source: str
    position: int = 0
    watched_seconds: float = 0.0
    looped: int = 0
    topic: str = ""  # the topic feed's slug, when source is "topic"
    index: int = 0  # where the event stood in the client's batch: errors are reported against it


@dataclass
class RecordResult:
    accepted: int = 0
    duplicates: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


# The facts query's columns: what learning and the checks need, and the owner's birthday (the share rule).
FACT_COLUMNS = ("public_id", "pk", "rendition_duration", "duration", "owner_id", "owner__user__date_of_birth")
FactRow = tuple[uuid.UUID, int, float | None, float | None, int, datetime.date | None]


_facts_statements = StatementCache(size=512)


@functools.cache
def _stand_ins(count: int, *, user: bool) -> tuple[list[str], dict[str, Any]]:
    """The names of ``count`` videos' places in the visibility query, and their stand-ins (made once per
    size: they are the same every time; read only)."""
    video_names = [f"video{index}" for index in range(count)]
    stand_ins: dict[str, Any] = {
        name: uuid.UUID(int=STAND_IN_UUID.int + index) for index, name in enumerate(video_names)
    }
    if user:
        stand_ins["user"] = STAND_IN_ID
    return video_names, stand_ins


def _visible_rows(*, viewer: Viewer, public_ids: set[uuid.UUID]) -> list[FactRow]:
    """The rows of ``FACT_COLUMNS`` of the videos among ``public_ids`` that this viewer may see now.

    ``videos_visible``'s query, compiled once per kind of viewer, day (the age bands' dates are in it) and
    number of videos (``platform.statements``): building it through the ORM cost several times what
    running it does, and a player sends a batch every few seconds. The rule stays in ``videos_visible``."""
    ordered = list(public_ids)
    if not ordered:
        return []
    video_names, stand_ins = _stand_ins(len(ordered), user=viewer.user is not None)

    def build() -> QuerySet[Video, tuple[Any, ...]]:
        stand_in = dataclasses.replace(viewer, user=None if viewer.user is None else User(pk=STAND_IN_ID))
        return (
            videos_visible(viewer=stand_in)
            .filter(public_id__in=[stand_ins[name] for name in video_names])
            .order_by()
            .values_list(*FACT_COLUMNS)
        )

    key = (viewer.user is None, viewer.policy, viewer.is_restricted_mode, age.today(), len(ordered))
    statement = _facts_statements.statement(key, stand_ins, build)
    if statement is None:
        return list(
            videos_visible(viewer=viewer)
            .filter(public_id__in=public_ids)
            .order_by()
            .values_list(*FACT_COLUMNS)
        )
    values: dict[str, Any] = dict(zip(video_names, ordered, strict=True))
    if viewer.user is not None:
        values["user"] = viewer.user_id
    return [cast(FactRow, tuple(row)) for row in statement.run(values)]


def _video_facts(
    *, viewer: Viewer, public_ids: Iterable[uuid.UUID]
) -> tuple[dict[uuid.UUID, VideoFacts], dict[uuid.UUID, datetime.date | None]]:
    """The batch's videos that this viewer may see now, with what the profile update needs, and their
    owners' birthdays (whether a share may leave the app).

    Who may see what is asked of the database in one query (a video made private or removed a moment
    ago is refused at once); topics, hashtags and length come from the catalog where it has them."""
    facts: dict[uuid.UUID, VideoFacts] = {}
    rows = _visible_rows(viewer=viewer, public_ids=set(public_ids))
    owners_born = {row[0]: row[5] for row in rows}
    known = feed_pools().features_of(row[1] for row in rows)
    missing: list[int] = []
    for public_id, pk, rendition_duration, duration, owner_id, _ in rows:
        features = known.get(pk)
        if features is not None:
            facts[public_id] = VideoFacts(
                pk, features.duration, features.creator_id, features.topic_ids, features.hashtag_ids
            )
            continue
        facts[public_id] = VideoFacts(
            pk=pk,
            duration=float(rendition_duration or duration or 0.0),
            creator_id=owner_id,
            topic_ids=(),
            hashtag_ids=(),
        )
        missing.append(pk)
    if missing:  # followers-only or brand-new videos are not in the catalog
        topics: dict[int, list[int]] = defaultdict(list)
        for video_id, topic_id in VideoTopic.objects.filter(
            video_id__in=missing, review_state=VideoTopic.Review.APPROVED
        ).values_list("video_id", "topic_id"):
            topics[video_id].append(topic_id)
        for public_id, item in list(facts.items()):
            if item.pk in topics:
                facts[public_id] = VideoFacts(
                    item.pk, item.duration, item.creator_id, tuple(topics[item.pk]), ()
                )
    return facts, owners_born


def _validate(
    *, items: Sequence[SignalInput], facts: dict[uuid.UUID, VideoFacts], topic_ids: dict[str, int]
) -> tuple[list[tuple[int, SignalInput, VideoFacts]], list[dict[str, Any]]]:
    good: list[tuple[int, SignalInput, VideoFacts]] = []
    errors: list[dict[str, Any]] = []
    furthest: dict[tuple[uuid.UUID, int], float] = {}
    for item in items:
        index = item.index
        video = facts.get(item.video)
        if video is None:
            errors.append({"index": index, "detail": gettext("Unknown video.")})
            continue
        if item.topic and (item.source != Source.TOPIC or item.topic not in topic_ids):
            errors.append({"index": index, "detail": gettext("Unknown topic feed.")})
            continue
        if item.watched_seconds > video.duration + 0.5:
            errors.append({"index": index, "detail": gettext("Watched longer than the video is.")})
            continue
        if item.kind in (Kind.PROGRESS, Kind.COMPLETE):
            key = (item.video, item.looped)
            if item.watched_seconds + 1e-6 < furthest.get(key, 0.0):
                errors.append({"index": index, "detail": gettext("Watch progress went backwards.")})
                continue
            furthest[key] = item.watched_seconds
        good.append((index, item, video))
    return good, errors


def _shares_refuse(
    *,
    items: Sequence[SignalInput],
    facts: dict[uuid.UUID, VideoFacts],
    owners_born: dict[uuid.UUID, datetime.date | None],
) -> tuple[list[SignalInput], list[dict[str, Any]]]:
    """Take out shares of videos that must stay in the app (a 13–15-year-old's): the age rule decides.
    Only videos the viewer may see are asked about; the rest stay "Unknown video." as before."""
    share_ids = {item.video for item in items if item.kind == Kind.SHARE and item.video in facts}
    if not share_ids:
        return list(items), []
    kept_in = {
        public_id
        for public_id in share_ids
        if not age.may_be_shared_outside_app(age.age_band(date_of_birth=owners_born.get(public_id)))
    }
    refused = [item for item in items if item.kind == Kind.SHARE and item.video in kept_in]
    errors = [
        {"index": item.index, "detail": gettext("This video can't be shared outside Joyreel.")}
        for item in refused
    ]
    return [item for item in items if not (item.kind == Kind.SHARE and item.video in kept_in)], errors


def signals_record(*, viewer: Viewer, items: Sequence[SignalInput]) -> RecordResult:
    """Validate a batch, store the good events in bulk (once per event id) and learn from them.

    The API's parser (``feeds.api.serializers.signal_batch_parse``) has checked the batch's size and
    each event's fields; this checks what needs the database (the video, its length, the order)."""
    result = RecordResult()
    if not items:
        return result
    facts, owners_born = _video_facts(viewer=viewer, public_ids=[item.video for item in items])
    topic_ids = feed_pools().topic_ids()
    items, refused_shares = _shares_refuse(items=items, facts=facts, owners_born=owners_born)
    good, result.errors = _validate(items=items, facts=facts, topic_ids=topic_ids)
    result.errors += refused_shares
    if not good:
        return result
    fresh: list[tuple[SignalInput, VideoFacts]] = []
    batch_ids: set[uuid.UUID] = set()
    for _, item, video in good:
        if item.event_id in batch_ids:
            result.duplicates += 1
            continue
        batch_ids.add(item.event_id)
        fresh.append((item, video))
    now = timezone.now()
    with transaction.atomic():
        # On PostgreSQL the insert also turns off this transaction's wait for the commit's disk flush.
        inserted = _signals_insert(viewer_key=viewer.key, events=fresh, now=now, topic_ids=topic_ids)
        stored = [(item, video) for item, video in fresh if item.event_id in inserted]
        result.duplicates += len(fresh) - len(stored)  # sent before: stored once, learned from once
        if stored:
            _action_counts_add(stored)
            # A request without the visitor's key cookie gets a key of its own: learning for it would
            # write a profile row per request for a client that drops cookies (a bot), and teach nobody.
            if viewer.is_known:
                profile_learn(viewer=viewer, events=stored, now=now)
            if viewer.user is not None:
                _screen_time_count(viewer=viewer, user=viewer.user, stored=stored, now=now)
            paid = [
                video.pk
                for item, video in stored
                if item.source == Source.SPONSORED and item.kind == Kind.IMPRESSION
            ]
            if paid and viewer.policy.may_see_promotions:
                # Charged in this transaction: an event stored once is charged once.
                sponsored.provider().impressions_record(viewer=viewer, video_ids=paid, now=now)
    result.accepted = len(stored)
    return result


# How each stored signal moves the video's counts on the player's buttons (``Video.like_count`` and
# ``share_count``); ``comment_count`` is the comment services' to keep.
ACTION_COUNTS: dict[str, tuple[str, int]] = {
    Kind.LIKE: ("like_count", 1),
    Kind.UNLIKE: ("like_count", -1),
    Kind.SHARE: ("share_count", 1),
}


def _action_counts_add(stored: Sequence[tuple[SignalInput, VideoFacts]]) -> None:
    """Add the stored likes, unlikes and shares to their videos' denormalised counts in the database (no
    lost updates) and never below zero, in the caller's transaction: a signal stored once counts once.
    No query when the batch has none (most of a player's batches: impressions and progress); otherwise
    one UPDATE for all of them, each video's change in a CASE (hand-written: the ORM would need one
    statement per distinct change, and compiles each for longer than the database runs it)."""
    changes: dict[int, dict[str, int]] = defaultdict(lambda: {"like_count": 0, "share_count": 0})
    for item, video in stored:
        action = ACTION_COUNTS.get(item.kind)
        if action is not None:
            changes[video.pk][action[0]] += action[1]
    changes = {pk: change for pk, change in changes.items() if change["like_count"] or change["share_count"]}
    if not changes:
        return
    quote = connection.ops.quote_name
    table = quote(Video._meta.db_table)
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    assignments, params = [], []
    for column in ("like_count", "share_count"):
        moved = [(pk, change[column]) for pk, change in changes.items() if change[column]]
        if not moved:
            continue
        cases = " ".join(["WHEN %s THEN %s"] * len(moved))
        assignments.append(
            f"{quote(column)} = {greatest}({quote(column)} + CASE {quote('id')} {cases} ELSE 0 END, 0)"
        )
        params += [value for pk_and_delta in moved for value in pk_and_delta]
    ids = list(changes)
    sql = (
        f"UPDATE {table} SET {', '.join(assignments)} "  # noqa: S608  (our own table and column names)
        f"WHERE {quote('id')} IN ({', '.join(['%s'] * len(ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids])


SCREEN_TIME_LOOKBACK = datetime.timedelta(minutes=30)  # a view's earlier events are at most this old


def _screen_time_count(
    *, viewer: Viewer, user: User, stored: Sequence[tuple[SignalInput, VideoFacts]], now: datetime.datetime
) -> None:
    """Add what the stored events watched to the viewer's screen time: one read of the views' recent
    events (these included, so they sit in stored order) and one upsert, per batch; the read is written
    out, as the insert is, because compiling it through the ORM cost more than running it.

    Run after ``profile_learn`` has locked the viewer's profile, so a batch sent at the same moment
    finds this one's events committed and does not count them again. A view paused for longer than
    the look-back counts its next progress from the start of the loop (at most one short video)."""
    video_ids = sorted({video.pk for item, video in stored if item.kind in watching.WATCHING})
    if not video_ids:
        return
    native = connection.features.has_native_uuid_field
    new_ids = {item.event_id if native else item.event_id.hex for item, _ in stored}
    quote = connection.ops.quote_name
    created = Signal._meta.get_field("created_at").get_db_prep_value(now - SCREEN_TIME_LOOKBACK, connection)
    sql = (
        f"SELECT {quote('video_id')}, {quote('kind')}, {quote('watched_seconds')}, {quote('looped')}, "  # noqa: S608
        f"{quote('event_id')} FROM {quote(Signal._meta.db_table)} "
        f"WHERE {quote('viewer_key')} = %s AND {quote('video_id')} IN ({', '.join(['%s'] * len(video_ids))}) "
        f"AND {quote('created_at')} >= %s AND {quote('kind')} IN (%s, %s, %s, %s) ORDER BY {quote('id')}"
    )
    kinds = [Kind.IMPRESSION, Kind.PROGRESS, Kind.COMPLETE, Kind.SKIP]
    with connection.cursor() as cursor:
        cursor.execute(sql, [viewer.key, *video_ids, created, *kinds])
        rows = cursor.fetchall()
    seconds = watching.watched_seconds_added(
        (video_id, kind, watched, looped, event_id in new_ids)
        for video_id, kind, watched, looped, event_id in rows
    )
    screen_time_add(user=user, seconds=seconds, at=now)


SIGNAL_COLUMNS = (
    "viewer_key", "event_id", "video_id", "kind", "source", "position", "watched_seconds", "looped", "topic_id",
    "created_at",
)  # fmt: skip


def _signals_insert(
    *,
    viewer_key: str,
    events: Sequence[tuple[SignalInput, VideoFacts]],
    now: datetime.datetime,
    topic_ids: dict[str, int],
) -> set[uuid.UUID]:
    """Store events in one statement, skipping event ids this viewer sent before; returns those stored.

    Hand-written SQL, because the ORM's ``bulk_create`` spends more time preparing
    values than the database spends storing them, and cannot say which rows a
    conflict skipped (benchmark_feed). PostgreSQL gets arrays to ``unnest`` (ten
    parameters, whatever the batch size); SQLite a multi-row VALUES list."""
    meta = Signal._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(column) for column in SIGNAL_COLUMNS)
    created = meta.get_field("created_at").get_db_prep_value(now, connection)
    event_field = meta.get_field("event_id")
    if not events:
        return set()
    if connection.vendor == "postgresql":
        # Signals are telemetry: losing the last few hundred milliseconds of them in a crash is
        # acceptable, waiting for a disk flush on every batch is not; the database stays consistent
        # either way (asynchronous commit). Set for this transaction only (``SET LOCAL``), from the
        # insert itself: a statement of its own was one more round trip per batch.
        sql = (
            "WITH durability AS (SELECT set_config('synchronous_commit', 'off', true)) "  # noqa: S608
            f"INSERT INTO {table} ({columns}) "  # (our own table and column names)
            "SELECT %s, e, v, k, s, p, w, l, tp, %s FROM durability, unnest("
            "%s::uuid[], %s::bigint[], %s::varchar[], %s::varchar[], %s::integer[], %s::double precision[], %s::smallint[],"
            " %s::bigint[]"
            ") AS t(e, v, k, s, p, w, l, tp) ON CONFLICT DO NOTHING RETURNING event_id"
        )
        params: list[Any] = [
            viewer_key,
            created,
            [item.event_id for item, _ in events],
            [video.pk for _, video in events],
            [item.kind for item, _ in events],
            [item.source for item, _ in events],
            [item.position for item, _ in events],
            # float(): an int among floats makes psycopg refuse the whole array.
            [float(item.watched_seconds) for item, _ in events],
            [item.looped for item, _ in events],
            [topic_ids.get(item.topic) for item, _ in events],
        ]
    else:
        row = "(" + ", ".join(["%s"] * len(SIGNAL_COLUMNS)) + ")"
        values = ", ".join([row] * len(events))
        sql = f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT DO NOTHING RETURNING event_id"  # noqa: S608
        params = []
        for item, video in events:
            params += [
                viewer_key,
                event_field.get_db_prep_value(item.event_id, connection),
                video.pk,
                item.kind,
                item.source,
                item.position,
                item.watched_seconds,
                item.looped,
                topic_ids.get(item.topic),
                created,
            ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    if connection.features.has_native_uuid_field:
        return {value for (value,) in returned}
    by_hex = {item.event_id.hex: item.event_id for item, _ in events}  # SQLite answers the stored text
    return {by_hex[value] for (value,) in returned}


def days_between(since: datetime.datetime, now: datetime.datetime) -> float:
    return max(0.0, (now - since).total_seconds() / 86400.0)


def _history_of(profile: InterestProfile) -> History:
    return History(
        weights=Weights.from_json(profile.weights),
        seen=list(profile.seen),
        hidden=list(profile.hidden),
        favourites=list(profile.favourites),
        outcomes={int(key): float(value) for key, value in (profile.outcomes or {}).items()},
        not_for_me={int(key): float(value) for key, value in (profile.not_for_me or {}).items()},
    )


def _history_store(profile: InterestProfile, history: History) -> None:
    profile.weights = history.weights.to_json()
    profile.seen, profile.hidden, profile.favourites = history.seen, history.hidden, history.favourites
    profile.outcomes = {str(key): round(value, 3) for key, value in history.outcomes.items()}
    profile.not_for_me = {str(key): round(value) for key, value in history.not_for_me.items()}


# What a batch reads of the viewer's profile to learn from it, and writes back (with the event count).
PROFILE_READ = (
    "id",
    "user_id",
    "updated_at",
    "weights",
    "outcomes",
    "seen",
    "hidden",
    "favourites",
    "not_for_me",
)
PROFILE_LEARNT = ("weights", "outcomes", "seen", "hidden", "favourites", "not_for_me", "updated_at")


@dataclass
class _LearntProfile:
    """The part of a viewer's profile row that learning reads and writes, as plain values."""

    pk: int
    user_id: int | None
    updated_at: datetime.datetime
    history: History


@functools.cache
def _profile_statements(vendor: str) -> tuple[str, str, list[Any]]:
    """The locked read and the write of ``_LearntProfile``, written out once per database engine (the ORM
    took longer to build them than the database takes to run them), and the converters of the read's
    ``updated_at``."""
    meta = InterestProfile._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    columns = ", ".join(quote(column) for column in PROFILE_READ)
    read = f"SELECT {columns} FROM {table} WHERE {quote('viewer_key')} = %s{lock}"  # noqa: S608
    json_cast = "::jsonb" if vendor == "postgresql" else ""
    assignments = ", ".join(
        f"{quote(name)} = %s{'' if name == 'updated_at' else json_cast}" for name in PROFILE_LEARNT
    )
    user, count = quote("user_id"), quote("signal_count")
    write = (
        f"UPDATE {table} SET {assignments}, {user} = COALESCE({user}, %s), {count} = {count} + %s "  # noqa: S608
        f"WHERE {quote('id')} = %s"
    )
    updated = meta.get_field("updated_at")
    column = updated.get_col(meta.db_table)
    converters = [*connection.ops.get_db_converters(column), *updated.get_db_converters(connection)]
    return read, write, [(converter, column) for converter in converters]


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _profile_locked(*, viewer_key: str) -> _LearntProfile | None:
    """What learning needs of the viewer's profile row, locked until the transaction ends (PostgreSQL;
    SQLite's one writer holds the whole database); its JSON decoded by orjson: the weights are the
    largest thing a batch reads."""
    read, _, converters = _profile_statements(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(read, [viewer_key])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, user_id, updated_at, weights, outcomes, seen, hidden, favourites, not_for_me = row
    for converter, column in converters:
        updated_at = converter(updated_at, column, connection)
    outcomes, not_for_me = _json(outcomes) or {}, _json(not_for_me) or {}
    history = History(
        weights=Weights.from_json(_json(weights)),
        seen=_json(seen),
        hidden=_json(hidden),
        favourites=_json(favourites),
        outcomes=dict(zip(map(int, outcomes), map(float, outcomes.values()), strict=True)),
        not_for_me=dict(zip(map(int, not_for_me), map(float, not_for_me.values()), strict=True)),
    )
    return _LearntProfile(pk=pk, user_id=user_id, updated_at=updated_at, history=history)


def _profile_learnt_save(
    profile: _LearntProfile, *, user_id: int | None, now: datetime.datetime, events: int
) -> None:
    """Write what learning changed, the account if the profile had none, and count the events in the
    database (``signal_count + n``), in one UPDATE; the JSON encoded by orjson (as ``_history_store``
    shapes it)."""
    _, write, _ = _profile_statements(connection.vendor)
    history = profile.history
    values = (
        history.weights.to_json(),
        {str(key): round(value, 3) for key, value in history.outcomes.items()},
        history.seen,
        history.hidden,
        history.favourites,
        {str(key): round(value) for key, value in history.not_for_me.items()},
    )
    updated = InterestProfile._meta.get_field("updated_at").get_db_prep_save(now, connection)
    params = [*(orjson.dumps(value).decode() for value in values), updated, user_id, events, profile.pk]
    with connection.cursor() as cursor:
        cursor.execute(write, params)


def profile_learn(
    *, viewer: Viewer, events: Sequence[tuple[SignalInput, VideoFacts]], now: datetime.datetime
) -> None:
    """Fold events into the viewer's decayed interest weights and history (one locked row: one read
    and one write)."""
    profile = _profile_locked(viewer_key=viewer.key)
    if profile is None:
        try:
            with transaction.atomic():
                created = InterestProfile.objects.create(viewer_key=viewer.key, user_id=viewer.user_id)
            profile = _LearntProfile(
                pk=created.pk,
                user_id=created.user_id,
                updated_at=created.updated_at,
                history=History(weights=Weights(), seen=[], hidden=[], favourites=[]),
            )
        except IntegrityError:  # created by a concurrent batch of the same viewer
            profile = _profile_locked(viewer_key=viewer.key)
            assert profile is not None
    ranking.learn(
        history=profile.history,
        events=events,
        days_since_update=days_between(profile.updated_at, now),
        now_ts=now.timestamp(),
    )
    _profile_learnt_save(profile, user_id=viewer.user_id or None, now=now, events=len(events))


def profile_merge(*, anonymous_key: str, user: User) -> None:
    """Carry an anonymous viewer's profile and signals over to the account they signed up or logged in to."""
    user_key = f"u:{user.pk}"
    if not anonymous_key or anonymous_key == user_key:
        return
    with transaction.atomic():
        anonymous = InterestProfile.objects.select_for_update().filter(viewer_key=anonymous_key).first()
        if anonymous is None:
            return
        existing = InterestProfile.objects.select_for_update().filter(viewer_key=user_key).first()
        if existing is None:
            anonymous.viewer_key, anonymous.user = user_key, user
            anonymous.save(update_fields=["viewer_key", "user"])
        else:
            _history_store(existing, ranking.merge(mine=_history_of(existing), theirs=_history_of(anonymous)))
            existing.signal_count = existing.signal_count + anonymous.signal_count
            existing.save()
            anonymous.delete()
        try:
            with transaction.atomic():
                Signal.objects.filter(viewer_key=anonymous_key).update(viewer_key=user_key)
        except IntegrityError:  # the same event ids were already sent as the user: keep theirs
            pass


# A comment's signal has an event id made from the comment's: recorded twice, it is stored once.
COMMENT_EVENTS = uuid.UUID("5b0c8a52-6f3e-4c1e-9a53-0d1c6a2f7e41")


def comment_signal_record(*, comment_id: int) -> RecordResult:
    """A posted comment is an interest signal of its author on the video (kind "comment", weighted
    like a like in ``feeds.ranking``): stored in the signal log (so the analytics rollup counts it for
    the creator) and learnt from like the player's signals. Called after the comment's commit
    (``creators.hooks.on_comment_posted``); a comment whose author is gone teaches nobody."""
    comment = Comment.objects.filter(pk=comment_id).select_related("author", "video").first()
    if comment is None or comment.author is None:
        return RecordResult()
    item = SignalInput(
        event_id=uuid.uuid5(COMMENT_EVENTS, str(comment.pk)),
        video=comment.video.public_id,
        kind=Kind.COMMENT,
        source=Source.COMMENTS,
    )
    return signals_record(viewer=viewer_for_user(comment.author), items=[item])


def profile_visit_record(*, creator_id: int, viewer: Viewer) -> None:
    """Note that a viewer opened a creator's profile (raw, like signals; the daily rollup counts them)."""
    ProfileVisit.objects.create(creator_id=creator_id, viewer_key=viewer.key)
