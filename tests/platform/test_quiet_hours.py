"""Quiet hours, per age band: no notification leaves the app (email) between 21:00 and 08:00 local time
for 13–15 and 22:00–08:00 for 16–17; adults any time. The in-app badge counts at once in every case.
Time zones far from UTC, clock changes (DST) and the exact edges included."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone

from platform import age, notifications
from platform.models import Notification
from platform.tasks import notifications_email_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


class Clock:
    """The site's ``timezone.now``, set to a wall-clock time in some zone."""

    def __init__(self) -> None:
        self.now = datetime.datetime(2026, 6, 10, 12, 0, tzinfo=datetime.UTC)

    def set(self, local: str, zone: zoneinfo.ZoneInfo = BERLIN) -> datetime.datetime:
        self.now = datetime.datetime.fromisoformat(local).replace(tzinfo=zone).astimezone(datetime.UTC)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def person(years: int, *, zone: str = "Europe/Berlin", on: datetime.date = datetime.date(2026, 6, 10)):
    """An opted-in person of ``years`` (their birthday half a year away, so the band is clear)."""
    born = on.replace(year=on.year - years) - datetime.timedelta(days=180)
    return UserFactory.create(date_of_birth=born, time_zone=zone, wants_email_notifications=True)


def notify(user):
    return notifications.notify(user=user, kind=Notification.Kind.ACCOUNT, title="Something happened")


def emails_at(clock, local: str, zone: zoneinfo.ZoneInfo = BERLIN) -> int:
    """Run the email job at a local time; answer how many emails it sent."""
    clock.set(local, zone)
    before = len(mail.outbox)
    notifications_email_task()
    return len(mail.outbox) - before


# --- 13–15: 21:00 to 08:00 -----------------------------------------------------------------------------


def test_a_14_year_old_notified_at_21_30_in_berlin_is_emailed_at_08_00_not_before(clock):
    teen = person(14)
    assert teen.age_band == age.AgeBand.TEEN_13_15
    clock.set("2026-06-10T21:30")
    notification = notify(teen)
    assert notifications.unread_count(user=teen) == 1  # the badge counts it at once
    assert notification.deliver_after == datetime.datetime(2026, 6, 11, 8, 0, tzinfo=BERLIN)
    assert emails_at(clock, "2026-06-10T21:31") == 0
    assert emails_at(clock, "2026-06-11T07:59") == 0
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert emails_at(clock, "2026-06-11T08:00") == 1
    notification.refresh_from_db()
    assert notification.emailed_at == clock.now


def test_for_13_to_15_quiet_hours_start_at_21_00_sharp(clock):
    teen = person(13)
    at_20_59 = clock.set("2026-06-10T20:59")
    assert notify(teen).deliver_after == at_20_59
    clock.set("2026-06-10T21:00")
    assert notify(teen).deliver_after == datetime.datetime(2026, 6, 11, 8, 0, tzinfo=BERLIN)


def test_for_13_to_15_quiet_hours_end_at_08_00_sharp(clock):
    teen = person(15)
    clock.set("2026-06-11T07:59:59")
    assert notify(teen).deliver_after == datetime.datetime(2026, 6, 11, 8, 0, tzinfo=BERLIN)
    at_8 = clock.set("2026-06-11T08:00")
    assert notify(teen).deliver_after == at_8


def test_after_midnight_the_quiet_hours_end_the_same_morning(clock):
    teen = person(14)
    clock.set("2026-06-11T00:30")
    assert notify(teen).deliver_after == datetime.datetime(2026, 6, 11, 8, 0, tzinfo=BERLIN)


# --- 16–17: 22:00 to 08:00 -----------------------------------------------------------------------------


def test_a_16_year_old_is_emailed_at_21_30_but_not_from_22_00(clock):
    teen = person(16)
    assert teen.age_band == age.AgeBand.TEEN_16_17
    clock.set("2026-06-10T21:30")
    notify(teen)
    assert notifications.unread_count(user=teen) == 1
    assert emails_at(clock, "2026-06-10T21:31") == 1
    clock.set("2026-06-10T22:00")
    late = notify(teen)
    assert notifications.unread_count(user=teen) == 2
    assert late.deliver_after == datetime.datetime(2026, 6, 11, 8, 0, tzinfo=BERLIN)
    assert emails_at(clock, "2026-06-10T22:01") == 0
    assert emails_at(clock, "2026-06-11T07:59") == 0
    assert emails_at(clock, "2026-06-11T08:00") == 1


def test_for_16_to_17_quiet_hours_edges(clock):
    teen = person(17)
    at_21_59 = clock.set("2026-06-10T21:59:59")
    assert notify(teen).deliver_after == at_21_59
    clock.set("2026-06-10T22:00")
    assert notify(teen).deliver_after == datetime.datetime(2026, 6, 11, 8, 0, tzinfo=BERLIN)
    at_8 = clock.set("2026-06-11T08:00")
    assert notify(teen).deliver_after == at_8


