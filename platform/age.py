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

OLDEST_PLAUSIBLE_AGE = 120


class AgeBand(models.TextChoices):
    UNDER_13 = "under_13", "Under 13"
    TEEN_13_15 = "13_15", "13–15"
    TEEN_16_17 = "16_17", "16–17"
    ADULT = "adult", "18+"
    UNKNOWN = "unknown", "Unknown"


@dataclass(frozen=True, slots=True)
class AgePolicy:
    band: AgeBand
    may_sign_up: bool
    is_private_by_default: bool
    may_see_mature_content: bool
    may_see_promotions: bool
    may_buy_promotions: bool
    # Minutes of watching per day after which a reminder is shown; None means off by default.
    daily_screen_time_reminder_minutes: int | None


_POLICIES = {
    AgeBand.UNDER_13: AgePolicy(AgeBand.UNDER_13, False, True, False, False, False, 40),
    AgeBand.TEEN_13_15: AgePolicy(AgeBand.TEEN_13_15, True, True, False, False, False, 60),
    AgeBand.TEEN_16_17: AgePolicy(AgeBand.TEEN_16_17, True, False, False, False, False, 60),
    AgeBand.ADULT: AgePolicy(AgeBand.ADULT, True, False, True, True, True, None),
    AgeBand.UNKNOWN: AgePolicy(AgeBand.UNKNOWN, True, True, False, False, False, None),
}


def today() -> datetime.date:
    return timezone.localdate()


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
        return "The date of birth is in the future."
    if age_on(date_of_birth=date_of_birth, on=on) > OLDEST_PLAUSIBLE_AGE:
        return f"Please check the year: that would make you older than {OLDEST_PLAUSIBLE_AGE}."
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
