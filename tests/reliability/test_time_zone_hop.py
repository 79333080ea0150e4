"""A teen locked out for the day changes their time zone to get time back: west to a date that already
ended for them, or east to tomorrow. The day the limit counts goes on, and a minor's zone changes at
most once a day.

The zones are 26 hours apart (``Pacific/Kiritimati`` is UTC+14, ``Etc/GMT+12`` UTC-12), so at any hour
of the real clock one is on a later date than the other: the attack works whenever the test runs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from platform import age
from platform.models import ScreenTimeDay, User
from tests.factories import UserFactory, born_years_ago

pytestmark = pytest.mark.django_db

EAST, WEST = "Pacific/Kiritimati", "Etc/GMT+12"


def settings_form(time_zone: str) -> dict[str, str]:
    return {"display_name": "Tia", "country": "DE", "region": "", "is_private": "on", "time_zone": time_zone}


def locked_teen(client, *, zone: str) -> User:
    """A 15-year-old in ``zone`` who used today's 60 minutes, with 50 unused on every other day of the
    week around today (their local calendar), logged in."""
    teen = UserFactory.create(date_of_birth=born_years_ago(15), time_zone=zone, is_private=True)
    today = age.screen_time_day(user=teen)
    for offset in range(-3, 4):
        ScreenTimeDay.objects.create(
            user=teen, day=today + datetime.timedelta(days=offset), seconds=3600 if offset == 0 else 600
        )
    client.force_login(teen)
    return teen


def screen_time(api_client, teen: User) -> dict[str, object]:
    api_client.force_authenticate(teen)
    body: dict[str, object] = api_client.get(reverse("api-screen-time")).json()
    return body


@pytest.mark.parametrize(("start", "move_to"), [(EAST, WEST), (WEST, EAST)])
def test_changing_time_zone_does_not_reopen_or_skip_a_used_up_day(client, api_client, start, move_to):
    teen = locked_teen(client, zone=start)
    before = screen_time(api_client, teen)
    assert before["locked"] is True
    assert client.post(reverse("account_settings"), settings_form(move_to)).status_code == 302
    teen.refresh_from_db()
    assert teen.time_zone == move_to
    after = screen_time(api_client, teen)
    # The same day, still used up: not yesterday's unused minutes (west), not tomorrow's (east).
    assert (after["day"], after["locked"], after["minutes"]) == (before["day"], True, 60)


def test_a_minors_second_change_within_a_day_is_refused_and_nothing_is_written(client):
    teen = locked_teen(client, zone=EAST)
    assert client.post(reverse("account_settings"), settings_form(WEST)).status_code == 302
    teen.refresh_from_db()
    changed_at = teen.time_zone_changed_at
    assert (teen.time_zone, teen.time_zone_before) == (WEST, EAST)
    response = client.post(reverse("account_settings"), settings_form("UTC") | {"display_name": "Tia 2"})
    assert response.status_code == 400
    assert "once a day" in response.context["form"].errors["time_zone"][0]
    teen.refresh_from_db()
    assert (teen.time_zone, teen.time_zone_before, teen.time_zone_changed_at) == (WEST, EAST, changed_at)
    assert teen.display_name == "Tia"  # the rest of the refused form is not saved either


def test_the_next_day_comes_when_the_held_day_is_over(client):
    teen = locked_teen(client, zone=EAST)
    held = age.screen_time_day(user=teen)
    assert client.post(reverse("account_settings"), settings_form(WEST)).status_code == 302
    teen.refresh_from_db()
    # West, the held day lasts until it ends in the new zone as well; then the calendar goes on.
    ends = datetime.datetime.combine(
        held + datetime.timedelta(days=1), datetime.time(0), tzinfo=age.user_zone(teen)
    )
    assert age.screen_time_day(user=teen, at=ends - datetime.timedelta(seconds=1)) == held
    assert age.screen_time_day(user=teen, at=ends) == held + datetime.timedelta(days=1)


def test_an_adult_changes_time_zone_as_often_as_they_like(client):
    adult = UserFactory.create(time_zone=EAST)
    client.force_login(adult)
    for zone in (WEST, "UTC", EAST):
        form = {"display_name": "A", "country": "DE", "region": "", "time_zone": zone}
        assert client.post(reverse("account_settings"), form).status_code == 302
    adult.refresh_from_db()
    assert adult.time_zone == EAST
    assert adult.time_zone_changed_at is not None
    assert adult.time_zone_changed_at <= timezone.now()