# --- adults, and people whose age is unknown ------------------------------------------------------------


@pytest.mark.parametrize("local", ["2026-06-10T21:30", "2026-06-11T03:00", "2026-06-11T07:59"])
def test_adults_are_emailed_any_time(clock, local):
    adult = person(30)
    clock.set(local)
    assert notify(adult).deliver_after == clock.now
    assert notifications.unread_count(user=adult) == 1
    assert emails_at(clock, local) == 1


def test_no_quiet_hours_without_a_known_age():
    assert age.quiet_hours(age.AgeBand.ADULT) is None
    assert age.quiet_hours(age.AgeBand.UNKNOWN) is None
    assert age.quiet_hours(age.AgeBand.UNDER_13) == (21, 8)


# --- the clock, not the server, decides ----------------------------------------------------------------


def test_a_run_that_comes_late_does_not_email_into_the_quiet_hours(clock):
    teen = person(14)
    clock.set("2026-06-10T20:30")
    notify(teen)  # deliverable at once, but the worker was down until after 21:00
    assert emails_at(clock, "2026-06-10T21:15") == 0
    assert emails_at(clock, "2026-06-11T08:00") == 1


def test_quiet_hours_follow_the_persons_zone_far_from_utc(clock):
    kiritimati = zoneinfo.ZoneInfo("Pacific/Kiritimati")  # UTC+14: its evening is the UTC morning
    teen = person(14, zone="Pacific/Kiritimati")
    clock.set("2026-06-10T23:00", kiritimati)
    assert clock.now == datetime.datetime(2026, 6, 10, 9, 0, tzinfo=datetime.UTC)
    notification = notify(teen)
    assert notification.deliver_after == datetime.datetime(2026, 6, 11, 8, 0, tzinfo=kiritimati)
    assert emails_at(clock, "2026-06-11T07:59", kiritimati) == 0
    assert emails_at(clock, "2026-06-11T08:00", kiritimati) == 1


def test_quiet_hours_west_of_utc_end_on_the_local_morning(clock):
    pago_pago = zoneinfo.ZoneInfo("Pacific/Pago_Pago")  # UTC-11: 21:30 there is the next UTC day
    teen = person(14, zone="Pacific/Pago_Pago")
    clock.set("2026-06-10T21:30", pago_pago)
    assert clock.now.date() == datetime.date(2026, 6, 11)
    assert notify(teen).deliver_after == datetime.datetime(2026, 6, 11, 8, 0, tzinfo=pago_pago)


def test_the_night_the_clocks_go_back_ends_at_08_00_winter_time(clock):
    teen = person(14)
    # Berlin leaves summer time at 03:00 on 25 October 2026: the night is an hour longer.
    clock.set("2026-10-24T21:30")
    notification = notify(teen)
    assert notification.deliver_after == datetime.datetime(2026, 10, 25, 7, 0, tzinfo=datetime.UTC)
    assert emails_at(clock, "2026-10-25T07:59") == 0
    assert emails_at(clock, "2026-10-25T08:00") == 1


def test_the_night_the_clocks_go_forward_ends_at_08_00_summer_time(clock):
    teen = person(14)
    # Berlin starts summer time at 02:00 on 29 March 2026.
    clock.set("2026-03-28T23:00")
    notification = notify(teen)
    assert notification.deliver_after == datetime.datetime(2026, 3, 29, 6, 0, tzinfo=datetime.UTC)
    assert emails_at(clock, "2026-03-29T07:59") == 0
    assert emails_at(clock, "2026-03-29T08:00") == 1


def test_an_unknown_time_zone_counts_as_utc(clock):
    teen = person(14, zone="Not/AZone")
    clock.set("2026-06-10T21:30", zoneinfo.ZoneInfo("UTC"))
    assert notify(teen).deliver_after == datetime.datetime(2026, 6, 11, 8, 0, tzinfo=datetime.UTC)


def test_the_band_is_the_one_on_the_persons_own_day(clock):
    # 16 on 11 June. At 21:30 on 10 June in Pago Pago (UTC-11) it is already 11 June on the server (UTC),
    # but the person is still 15 on their own calendar: the 13–15 hours (from 21:00) apply.
    pago_pago = zoneinfo.ZoneInfo("Pacific/Pago_Pago")
    teen = UserFactory.create(date_of_birth=datetime.date(2010, 6, 11), time_zone="Pacific/Pago_Pago")
    at = clock.set("2026-06-10T21:30", pago_pago)
    assert timezone.localdate() == datetime.date(2026, 6, 11)
    assert age.quiet_hours_end(user=teen, at=at) == datetime.datetime(2026, 6, 11, 8, 0, tzinfo=pago_pago)
    # A day later, 16 on their own calendar too: 21:30 is no longer quiet.
    at = clock.set("2026-06-11T21:30", pago_pago)
    assert age.quiet_hours_end(user=teen, at=at) is None
