"""Screen time: counting the seconds a person watches on their own calendar day (what the player reports
and what the server sent), the daily limit that stops the player and every route that hands out a video,
the passcode that lifts it for a while, restricted mode, and the week's summary.

The rules of who may set what (a minor cannot raise or remove their limit; their linked parent can) are
in ``platform.age``; this module applies them and writes. Family pairing calls the same setters with the
parent as ``actor``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from platform import age, notifications
from platform.errors import Conflict, NotFound, RateLimited, ScreenTimeLocked
from platform.models import FamilyLink, ScreenTimeDay, User
from platform.services import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

UNLOCK_TRIES = 5  # wrong passcodes allowed per window; the next try is refused even when right
UNLOCK_WINDOW_SECONDS = 15 * 60
PASSCODE_LENGTHS = (4, 8)


@dataclass(frozen=True, slots=True)
class ScreenTimeStatus:
    """Today on the person's calendar: how long they watched, their limit, and whether the player stops.

    Two clocks count the day: ``seconds`` the player reported, ``served_seconds`` the video the server
    sent. The limit counts the larger (``counted_seconds``): a player that reports and downloads is
    counted once, and one that downloads without reporting still runs out of time."""

    day: datetime.date
    seconds: float
    limit_minutes: int | None  # None: no limit
    extra_minutes: int  # granted today by the passcode
    has_passcode: bool
    served_seconds: float = 0.0

    @property
    def counted_seconds(self) -> float:
        return max(self.seconds, self.served_seconds)

    @property
    def minutes(self) -> int:
        return int(self.counted_seconds // 60)

    @property
    def allowed_seconds(self) -> float | None:
        if self.limit_minutes is None:
            return None
        return (self.limit_minutes + self.extra_minutes) * 60.0

    @property
    def is_locked(self) -> bool:
        allowed = self.allowed_seconds
        return allowed is not None and self.counted_seconds >= allowed

    @property
    def remaining_seconds(self) -> float | None:
        allowed = self.allowed_seconds
        return None if allowed is None else max(0.0, allowed - self.counted_seconds)

    def as_json(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            "minutes": self.minutes,
            "seconds": round(self.counted_seconds, 1),
            "limit_minutes": self.limit_minutes,
            "extra_minutes": self.extra_minutes,
            "remaining_seconds": None if self.remaining_seconds is None else round(self.remaining_seconds, 1),
            "locked": self.is_locked,
            "has_passcode": self.has_passcode,
        }


@dataclass(frozen=True, slots=True)
class ScreenTimeDayTotal:
    day: datetime.date
    seconds: float  # the larger of the reported and the served seconds, as the limit counts them

    @property
    def minutes(self) -> int:
        return int(self.seconds // 60)


# --- counting -------------------------------------------------------------------------------------------


def _day_add(*, user: User, day: datetime.date, column: str, seconds: float) -> None:
    """Add ``seconds`` to one column (``seconds`` or ``served_seconds``) of ``user``'s ``day`` in one
    statement.

    An upsert that adds to the stored value in the database (never read, add, write), so two batches
    at once both count. Django's ``bulk_create(update_conflicts=...)`` can only overwrite a column, not
    add to it; the statement is the same on SQLite and PostgreSQL."""
    counted = {"seconds": 0.0, "served_seconds": 0.0}
    if column not in counted:
        raise ValueError(f"Not a column of counted seconds: {column}")
    counted[column] = float(seconds)
    quote = connection.ops.quote_name
    table = quote(ScreenTimeDay._meta.db_table)
    added = quote(column)
    sql = (
        f"INSERT INTO {table} ({quote('user_id')}, {quote('day')}, {quote('seconds')}, "  # noqa: S608  (our own table)
        f"{quote('served_seconds')}, {quote('extra_minutes')}) "
        f"VALUES (%s, %s, %s, %s, 0) ON CONFLICT ({quote('user_id')}, {quote('day')}) "
        f"DO UPDATE SET {added} = {table}.{added} + EXCLUDED.{added}"
    )
    date_field = ScreenTimeDay._meta.get_field("day")
    day_value = date_field.get_db_prep_value(day, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, day_value, counted["seconds"], counted["served_seconds"]])


def screen_time_add(*, user: User, seconds: float, at: datetime.datetime | None = None) -> None:
    """Add watched seconds (what the player reported) to ``user``'s day (their local day of ``at``)."""
    if seconds <= 0:
        return
    _day_add(user=user, day=age.screen_time_day(user=user, at=at), column="seconds", seconds=seconds)


