"""The one place that answers every "may this person see or do X" question that depends on age.

Everything else asks these functions; nothing else compares birthdays. Anonymous
viewers have an unknown age and get the strictest viewing rules.
"""

import datetime
import functools
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

OLDEST_PLAUSIBLE_AGE = 120


class AgeBand(models.TextChoices):
    UNDER_13 = "under_13", gettext_lazy("Under 13")
    TEEN_13_15 = "13_15", "13–15"
    TEEN_16_17 = "16_17", "16–17"
    ADULT = "adult", "18+"
    UNKNOWN = "unknown", gettext_lazy("Unknown")


@dataclass(frozen=True, slots=True)
class AgePolicy:
    band: AgeBand
    may_sign_up: bool
    is_private_by_default: bool
    may_see_mature_content: bool
    may_see_promotions: bool
    may_buy_promotions: bool
    # Minutes of watching per day after which the player stops (until the passcode is entered);
    # None means no limit unless the person sets one.
    daily_screen_time_limit_minutes: int | None
    # Restricted mode (no mature, age-restricted or unverified videos, none under review) starts on.
    is_restricted_mode_by_default: bool


_POLICIES = {
    # Under-13s cannot sign up; their row is the strictest anyway, should one ever be let in.
    AgeBand.UNDER_13: AgePolicy(AgeBand.UNDER_13, False, True, False, False, False, 40, True),
    AgeBand.TEEN_13_15: AgePolicy(AgeBand.TEEN_13_15, True, True, False, False, False, 60, True),
    AgeBand.TEEN_16_17: AgePolicy(AgeBand.TEEN_16_17, True, False, False, False, False, 60, False),
    AgeBand.ADULT: AgePolicy(AgeBand.ADULT, True, False, True, True, True, None, False),
    AgeBand.UNKNOWN: AgePolicy(AgeBand.UNKNOWN, True, True, False, False, False, None, False),
}


def today() -> datetime.date:
    """Today in the site's time zone (``TIME_ZONE``), which every age is reckoned in. Read directly: the
    active zone's lookup (a context-local) took two thirds of each call, and a feed page asks ~40 times."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def age_on(*, date_of_birth: datetime.date, on: datetime.date) -> int:
    """Whole years completed on ``on``.

    Someone born on 29 February completes a year on 1 March in common years:
    the later of the two readings, which errs towards the stronger protections.
    """
    had_birthday = (on.month, on.day) >= (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - (0 if had_birthday else 1)


def age_band(*, date_of_birth: datetime.date | None, on: datetime.date | None = None) -> AgeBand:
    if date_of_birth is None:
        return AgeBand.UNKNOWN
    years = age_on(date_of_birth=date_of_birth, on=on or today())
    if years < 13:
        return AgeBand.UNDER_13
    if years < 16:
        return AgeBand.TEEN_13_15
    if years < 18:
        return AgeBand.TEEN_16_17
    return AgeBand.ADULT


def is_adults_only(*, is_mature_level: bool, is_age_restricted: bool) -> bool:
    """Whether a video is for adults only: the creator rated it mature, or a moderator age-restricted it.
    Both are seen only where ``AgePolicy.may_see_mature_content`` holds."""
    return is_mature_level or is_age_restricted


def policy_for_band(band: AgeBand) -> AgePolicy:
    return _POLICIES[band]


def policy_for(*, date_of_birth: datetime.date | None, on: datetime.date | None = None) -> AgePolicy:
    return _POLICIES[age_band(date_of_birth=date_of_birth, on=on)]


def policy_for_user(user: object) -> AgePolicy:
    """The policy for a request's user; anonymous users (no birthday known) get ``UNKNOWN``."""
    return policy_for(date_of_birth=getattr(user, "date_of_birth", None))


