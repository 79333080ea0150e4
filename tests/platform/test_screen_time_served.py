"""Screen time counted from what the server sent: served seconds per local day beside the reported ones,
the limit on the larger of the two, the cap per file and day, the meter that file responses call when
they close (whole files, ranges, cancelled downloads), and the guard that costs an adult no query."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.test import RequestFactory

from platform import age, screen_time
from platform.errors import ScreenTimeLocked
from platform.http import stored_file_response
from platform.models import ScreenTimeDay, User
from tests.factories import UserFactory, born_years_ago

pytestmark = pytest.mark.django_db


def teen(**fields) -> User:
    return UserFactory.create(date_of_birth=born_years_ago(14), **fields)


def adult(**fields) -> User:
    return UserFactory.create(date_of_birth=born_years_ago(30), **fields)


def today(user: User) -> ScreenTimeDay:
    return ScreenTimeDay.objects.get(user=user, day=age.screen_time_day(user=user))


def served(user: User) -> float:
    row = ScreenTimeDay.objects.filter(user=user, day=age.screen_time_day(user=user)).first()
    return row.served_seconds if row else 0.0


# --- the two clocks ---------------------------------------------------------------------------------------


def test_the_limit_counts_the_larger_of_reported_and_served_seconds():
    user = teen(daily_limit_minutes=10)
    day = age.screen_time_day(user=user)
    ScreenTimeDay.objects.create(user=user, day=day, seconds=120, served_seconds=600)
    status = screen_time.screen_time_status(user=user)
    assert (status.seconds, status.served_seconds, status.counted_seconds) == (120, 600, 600)
    assert status.is_locked
    assert status.as_json()["seconds"] == 600.0
    assert status.as_json()["remaining_seconds"] == 0.0
    assert status.minutes == 10

    ScreenTimeDay.objects.filter(user=user).update(seconds=300, served_seconds=60)
    status = screen_time.screen_time_status(user=user)
    assert (status.counted_seconds, status.is_locked, status.remaining_seconds) == (300, False, 300)


def test_the_week_and_the_parents_view_count_the_larger_clock():
    user = teen()
    day = age.screen_time_day(user=user)
    ScreenTimeDay.objects.create(user=user, day=day, seconds=60, served_seconds=900)
    ScreenTimeDay.objects.create(
        user=user, day=day - datetime.timedelta(days=1), seconds=300, served_seconds=30
    )
    week = screen_time.screen_time_week(user=user)
    assert [total.seconds for total in week[-2:]] == [300.0, 900.0]


def test_served_seconds_add_up_in_their_own_column_on_the_local_day():
    user = teen(time_zone="Pacific/Kiritimati")  # UTC+14
    at = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
    screen_time.screen_time_add(user=user, seconds=10, at=at)
    screen_time.screen_time_add_served(user=user, file_key="1:a", seconds=4, duration_seconds=30, at=at)
    screen_time.screen_time_add_served(user=user, file_key="2:a", seconds=5, duration_seconds=30, at=at)
    assert list(ScreenTimeDay.objects.filter(user=user).values_list("day", "seconds", "served_seconds")) == [
        (datetime.date(2026, 3, 2), 10.0, 9.0)
    ]


def test_a_file_counts_at_most_twice_its_duration_a_day():
    user = teen()
    for _ in range(5):  # a player that re-fetches the whole 30-second file five times
        screen_time.screen_time_add_served(
            user=user, file_key="7:rendition-1", seconds=30, duration_seconds=30
        )
    assert served(user) == pytest.approx(60.0)
    added = screen_time.screen_time_add_served(
        user=user, file_key="7:rendition-1", seconds=30, duration_seconds=30
    )
    assert added == 0.0
    # Another file has its own allowance.
    screen_time.screen_time_add_served(user=user, file_key="8:rendition-1", seconds=12, duration_seconds=30)
    assert served(user) == pytest.approx(72.0)


def test_a_lost_cache_only_loosens_the_cap():
    user = teen()
    screen_time.screen_time_add_served(user=user, file_key="7:r", seconds=60, duration_seconds=30)
    cache.clear()  # the per-file tally is gone: what is served then counts again, never less
    screen_time.screen_time_add_served(user=user, file_key="7:r", seconds=30, duration_seconds=30)
    assert served(user) == pytest.approx(90.0)


# --- the meter: who is counted, at no query for the others ----------------------------------------------------


def test_nobody_without_a_limit_gets_a_meter_and_asking_costs_no_query(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    grown_up = adult()
    with django_assert_num_queries(0):
        assert screen_time.screen_time_meter(user=grown_up, file_key="1:r", duration_seconds=10) is None
        assert (
            screen_time.screen_time_meter(user=AnonymousUser(), file_key="1:r", duration_seconds=10) is None
        )
        assert screen_time.screen_time_meter(user=None, file_key="1:r", duration_seconds=10) is None
        screen_time.screen_time_guard(user=grown_up)
        screen_time.screen_time_guard(user=AnonymousUser())


def test_an_adult_who_chose_a_limit_is_counted_like_a_teen():
    grown_up = adult(daily_limit_minutes=30)
    meter = screen_time.screen_time_meter(user=grown_up, file_key="1:r", duration_seconds=10)
    assert meter is not None
    meter(500, 1000)
    assert served(grown_up) == pytest.approx(5.0)


def test_the_guard_refuses_at_the_limit_and_lets_through_before_it():
    user = teen(daily_limit_minutes=1)
    screen_time.screen_time_guard(user=user)  # nothing watched yet
    screen_time.screen_time_add_served(user=user, file_key="1:r", seconds=60, duration_seconds=60)
    with pytest.raises(ScreenTimeLocked) as refused:
        screen_time.screen_time_guard(user=user)
    assert refused.value.code == "screen_time_locked"
    assert refused.value.message.startswith("You've reached today's limit of 1 minute.")
    assert refused.value.status.is_locked


# --- the file response counts the bytes it sent, when it closes -----------------------------------------------


@pytest.fixture
def stored(tmp_path) -> FileSystemStorage:
    storage = FileSystemStorage(location=tmp_path)
    (tmp_path / "clip.mp4").write_bytes(bytes(range(256)) * 1024)  # 256 KiB: four chunks of 64 KiB
    return storage


class Tally:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, sent: int, size: int) -> None:
        self.calls.append((sent, size))


def respond(storage: FileSystemStorage, tally: Tally | None, **headers: str):
    request = RequestFactory().get("/v/x/video", headers=headers)
    return stored_file_response(
        request, storage=storage, name="clip.mp4", content_type="video/mp4", on_sent=tally
    )


def test_a_whole_file_counts_every_byte_once_on_close(stored):
    tally = Tally()
    response = respond(stored, tally)
    assert response.status_code == 200
    assert response["Content-Length"] == str(256 * 1024)
    body = b"".join(response.streaming_content)
    assert len(body) == 256 * 1024
    assert tally.calls == []  # nothing until the server closes the response
    response.close()
    response.close()
    assert tally.calls == [(256 * 1024, 256 * 1024)]


def test_a_range_counts_only_its_bytes(stored):
    tally = Tally()
    response = respond(stored, tally, Range="bytes=1000-1999")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == (bytes(range(256)) * 1024)[1000:2000]
    response.close()
    assert tally.calls == [(1000, 256 * 1024)]


def test_a_cancelled_download_counts_only_what_went_out(stored):
    tally = Tally()
    response = respond(stored, tally)
    chunks = iter(response.streaming_content)
    first = next(chunks)
    response.close()  # the client went away after the first chunk
    assert tally.calls == [(len(first), 256 * 1024)]
    assert len(first) < 256 * 1024


def test_without_a_meter_the_whole_file_is_a_plain_file_response(stored):
    from django.http import FileResponse

    response = respond(stored, None)
    assert isinstance(response, FileResponse)
    response.close()