# Served seconds of one file that one person's day may count: twice its duration. Browsers fetch a video
# in overlapping byte ranges (a probe of the whole file cancelled after its index, a range after each seek,
# the loop again once the buffer was dropped), and the server cannot tell a re-fetch from a new watch
# without keeping every range served. So the same bytes may count more than once, but one file never
# counts more than twice its length a day: one full watch and one full re-fetch. Watching it more often
# counts through the player's reports, which the limit takes when they are larger.
SERVED_SECONDS_CAP_FACTOR = 2.0
SERVED_RECORD_SECONDS = 2 * 24 * 60 * 60  # a local day lasts at most 26 hours; the record outlives it


def _served_key(*, user: User, day: datetime.date, file_key: str) -> str:
    return f"screen-time-served:{user.pk}:{day.isoformat()}:{file_key}"


def screen_time_add_served(
    *,
    user: User,
    file_key: str,
    seconds: float,
    duration_seconds: float,
    at: datetime.datetime | None = None,
) -> float:
    """Add ``seconds`` of video the server sent from one file (``file_key``: which video and file) to
    ``user``'s day, at most ``SERVED_SECONDS_CAP_FACTOR`` times the file's ``duration_seconds`` per file
    and day; returns the seconds added.

    The per-file tally is a small record in the cache (shared by all web processes in production; per
    process in development, where the cap is then per process). Added to atomically (``incr``), so two
    ranges served at once share the cap. A lost or unreachable cache only loosens the cap: everything
    served then counts, never less."""
    if seconds <= 0:
        return 0.0
    day = age.screen_time_day(user=user, at=at)
    cap = max(duration_seconds, 0.0) * SERVED_SECONDS_CAP_FACTOR
    key = _served_key(user=user, day=day, file_key=file_key)
    milliseconds = max(1, round(seconds * 1000))
    try:
        cache.add(key, 0, timeout=SERVED_RECORD_SECONDS)
        total = cache.incr(key, milliseconds)
    except ValueError:  # expired between the two calls: this range starts the tally
        cache.set(key, milliseconds, timeout=SERVED_RECORD_SECONDS)
        total = milliseconds
    if isinstance(total, int):
        before = (total - milliseconds) / 1000
        seconds = min(seconds, max(0.0, cap - before))
    if seconds <= 0:
        return 0.0
    _day_add(user=user, day=day, column="served_seconds", seconds=seconds)
    return seconds


def screen_time_meter(
    *, user: User | AnonymousUser | None, file_key: str, duration_seconds: float | None
) -> Callable[[int, int], None] | None:
    """What a file response calls once, with the bytes it sent and the file's size, to count them as
    seconds of video on the viewer's day; None (nothing to count, and no query) for someone without a
    limit, or a file whose duration is unknown.

    Bytes become seconds at the file's own rate (size over duration), so a cancelled download counts only
    what went out. A response that redirects to object storage sends no bytes the server can see: it
    reports the whole file, the conservative count."""
    if not isinstance(user, User) or age.screen_time_limit_minutes(user) is None or not duration_seconds:
        return None
    duration = float(duration_seconds)

    def count(sent_bytes: int, size: int) -> None:
        if size <= 0 or sent_bytes <= 0:
            return
        screen_time_add_served(
            user=user,
            file_key=file_key,
            seconds=duration * min(sent_bytes, size) / size,
            duration_seconds=duration,
        )

    return count


# --- reading --------------------------------------------------------------------------------------------


def screen_time_status(*, user: User, at: datetime.datetime | None = None) -> ScreenTimeStatus:
    """Today's status; one query, and none for someone without a limit (adults by default)."""
    day = age.screen_time_day(user=user, at=at)
    limit = age.screen_time_limit_minutes(user)
    seconds, served, extra = 0.0, 0.0, 0
    if limit is not None:
        row = (
            ScreenTimeDay.objects.filter(user=user, day=day)
            .values_list("seconds", "served_seconds", "extra_minutes")
            .first()
        )
        if row is not None:
            seconds, served, extra = float(row[0]), float(row[1]), int(row[2])
    return ScreenTimeStatus(
        day=day,
        seconds=seconds,
        served_seconds=served,
        limit_minutes=limit,
        extra_minutes=extra,
        has_passcode=bool(user.screen_time_passcode),
    )


def screen_time_is_locked(*, user: User | None) -> bool:
    """Whether the feeds stop for this viewer now (anonymous visitors are never counted or stopped)."""
    if user is None or not user.is_authenticated:
        return False
    return screen_time_status(user=user).is_locked


def screen_time_guard(*, user: User | AnonymousUser | None) -> None:
    """Raise ``ScreenTimeLocked`` when the day's limit is reached: the one check before anything hands a
    video to watch (its page, its file, its details, a list of them). The selectors that return videos to
    watch ask it, so a route built on them is covered without asking itself. No query for someone
    without a limit (adults by default, anonymous visitors)."""
    if not isinstance(user, User) or age.screen_time_limit_minutes(user) is None:
        return
    status = screen_time_status(user=user)
    if status.is_locked:
        limit = status.limit_minutes
        raise ScreenTimeLocked(
            ngettext(
                "You've reached today's limit of %(count)d minute. "
                "Enter the passcode for more time, or come back tomorrow.",
                "You've reached today's limit of %(count)d minutes. "
                "Enter the passcode for more time, or come back tomorrow.",
                limit or 0,
            )
            % {"count": limit},
            status=status,
        )