def date_of_birth_problem(*, date_of_birth: datetime.date, on: datetime.date | None = None) -> str | None:
    """Why a typed date of birth cannot be real, or None when it can."""
    on = on or today()
    if date_of_birth > on:
        return _("The date of birth is in the future.")
    if age_on(date_of_birth=date_of_birth, on=on) > OLDEST_PLAUSIBLE_AGE:
        return _("Please check the year: that would make you older than %(age)d.") % {
            "age": OLDEST_PLAUSIBLE_AGE
        }
    return None


def years_ago(*, years: int, on: datetime.date | None = None) -> datetime.date:
    """The date ``years`` before ``on``; 29 February falls back to 28 February."""
    on = on or today()
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


_BAND_YEARS: dict[AgeBand, tuple[int | None, int | None]] = {
    AgeBand.UNDER_13: (None, 13),
    AgeBand.TEEN_13_15: (13, 16),
    AgeBand.TEEN_16_17: (16, 18),
    AgeBand.ADULT: (18, None),
}


def date_of_birth_lookup(*, band: AgeBand, prefix: str = "", on: datetime.date | None = None) -> Q:
    """A query on ``<prefix>date_of_birth`` that matches exactly the people in ``band`` today."""
    field = f"{prefix}date_of_birth"
    if band == AgeBand.UNKNOWN:
        return Q(**{f"{field}__isnull": True})
    low, high = _BAND_YEARS[band]
    query = Q()
    # Age >= n  <=>  born on or before the day n years ago; the leap-day rule of
    # ``age_on`` (a 29 February birthday counts on 1 March) matches this boundary.
    if low is not None:
        query &= Q(**{f"{field}__lte": years_ago(years=low, on=on)})
    if high is not None:
        query &= Q(**{f"{field}__gt": years_ago(years=high, on=on)})
    return query


# --- who may share, and who may be whose parent -----------------------------------------------------

# Videos by these creators stay in the app: no copied link, no share elsewhere, no download.
_STAYS_IN_APP = frozenset({AgeBand.UNDER_13, AgeBand.TEEN_13_15})


def may_be_shared_outside_app(band: AgeBand) -> bool:
    """Whether a video by a creator in ``band`` may leave the app (a copied link, a share, a download).

    A creator of unknown age is a staff account made on the command line (sign-up always asks), so only
    the bands the issue protects are kept in."""
    return band not in _STAYS_IN_APP


def may_link_as_parent(band: AgeBand) -> bool:
    """Only adults create family pairing codes and control a teen's settings."""
    return band == AgeBand.ADULT


# A teen could make a second account, say it is 40 and pair with it. A parent's account must therefore
# have lived a while with an address someone confirmed, and not come from the teen's browser or network.
PARENT_ACCOUNT_MIN_AGE = datetime.timedelta(days=7)
PARENT_ORIGIN_WINDOW = datetime.timedelta(days=30)


@dataclass(frozen=True, slots=True)
class ParentRefusal:
    """Why an adult's account cannot be a parent yet, and from when it can (None: once they act)."""

    reason: str
    eligible_from: datetime.datetime | None


def parent_account_refusal(
    *,
    date_joined: datetime.datetime,
    email_confirmed_at: datetime.datetime | None,
    now: datetime.datetime,
) -> ParentRefusal | None:
    """Why an adult's account cannot link a teen yet: it must have a confirmed email address and be at
    least ``PARENT_ACCOUNT_MIN_AGE`` old. None when it can."""
    if email_confirmed_at is None:
        return ParentRefusal(
            _(
                "Confirm your email address first: open the link we sent you (you can send it again from "
                "your account settings)."
            ),
            None,
        )
    eligible_from = date_joined + PARENT_ACCOUNT_MIN_AGE
    if now < eligible_from:
        days = PARENT_ACCOUNT_MIN_AGE.days
        return ParentRefusal(
            ngettext(
                "A parent's account must be at least %(count)d day old.",
                "A parent's account must be at least %(count)d days old.",
                days,
            )
            % {"count": days},
            eligible_from,
        )
    return None


