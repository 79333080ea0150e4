"""The age policy: every band boundary, leap days and the rules each band gets."""

import datetime
import itertools

import pytest

from platform import age
from platform.age import AgeBand

D = datetime.date


@pytest.mark.parametrize(
    ("born", "on", "years"),
    [
        (D(2010, 6, 15), D(2023, 6, 14), 12),
        (D(2010, 6, 15), D(2023, 6, 15), 13),  # birthday today
        (D(2010, 6, 15), D(2023, 6, 16), 13),
        (D(2008, 2, 29), D(2021, 2, 28), 12),  # leap-day birthday, common year: not yet
        (D(2008, 2, 29), D(2021, 3, 1), 13),
        (D(2008, 2, 29), D(2024, 2, 29), 16),  # leap year: on the day itself
        (D(2000, 1, 1), D(1999, 12, 31), -1),
    ],
)
def test_age_on_counts_completed_years(born, on, years):
    assert age.age_on(date_of_birth=born, on=on) == years


@pytest.mark.parametrize(
    ("born", "on", "band"),
    [
        (D(2010, 6, 15), D(2023, 6, 14), AgeBand.UNDER_13),
        (D(2010, 6, 15), D(2023, 6, 15), AgeBand.TEEN_13_15),
        (D(2010, 6, 15), D(2026, 6, 14), AgeBand.TEEN_13_15),
        (D(2010, 6, 15), D(2026, 6, 15), AgeBand.TEEN_16_17),
        (D(2010, 6, 15), D(2028, 6, 14), AgeBand.TEEN_16_17),
        (D(2010, 6, 15), D(2028, 6, 15), AgeBand.ADULT),
        (D(2008, 2, 29), D(2026, 2, 28), AgeBand.TEEN_16_17),  # turns 18 on 1 March 2026
        (D(2008, 2, 29), D(2026, 3, 1), AgeBand.ADULT),
        (D(2012, 2, 29), D(2025, 2, 28), AgeBand.UNDER_13),
        (D(2012, 2, 29), D(2025, 3, 1), AgeBand.TEEN_13_15),
    ],
)
def test_age_band_boundaries(born, on, band):
    assert age.age_band(date_of_birth=born, on=on) == band


def test_unknown_birthday_is_its_own_band():
    assert age.age_band(date_of_birth=None) == AgeBand.UNKNOWN


@pytest.mark.parametrize(
    ("band", "sign_up", "private", "mature", "see_promotions", "buy_promotions", "limit", "restricted"),
    [
        (AgeBand.UNDER_13, False, True, False, False, False, 40, True),
        (AgeBand.TEEN_13_15, True, True, False, False, False, 60, True),
        (AgeBand.TEEN_16_17, True, False, False, False, False, 60, False),
        (AgeBand.ADULT, True, False, True, True, True, None, False),
        (AgeBand.UNKNOWN, True, True, False, False, False, None, False),
    ],
)
def test_policy_per_band(band, sign_up, private, mature, see_promotions, buy_promotions, limit, restricted):
    policy = age.policy_for_band(band)
    assert policy.band == band
    assert policy.may_sign_up is sign_up
    assert policy.is_private_by_default is private
    assert policy.may_see_mature_content is mature
    assert policy.may_see_promotions is see_promotions
    assert policy.may_buy_promotions is buy_promotions
    assert policy.daily_screen_time_limit_minutes == limit
    assert policy.is_restricted_mode_by_default is restricted


def test_anonymous_user_gets_the_strict_viewing_policy():
    from django.contrib.auth.models import AnonymousUser

    policy = age.policy_for_user(AnonymousUser())
    assert policy.band == AgeBand.UNKNOWN
    assert policy.may_see_mature_content is False
    assert policy.may_see_promotions is False


@pytest.mark.parametrize(
    ("born", "problem"),
    [
        (D(2026, 6, 2), "The date of birth is in the future."),
        (D(1905, 6, 1), "Please check the year: that would make you older than 120."),
        (D(1906, 6, 1), None),
        (D(2026, 6, 1), None),
    ],
)
def test_date_of_birth_problems(born, problem):
    assert age.date_of_birth_problem(date_of_birth=born, on=D(2026, 6, 1)) == problem


# --- the screen-time day across a change of time zone ----------------------------------------------------


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