def screen_time_week(*, user: User, today: datetime.date | None = None) -> list[ScreenTimeDayTotal]:
    """The seven local days ending with ``today`` (the person's today by default), oldest first,
    days without watching included as zero; each day counts as the limit does (the larger of the
    reported and the served seconds)."""
    today = today or age.screen_time_day(user=user)
    days = [today - datetime.timedelta(days=offset) for offset in range(6, -1, -1)]
    stored = {
        day: max(float(seconds), float(served))
        for day, seconds, served in ScreenTimeDay.objects.filter(
            user=user, day__gte=days[0], day__lte=today
        ).values_list("day", "seconds", "served_seconds")
    }
    return [ScreenTimeDayTotal(day=day, seconds=stored.get(day, 0.0)) for day in days]


# --- who may change what ------------------------------------------------------------------------------

# What ``screen_time_settings_apply`` changes, with the column each is stored in.
_SETTING_COLUMNS = {
    "daily_limit_minutes": "daily_limit_minutes",
    "is_restricted_mode": "is_restricted_mode",
    "passcode": "screen_time_passcode",
    "follow_policy": "follow_policy",
    "is_private": "is_private",
}
# The parent's changes keep their audit names, which the family page reads back.
_PARENT_AUDIT = {
    "daily_limit_minutes": ("screen_time.limit", "minutes"),
    "is_restricted_mode": ("screen_time.restricted_mode", "is_on"),
    "passcode": ("screen_time.passcode", ""),
    "follow_policy": ("screen_time.follow_policy", "policy"),
    "is_private": ("screen_time.is_private", "is_on"),
}


def _is_parent(*, actor: User, user: User) -> bool:
    """``actor`` is ``user``'s linked parent. Anyone else but the person themself may change nothing."""
    if actor.pk == user.pk:
        return False
    if FamilyLink.objects.filter(parent=actor, teen=user).exists():
        return True
    raise NotFound()


def screen_time_controlling_parent(*, user: User) -> User | None:
    """``user``'s linked parent while ``user`` is 13 to 17 (at 18 the link stays but controls nothing)."""
    if not age.may_link_as_teen(user.age_band):
        return None
    link = FamilyLink.objects.select_related("parent").filter(teen=user).first()
    return link.parent if link is not None else None


def _setting_problems(
    *, user: User, changes: dict[str, object], is_parent: bool, parent: User | None
) -> dict[str, str]:
    """Every reason, by setting, why ``changes`` may not be made to ``user`` by this actor: the ranges,
    and while a teen is linked (``parent``), that they only make things stricter themself."""
    problems: dict[str, str] = {}
    if "daily_limit_minutes" in changes:
        minutes = changes["daily_limit_minutes"]
        assert minutes is None or isinstance(minutes, int)
        problem = age.screen_time_limit_problem(user=user, minutes=minutes, is_parent=is_parent)
        if problem:
            problems["daily_limit_minutes"] = problem
    if "passcode" in changes:
        shortest, longest = PASSCODE_LENGTHS
        passcode = str(changes["passcode"])
        if not (passcode.isascii() and passcode.isdigit() and shortest <= len(passcode) <= longest):
            problems["passcode"] = _("Use %(least)d to %(most)d digits.") % {
                "least": shortest,
                "most": longest,
            }
    if "follow_policy" in changes and changes["follow_policy"] not in User.FollowPolicy.values:
        problems["follow_policy"] = _("Choose who may follow.")
    if parent is None or is_parent:
        return problems
    for setting, new in changes.items():
        old = getattr(user, _SETTING_COLUMNS[setting])
        if setting == "daily_limit_minutes":
            # The limits in force: a blank is the band's default, which may be more than the parent's.
            old = age.screen_time_limit_minutes(user)
            new = new if new is not None else user.age_policy.daily_screen_time_limit_minutes
        problem = age.linked_teen_change_problem(setting=setting, old=old, new=new)
        if problem:
            problems.setdefault(setting, problem)
    return problems