def parent_made_beside_teen(
    *,
    parent_joined: datetime.datetime,
    parent_address: str | None,
    parent_browser: str,
    teen_addresses: set[str],
    teen_browsers: set[str],
    now: datetime.datetime,
) -> bool:
    """Whether the parent's account was made in the last ``PARENT_ORIGIN_WINDOW`` from a browser or
    network address the teen used (at their own sign-up, or now): most likely the teen made it."""
    if now - parent_joined > PARENT_ORIGIN_WINDOW:
        return False
    return bool(
        (parent_browser and parent_browser in teen_browsers)
        or (parent_address and parent_address in teen_addresses)
    )


# --- while linked, the teen may only make their settings stricter -------------------------------------

# Who may follow, from the fewest people to the most (``User.FollowPolicy``'s values).
_FOLLOW_OPENNESS = {"nobody": 0, "approved": 1, "everyone": 2}

_PARENT_DECIDES = {
    "daily_limit_minutes": gettext_lazy(
        "Your linked parent sets your daily limit: you can lower it, only they can raise it. Ask them for "
        "more time."
    ),
    "is_restricted_mode": gettext_lazy(
        "Your linked parent decides about restricted mode: only they can turn it off."
    ),
    "follow_policy": gettext_lazy(
        "Your linked parent decides who may follow you: you can only make it stricter."
    ),
    "is_private": gettext_lazy(
        "Your linked parent decides who may follow you: only they can make your account public."
    ),
    "passcode": gettext_lazy("Your linked parent keeps the passcode: only they can set or change it."),
}


def linked_teen_change_problem(*, setting: str, old: Any, new: Any) -> str | None:
    """Why a linked teen may not make this change to their own settings, or None when it is stricter
    (or no change). While linked, loosening anything is the parent's to decide.

    ``daily_limit_minutes`` compares the limits in force (a blank is the band's default, None no limit);
    a passcode the teen chose would be one they know, so they never set one."""
    if setting == "daily_limit_minutes":
        is_looser = old is not None and (new is None or new > old)
    elif setting in ("is_restricted_mode", "is_private"):
        is_looser = bool(old) and not new
    elif setting == "follow_policy":
        is_looser = _FOLLOW_OPENNESS[str(new)] > _FOLLOW_OPENNESS[str(old)]
    elif setting == "passcode":
        is_looser = True
    else:
        raise ValueError(f"No rule for a teen changing {setting!r}.")
    return str(_PARENT_DECIDES[setting]) if is_looser else None


def may_link_as_teen(band: AgeBand) -> bool:
    """Only 13–17-year-olds link their account to a parent's."""
    return band in (AgeBand.TEEN_13_15, AgeBand.TEEN_16_17)


# --- comments: who may say something under whose videos ------------------------------------------------

# Who may comment, from the most people to the fewest (``creators.comments.models.CommentPolicy``'s values).
_COMMENT_OPENNESS = {"everyone": 2, "follow_backs": 1, "nobody": 0}
# Their videos take comments only from people they follow back (the default) or from no one, and they
# comment on an adult's video only when they follow that adult.
_COMMENTS_AMONG_FRIENDS = frozenset({AgeBand.UNDER_13, AgeBand.TEEN_13_15})


def comment_policy_in_force(*, band: AgeBand, account: str, video: str = "") -> str:
    """Who may comment on a video: the video's own choice, else the account's, else the age's default,
    never more open than the age allows (a 13–15 account's "everyone" is "follow_backs")."""
    chosen = video or account
    if band in _COMMENTS_AMONG_FRIENDS:
        return chosen if chosen in ("follow_backs", "nobody") else "follow_backs"
    return chosen if chosen in _COMMENT_OPENNESS else "everyone"


def comment_policies_allowed(band: AgeBand) -> tuple[str, ...]:
    """The choices an account of this age is offered for who may comment."""
    if band in _COMMENTS_AMONG_FRIENDS:
        return ("follow_backs", "nobody")
    return tuple(_COMMENT_OPENNESS)


def may_comment_on_unfollowed_adult(band: AgeBand) -> bool:
    """Whether someone this age may comment on an adult's video without following that adult."""
    return band not in _COMMENTS_AMONG_FRIENDS


