"""The age policy: every band boundary, leap days and the rules each band gets."""

import datetime

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