def screen_time_settings_apply(*, user: User, actor: User, changes: dict[str, object]) -> list[str]:
    """Change the settings that protect ``user`` — ``daily_limit_minutes`` (None: the band's default),
    ``is_restricted_mode``, ``passcode`` (plain; stored hashed), ``follow_policy``, ``is_private`` —
    as ``actor`` (the person or their linked parent); answer the settings that changed.

    All or nothing: any refused change raises ValidationError (every reason, by setting) and writes
    nothing. While a teen is linked, only their parent loosens anything (raises the limit, turns
    restricted mode off, lets more people follow, sets the passcode); the teen may only make things
    stricter. Each change by one side of the link notifies the other."""
    is_parent = _is_parent(actor=actor, user=user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        changes = {
            setting: new
            for setting, new in changes.items()
            if setting == "passcode" or getattr(locked, _SETTING_COLUMNS[setting]) != new
        }
        if not changes:
            return []
        parent = actor if is_parent else screen_time_controlling_parent(user=locked)
        problems = _setting_problems(user=locked, changes=changes, is_parent=is_parent, parent=parent)
        if problems:
            raise ValidationError(problems)
        stored = {_SETTING_COLUMNS[setting]: new for setting, new in changes.items()}
        if "passcode" in changes:
            stored["screen_time_passcode"] = make_password(str(changes["passcode"]))
        User.objects.filter(pk=locked.pk).update(**stored)
        for column, value in stored.items():
            setattr(user, column, value)
        if is_parent:
            for setting, new in changes.items():
                action, key = _PARENT_AUDIT[setting]
                audit_record(actor=actor, action=action, target=locked, detail={key: new} if key else {})
        if parent is not None:
            notifications.family_settings_changed_notify(
                actor=actor, teen=locked, parent=parent, settings=list(changes)
            )
    return list(changes)


def screen_time_limit_set(*, user: User, minutes: int | None, actor: User) -> User:
    """Set ``user``'s daily limit (None: the band's default for a minor, no limit for an adult who sets
    none). A minor may only lower theirs; their linked parent may set any; raises ValidationError and
    writes nothing otherwise."""
    screen_time_settings_apply(user=user, actor=actor, changes={"daily_limit_minutes": minutes})
    return user


def screen_time_passcode_set(*, user: User, passcode: str, actor: User) -> User:
    """Set or change the passcode that lifts the day's limit (4 to 8 digits; stored hashed).

    Once a teen is linked to a parent, the passcode is the parent's alone to set: a teen who chose it
    would know it and lift their own limit."""
    screen_time_settings_apply(user=user, actor=actor, changes={"passcode": passcode})
    return user


def restricted_mode_set(*, user: User, is_on: bool, actor: User) -> User:
    """Turn restricted mode on or off (the person, or their linked parent; a linked teen only on)."""
    screen_time_settings_apply(user=user, actor=actor, changes={"is_restricted_mode": is_on})
    return user


def screen_time_settings_update(
    *, user: User, minutes: int | None, is_restricted_mode: bool, passcode: str, actor: User
) -> User:
    """The settings page's screen-time form: all three changes, or none (``passcode`` empty: keep it)."""
    changes: dict[str, object] = {"daily_limit_minutes": minutes, "is_restricted_mode": is_restricted_mode}
    if passcode:
        changes["passcode"] = passcode
    screen_time_settings_apply(user=user, actor=actor, changes=changes)
    return user


# --- the passcode at the limit --------------------------------------------------------------------------


_NO_PASSCODE = gettext_lazy("No passcode is set, so there is no more watching today.")


def _failures_key(user: User) -> str:
    return f"screen-time-unlock-failures:{user.pk}"


def screen_time_unlock(*, user: User, passcode: str, at: datetime.datetime | None = None) -> ScreenTimeStatus:
    """Grant ``age.SCREEN_TIME_UNLOCK_MINUTES`` more today for the right passcode.

    Wrong passcodes are counted in the cache (shared by all web processes in production): after
    ``UNLOCK_TRIES`` of them in ``UNLOCK_WINDOW_SECONDS`` every try is refused, the right one too, so a
    four-digit code cannot be guessed. Raises RateLimited, ValidationError (wrong or no passcode) or
    Conflict (today's limit is not reached), and writes nothing then."""
    key = _failures_key(user)
    if int(cache.get(key, 0)) >= UNLOCK_TRIES:
        raise RateLimited(
            _("Too many wrong passcodes. Try again in 15 minutes."), retry_after_seconds=UNLOCK_WINDOW_SECONDS
        )
    if not user.screen_time_passcode:
        raise ValidationError({"passcode": _NO_PASSCODE})
    if not check_password(passcode, user.screen_time_passcode):
        # The window starts at the first wrong try; add() then incr() keeps concurrent tries counted.
        cache.add(key, 0, timeout=UNLOCK_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, timeout=UNLOCK_WINDOW_SECONDS)
        raise ValidationError({"passcode": _("That passcode is not right.")})
    status = screen_time_status(user=user, at=at)
    if not status.is_locked:
        raise Conflict(_("Today's limit is not reached yet."))
    ScreenTimeDay.objects.filter(user=user, day=status.day).update(
        extra_minutes=F("extra_minutes") + age.SCREEN_TIME_UNLOCK_MINUTES
    )
    return screen_time_status(user=user, at=at)