# --- quiet hours: no notification leaves the app at night for under-18s ------------------------------

# Local (start, end) hours, end exclusive, wrapping past midnight.
_QUIET_HOURS: dict[AgeBand, tuple[int, int]] = {
    # No one under 13 may sign up; should such an account exist, it gets the strictest hours.
    AgeBand.UNDER_13: (21, 8),
    AgeBand.TEEN_13_15: (21, 8),
    AgeBand.TEEN_16_17: (22, 8),
}


@functools.cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA time zone name this machine knows, sorted (read once: it scans the tz database)."""
    return tuple(sorted(zoneinfo.available_timezones()))


def user_zone(user: Any) -> zoneinfo.ZoneInfo:
    """The user's time zone; UTC when unknown or not a real IANA name."""
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def quiet_hours(band: AgeBand) -> tuple[int, int] | None:
    return _QUIET_HOURS.get(band)


def quiet_hours_end(*, user: Any, at: datetime.datetime) -> datetime.datetime | None:
    """When the quiet hours that ``at`` falls in end for ``user``, or None when ``at`` is not in them.

    Hours are the user's wall-clock hours, so a night that changes the clocks (DST) is as long as the
    clocks say; the band is the one on the user's own calendar day at ``at``, not the server's."""
    local = at.astimezone(user_zone(user))
    hours = quiet_hours(age_band(date_of_birth=getattr(user, "date_of_birth", None), on=local.date()))
    if hours is None:
        return None
    start, end = hours
    if end <= local.hour < start:
        return None
    day = local.date() if local.hour < end else local.date() + datetime.timedelta(days=1)
    ends = datetime.datetime.combine(day, datetime.time(end), tzinfo=local.tzinfo)
    return ends.astimezone(datetime.UTC)


# --- screen time: a daily limit for under-18s, and restricted mode ---------------------------------------

SCREEN_TIME_UNLOCK_MINUTES = 30  # what the passcode grants, once per entry
SCREEN_TIME_LIMIT_MAX_MINUTES = 24 * 60