class _Person:
    """What ``age.screen_time_day`` reads of a user, without a database."""

    def __init__(self, zone: str, *, before: str = "", changed: datetime.datetime | None = None) -> None:
        self.time_zone, self.time_zone_before, self.time_zone_changed_at = zone, before, changed
        self.date_of_birth = D(2011, 1, 1)


def test_without_a_change_the_screen_time_day_is_the_local_date():
    assert age.screen_time_day(user=_Person("Asia/Tokyo"), at=_utc(2026, 5, 10, 16)) == D(2026, 5, 11)


def test_a_move_west_keeps_the_day_until_it_ends_in_the_new_zone_too():
    # 02:00 UTC on 10 May: it is 14:00 on 9 May in Etc/GMT+12, a day that already ended in UTC.
    changed = _utc(2026, 5, 10, 2)
    person = _Person("Etc/GMT+12", before="UTC", changed=changed)
    assert age.screen_time_day(user=person, at=changed) == D(2026, 5, 10)
    assert age.screen_time_day(user=person, at=_utc(2026, 5, 11, 11, 59)) == D(2026, 5, 10)
    # 10 May ends in Etc/GMT+12 at noon UTC on the 11th: one longer day, then the calendar again.
    assert age.screen_time_day(user=person, at=_utc(2026, 5, 11, 12)) == D(2026, 5, 11)


def test_a_move_east_keeps_the_day_until_it_would_have_ended_anyway():
    # 20:00 UTC on 10 May is 10:00 on 11 May in Kiritimati: the used-up 10th must not end at once.
    changed = _utc(2026, 5, 10, 20)
    person = _Person("Pacific/Kiritimati", before="UTC", changed=changed)
    assert age.screen_time_day(user=person, at=changed) == D(2026, 5, 10)
    assert age.screen_time_day(user=person, at=_utc(2026, 5, 10, 23, 59)) == D(2026, 5, 10)
    assert age.screen_time_day(user=person, at=_utc(2026, 5, 11, 0)) == D(2026, 5, 11)
    # From the next midnight in Kiritimati (10:00 UTC) the days are Kiritimati's.
    assert age.screen_time_day(user=person, at=_utc(2026, 5, 11, 10)) == D(2026, 5, 12)


@pytest.mark.parametrize(
    ("before", "after"),
    [("UTC", "Etc/GMT+12"), ("Pacific/Kiritimati", "Etc/GMT+12"), ("Etc/GMT+12", "Pacific/Kiritimati")],
)
def test_the_screen_time_day_never_goes_back_across_a_change(before, after):
    changed = _utc(2026, 5, 10, 7, 30)
    person = _Person(after, before=before, changed=changed)
    days_before = [
        age.screen_time_day(user=_Person(before), at=changed - datetime.timedelta(minutes=m))
        for m in range(0, 48 * 60, 30)
    ]
    days_after = [
        age.screen_time_day(user=person, at=changed + datetime.timedelta(minutes=m))
        for m in range(0, 72 * 60, 30)
    ]
    days = days_before[::-1] + days_after
    assert all(later >= earlier for earlier, later in itertools.pairwise(days))
    # The day in force at the change goes on: it is neither reopened nor cut short by the change.
    assert days_after[0] == days_before[0]


def test_a_minor_changes_zone_once_a_day_and_not_while_a_held_day_is_ahead():
    changed = _utc(2026, 5, 10, 2)
    person = _Person("Etc/GMT+12", before="UTC", changed=changed)
    assert age.time_zone_next_change_at(user=person) == _utc(2026, 5, 11, 2)
    assert age.time_zone_change_problem(user=person, now=_utc(2026, 5, 11, 1, 59)) is not None
    assert age.time_zone_change_problem(user=person, now=_utc(2026, 5, 11, 2)) is None
    # Half past midnight on 10 May in Kiritimati, then 26 hours west: Etc/GMT+12's calendar reaches the
    # held 10 May only at noon UTC on the 10th, 25.5 hours later; until then a change would drop it.
    changed = _utc(2026, 5, 9, 10, 30)
    person = _Person("Etc/GMT+12", before="Pacific/Kiritimati", changed=changed)
    assert age.time_zone_next_change_at(user=person) == _utc(2026, 5, 10, 12)
    adult = _Person("Etc/GMT+12", before="UTC", changed=changed)
    adult.date_of_birth = D(1980, 1, 1)
    assert age.time_zone_change_problem(user=adult, now=changed) is None