def screen_time_limit_minutes(user: Any) -> int | None:
    """The person's daily limit: their own (or their parent's) choice, else their band's default;
    None means no limit (adults who set none, anonymous visitors, whose watching is not counted)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    chosen = getattr(user, "daily_limit_minutes", None)
    if chosen is not None:
        return int(chosen)
    return policy_for_user(user).daily_screen_time_limit_minutes


def screen_time_limit_problem(*, user: Any, minutes: int | None, is_parent: bool) -> str | None:
    """Why ``user``'s daily limit may not become ``minutes``, or None when it may. None means the band's
    default: for a minor that is a limit too, so they cannot switch theirs off, only lower it; their
    linked parent (``is_parent``) may raise it, never past a whole day."""
    if minutes is None:
        return None
    if not 1 <= minutes <= SCREEN_TIME_LIMIT_MAX_MINUTES:
        return _("Choose between 1 and %(most)d minutes.") % {"most": SCREEN_TIME_LIMIT_MAX_MINUTES}
    default = policy_for_user(user).daily_screen_time_limit_minutes
    if default is not None and not is_parent and minutes > default:
        return _(
            "Under 18, the daily limit can be at most %(most)d minutes. A linked parent can raise it."
        ) % {"most": default}
    return None


def _zone_named(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _day_starts(day: datetime.date, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """The instant ``day`` begins in ``zone`` (a midnight a clock change skips: the first instant after)."""
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=zone).astimezone(datetime.UTC)


def screen_time_day(*, user: Any, at: datetime.datetime | None = None) -> datetime.date:
    """The day of the person's own calendar that the daily limit counts at ``at``.

    Normally the date in their time zone. But changing the zone moves the calendar, and the limit must
    not move with it:

    - West (UTC to ``Etc/GMT+12``) the clock goes back, often to a date that already ended where they
      were, whose unused minutes would open again.
    - East (UTC to ``Pacific/Kiritimati``) the clock goes forward, often to tomorrow: a day whose limit
      is used up would end at once, and a fresh one start.

    So the day in force when the zone changed (``held``: the date then in ``time_zone_before``) stays in
    force until it ends in that zone, exactly as if nothing had changed; from then on the days follow
    the new zone, but never go back to ``held`` or before: ``max(date in the new zone, held)``. West,
    the held day lasts until it ends in the new zone too: one longer day, never a second one. East, the
    next day starts when the held day would have ended anyway and the one after at the new zone's
    midnight: one shorter day, as for anyone who flies east, and never a skipped one. A minor changes
    zone at most once a day and not while a held day is still ahead (``time_zone_next_change_at``), so
    there is only ever one held day, and the day counted never goes back."""
    at = at or timezone.now()
    today = at.astimezone(user_zone(user)).date()
    changed: datetime.datetime | None = getattr(user, "time_zone_changed_at", None)
    before = _zone_named(getattr(user, "time_zone_before", "") or "")
    if changed is None or before is None:
        return today
    if at < changed:
        return at.astimezone(before).date()
    held = changed.astimezone(before).date()
    if at < _day_starts(held + datetime.timedelta(days=1), before):
        return held
    return max(today, held)


TIME_ZONE_CHANGE_INTERVAL = datetime.timedelta(days=1)


def time_zone_next_change_at(*, user: Any) -> datetime.datetime | None:
    """From when a minor may change time zone again (None: now, or never having changed it): a day after
    the last change, and not before the day held by that change is over and caught up by the new zone's
    calendar (so ``screen_time_day`` is the plain date again)."""
    changed: datetime.datetime | None = getattr(user, "time_zone_changed_at", None)
    if changed is None or not is_minor(user):
        return None
    times = [changed + TIME_ZONE_CHANGE_INTERVAL]
    before = _zone_named(getattr(user, "time_zone_before", "") or "")
    if before is not None:
        held = changed.astimezone(before).date()
        times += [_day_starts(held + datetime.timedelta(days=1), before), _day_starts(held, user_zone(user))]
    return max(times)


def is_minor(user: Any) -> bool:
    """Whether ``user`` is under 18 (an adult's, or an account of unknown age's, time zone is theirs to
    change as often as they like)."""
    return policy_for_user(user).band in (AgeBand.UNDER_13, AgeBand.TEEN_13_15, AgeBand.TEEN_16_17)


def time_zone_change_problem(*, user: Any, now: datetime.datetime | None = None) -> str | None:
    """Why ``user`` may not change their time zone now, or None when they may."""
    next_at = time_zone_next_change_at(user=user)
    if next_at is None or (now or timezone.now()) >= next_at:
        return None
    local = next_at.astimezone(user_zone(user))
    return _(
        "Under 18, your time zone can change once a day, so that your screen-time day stays one day. "
        "You can change it again from %(when)s (%(zone)s)."
    ) % {"when": date_format(local, "DATETIME_FORMAT"), "zone": user_zone(user).key}


# Restricted mode hides these; the values are ``creators.models.Video``'s choices (this lower layer
# cannot import them; a test holds the two together).
_MATURE = "mature"
_UNDER_REVIEW = "review"


def restricted_mode_hidden_q(prefix: str = "") -> Q:
    """Videos a viewer in restricted mode never gets: mature, age-restricted, unverified, under review."""
    return (
        Q(**{f"{prefix}content_level": _MATURE})
        | Q(**{f"{prefix}is_age_restricted": True})
        | Q(**{f"{prefix}is_unverified": True})
        | Q(**{f"{prefix}moderation_state": _UNDER_REVIEW})
    )


def restricted_mode_hides(video: Any) -> bool:
    """``restricted_mode_hidden_q`` for one loaded video."""
    return bool(
        video.content_level == _MATURE
        or video.is_age_restricted
        or video.is_unverified
        or video.moderation_state == _UNDER_REVIEW
    )
