"""Screen time: counting watched seconds per local day, the daily limit on every feed, the passcode at the
limit (and its rate limit), the settings rules per age band, the week's summary, and restricted mode."""

import datetime
import uuid
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from creators import services as creator_services
from creators.models import Video
from feeds import services as feed_services
from feeds import watching
from platform import age, screen_time
from platform.errors import NotFound
from platform.models import AuditEntry, FamilyLink, ScreenTimeDay, User
from platform.services import user_sign_up
from platform.viewer import viewer_for_user
from tests.factories import TEST_PASSWORD, CreatorFactory, UserFactory, born_years_ago, published_video

pytestmark = pytest.mark.django_db

BANDS = {"13_15": 14, "16_17": 16, "adult": 30}


def person(band: str, **fields) -> User:
    return UserFactory.create(date_of_birth=born_years_ago(BANDS[band]), **fields)


def signal(video: Video, kind: str, watched: float = 0.0, looped: int = 0) -> feed_services.SignalInput:
    return feed_services.SignalInput(
        event_id=uuid.uuid4(),
        video=video.public_id,
        kind=kind,
        source="for_you",
        watched_seconds=watched,
        looped=looped,
    )


def record(user: User | None, events: list[feed_services.SignalInput]) -> feed_services.RecordResult:
    viewer = viewer_for_user(user, key=None if user else "a:anonymous-test")
    return feed_services.signals_record(viewer=viewer, items=events)


def seconds_today(user: User) -> float:
    row = ScreenTimeDay.objects.filter(user=user, day=age.screen_time_day(user=user)).first()
    return row.seconds if row else 0.0


def use_up(user: User, *, minutes: float, extra: int = 0) -> None:
    ScreenTimeDay.objects.create(
        user=user, day=age.screen_time_day(user=user), seconds=minutes * 60, extra_minutes=extra
    )


# --- the limit per band ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("band", "limit"), [("13_15", 60), ("16_17", 60), ("adult", None)])
def test_each_band_has_its_default_limit(band, limit):
    assert age.screen_time_limit_minutes(person(band)) == limit


def test_anonymous_visitors_have_no_limit_and_are_never_locked():
    from django.contrib.auth.models import AnonymousUser

    assert age.screen_time_limit_minutes(AnonymousUser()) is None
    assert screen_time.screen_time_is_locked(user=None) is False


@pytest.mark.parametrize("band", ["13_15", "16_17", "adult"])
def test_a_chosen_limit_replaces_the_default(band):
    assert age.screen_time_limit_minutes(person(band, daily_limit_minutes=25)) == 25


# --- counting ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("band", ["13_15", "16_17", "adult"])
def test_progress_events_count_what_was_watched_not_their_sum(band):
    user = person(band)
    video = published_video(duration=12.0)
    record(user, [signal(video, "impression"), signal(video, "progress", 3), signal(video, "progress", 6)])
    assert seconds_today(user) == pytest.approx(6.0)
    # The next batch goes on from where the view was, read back from the stored signals.
    record(user, [signal(video, "progress", 9), signal(video, "complete", 12)])
    assert seconds_today(user) == pytest.approx(12.0)
    # A second loop adds its own furthest point.
    record(user, [signal(video, "progress", 4, looped=1)])
    assert seconds_today(user) == pytest.approx(16.0)


def test_watching_a_video_again_counts_again():
    user = person("13_15")
    video = published_video(duration=12.0)
    record(user, [signal(video, "impression"), signal(video, "progress", 5)])
    record(user, [signal(video, "impression"), signal(video, "progress", 3), signal(video, "skip", 4)])
    assert seconds_today(user) == pytest.approx(9.0)


def test_a_resent_batch_is_counted_once():
    user = person("16_17")
    video = published_video(duration=12.0)
    events = [signal(video, "impression"), signal(video, "progress", 6)]
    record(user, events)
    result = record(user, events)
    assert result.duplicates == 2
    assert seconds_today(user) == pytest.approx(6.0)


def test_a_batch_without_watching_writes_no_screen_time():
    user = person("13_15")
    video = published_video(duration=12.0)
    record(user, [signal(video, "impression"), signal(video, "like")])
    assert not ScreenTimeDay.objects.filter(user=user).exists()


def test_anonymous_watching_is_not_counted():
    video = published_video(duration=12.0)
    result = record(None, [signal(video, "impression"), signal(video, "progress", 6)])
    assert result.accepted == 2
    assert not ScreenTimeDay.objects.exists()


def test_seconds_go_to_the_viewers_local_day():
    user = person("13_15", time_zone="Pacific/Kiritimati")  # UTC+14
    at = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
    screen_time.screen_time_add(user=user, seconds=30, at=at)
    screen_time.screen_time_add(user=user, seconds=15, at=at)
    assert list(ScreenTimeDay.objects.filter(user=user).values_list("day", "seconds")) == [
        (datetime.date(2026, 3, 2), 45.0)
    ]


def test_the_view_reading_ignores_old_loops_and_other_kinds():
    # (video, kind, watched, looped, is_new): an old view of video 1, then new events.
    events = [
        (1, "impression", 0.0, 0, False),
        (1, "progress", 5.0, 0, False),
        (1, "like", 0.0, 0, True),
        (1, "progress", 4.0, 0, True),  # behind the view: adds nothing
        (1, "progress", 8.0, 0, True),
        (2, "progress", 2.0, 0, True),  # its impression is older than what was read
    ]
    assert watching.watched_seconds_added(events) == pytest.approx(3.0 + 2.0)


# --- the lock on every feed ----------------------------------------------------------------------------------

FEED_APIS = [
    ("api-feed-for-you", {}),
    ("api-feed-following", {}),
    ("api-feed-topic", {"slug": "stem"}),
    ("api-feed-local", {}),
]


def feed_content(user: User) -> list[Video]:
    """Three videos, by three creators ``user`` follows, in STEM and in DE-BY: in every feed."""
    videos = []
    for _ in range(3):
        creator = CreatorFactory.create(user=UserFactory.create(region="DE-BY"))
        creator_services.follow_create(follower=user, creator=creator)
        videos.append(published_video(owner=creator, topics=("stem",)))
    return videos


@pytest.mark.parametrize(("name", "kwargs"), FEED_APIS)
@pytest.mark.parametrize("band", ["13_15", "16_17"])
def test_every_feed_api_stops_at_a_minors_limit(api_client, name, kwargs, band):
    user = person(band, region="DE-BY", is_private=False)
    videos = feed_content(user)
    api_client.force_authenticate(user)
    url = reverse(name, kwargs=kwargs)
    before = api_client.get(url).json()
    assert {item["video"]["id"] for item in before["results"]} <= {str(video.public_id) for video in videos}
    assert before["results"]
    assert before["screen_time"]["locked"] is False
    use_up(user, minutes=60)
    after = api_client.get(url).json()
    assert after["results"] == []
    assert after["next"] is None
    assert after["screen_time"]["locked"] is True
    assert after["screen_time"]["limit_minutes"] == 60


@pytest.mark.parametrize(("name", "kwargs"), FEED_APIS)
def test_an_adult_without_a_limit_is_never_stopped(api_client, name, kwargs):
    user = person("adult", region="DE-BY")
    feed_content(user)
    use_up(user, minutes=600)
    api_client.force_authenticate(user)
    body = api_client.get(reverse(name, kwargs=kwargs)).json()
    assert body["results"]
    assert body["screen_time"] is None


def test_an_adult_who_set_a_limit_is_stopped_by_it(api_client):
    user = person("adult", daily_limit_minutes=20)
    feed_content(user)
    use_up(user, minutes=20)
    api_client.force_authenticate(user)
    assert api_client.get(reverse("api-feed-for-you")).json()["results"] == []


def test_anonymous_feeds_carry_no_screen_time(api_client):
    published_video(topics=("stem",))
    body = api_client.get(reverse("api-feed-for-you")).json()
    assert len(body["results"]) == 1
    assert body["screen_time"] is None


@pytest.mark.parametrize("url", ["/", "/feed/following/", "/feed/topics/stem/"])
def test_the_feed_pages_show_the_limit_instead_of_videos(client, url):
    user = person("13_15", screen_time_passcode="")
    feed_content(user)
    use_up(user, minutes=60)
    client.force_login(user)
    response = client.get(url)
    html = response.content.decode()
    assert response.context["items"] == []
    assert 'data-testid="screen-limit" aria-labelledby="feed-limit-title" open>' in html
    assert "You've reached today's limit of 60 minutes" in html
    assert "No passcode is set, so there is no more watching today." in html
    assert "set one" not in html  # a teen is never told to make up their own passcode
    assert "{#" not in html  # no template comment leaks onto the page
    assert "{% comment" not in html


def test_status_api_reports_minutes_limit_and_lock(api_client):
    user = person("16_17")
    use_up(user, minutes=45.5)
    api_client.force_authenticate(user)
    body = api_client.get(reverse("api-screen-time")).json()
    assert (body["minutes"], body["limit_minutes"], body["locked"], body["remaining_seconds"]) == (
        45,
        60,
        False,
        870.0,
    )
    api_client.logout()
    assert api_client.get(reverse("api-screen-time")).status_code in (401, 403)


# --- the passcode at the limit -----------------------------------------------------------------------------


def with_passcode(band: str, code: str = "2468") -> User:
    user = person(band)
    screen_time.screen_time_passcode_set(user=user, passcode=code, actor=user)
    return user


def test_the_right_passcode_gives_thirty_more_minutes_and_the_feed_resumes(api_client):
    user = with_passcode("13_15")
    feed_content(user)
    use_up(user, minutes=60)
    api_client.force_authenticate(user)
    response = api_client.post(reverse("api-screen-time-unlock"), {"passcode": "2468"}, format="json")
    assert response.status_code == 200
    assert (response.json()["locked"], response.json()["extra_minutes"]) == (False, 30)
    assert ScreenTimeDay.objects.get(user=user).extra_minutes == 30
    assert api_client.get(reverse("api-feed-for-you")).json()["results"]


def test_a_wrong_passcode_is_refused_and_writes_nothing(api_client):
    user = with_passcode("16_17")
    use_up(user, minutes=60)
    api_client.force_authenticate(user)
    response = api_client.post(reverse("api-screen-time-unlock"), {"passcode": "1111"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "passcode": ["That passcode is not right."],
        "codes": {"passcode": ["invalid"]},
    }
    assert ScreenTimeDay.objects.get(user=user).extra_minutes == 0


def test_the_sixth_try_is_refused_even_when_right(api_client):
    user = with_passcode("13_15")
    use_up(user, minutes=60)
    api_client.force_authenticate(user)
    url = reverse("api-screen-time-unlock")
    for _ in range(5):
        assert api_client.post(url, {"passcode": "0000"}, format="json").status_code == 400
    response = api_client.post(url, {"passcode": "2468"}, format="json")
    assert response.status_code == 429
    assert "Too many wrong passcodes" in response.json()["detail"]
    assert ScreenTimeDay.objects.get(user=user).extra_minutes == 0


def test_four_wrong_tries_still_let_the_right_one_in(api_client):
    user = with_passcode("13_15")
    use_up(user, minutes=60)
    api_client.force_authenticate(user)
    url = reverse("api-screen-time-unlock")
    for _ in range(4):
        api_client.post(url, {"passcode": "0000"}, format="json")
    assert api_client.post(url, {"passcode": "2468"}, format="json").status_code == 200


def test_without_a_passcode_there_is_nothing_to_unlock(api_client):
    user = person("13_15")
    use_up(user, minutes=60)
    api_client.force_authenticate(user)
    response = api_client.post(reverse("api-screen-time-unlock"), {"passcode": "2468"}, format="json")
    assert response.status_code == 400
    assert response.json()["passcode"] == ["No passcode is set, so there is no more watching today."]
    assert ScreenTimeDay.objects.get(user=user).extra_minutes == 0


def test_unlocking_before_the_limit_is_a_conflict_and_writes_nothing(api_client):
    user = with_passcode("16_17")
    use_up(user, minutes=10)
    api_client.force_authenticate(user)
    response = api_client.post(reverse("api-screen-time-unlock"), {"passcode": "2468"}, format="json")
    assert response.status_code == 409
    assert ScreenTimeDay.objects.get(user=user).extra_minutes == 0


def test_unlocking_without_javascript_goes_back_to_the_feed(client):
    user = with_passcode("13_15")
    use_up(user, minutes=60)
    client.force_login(user)
    response = client.post(reverse("screen_time_unlock"), {"passcode": "2468", "next": "/feed/topics/stem/"})
    assert (response.status_code, response.url) == (302, "/feed/topics/stem/")
    assert ScreenTimeDay.objects.get(user=user).extra_minutes == 30
    response = client.post(
        reverse("screen_time_unlock"), {"passcode": "2468", "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


# --- settings: who may set what ------------------------------------------------------------------------------


def settings_post(client, **fields):
    data = {"daily_limit_minutes": "", "passcode": "", "passcode2": "", **fields}
    return client.post(reverse("account_screen_time"), data)


@pytest.mark.parametrize("band", ["13_15", "16_17"])
@pytest.mark.parametrize("minutes", ["61", "600", "0"])
def test_a_minor_cannot_raise_or_remove_their_limit(client, band, minutes):
    user = person(band, daily_limit_minutes=45)
    client.force_login(user)
    response = settings_post(client, daily_limit_minutes=minutes, is_restricted_mode="on")
    assert response.status_code == 400
    assert response.context["screen_time_form"].errors["daily_limit_minutes"]
    user.refresh_from_db()
    assert (user.daily_limit_minutes, user.is_restricted_mode) == (45, False)


@pytest.mark.parametrize("band", ["13_15", "16_17"])
def test_a_minor_may_lower_their_limit_and_set_a_passcode(client, band):
    user = person(band)
    client.force_login(user)
    response = settings_post(client, daily_limit_minutes="30", passcode="1357", passcode2="1357")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.daily_limit_minutes == 30
    assert user.screen_time_passcode != "1357"
    assert check_password("1357", user.screen_time_passcode)


def test_an_adult_may_set_and_clear_a_limit(client):
    user = person("adult")
    client.force_login(user)
    assert settings_post(client, daily_limit_minutes="600").status_code == 302
    user.refresh_from_db()
    assert user.daily_limit_minutes == 600
    assert settings_post(client, daily_limit_minutes="").status_code == 302
    user.refresh_from_db()
    assert user.daily_limit_minutes is None
    assert age.screen_time_limit_minutes(user) is None


@pytest.mark.parametrize("passcode", ["12", "123456789", "12ab", "١٢٣٤"])
def test_a_bad_passcode_is_refused_and_nothing_is_written(client, passcode):
    user = person("13_15")
    client.force_login(user)
    response = settings_post(client, daily_limit_minutes="20", passcode=passcode, passcode2=passcode)
    assert response.status_code == 400
    user.refresh_from_db()
    assert (user.daily_limit_minutes, user.screen_time_passcode) == (None, "")


def test_two_different_passcodes_are_refused(client):
    user = person("16_17")
    client.force_login(user)
    response = settings_post(client, passcode="1234", passcode2="4321")
    assert response.context["screen_time_form"].errors["passcode2"] == ["The two passcodes differ."]
    user.refresh_from_db()
    assert user.screen_time_passcode == ""


def test_a_linked_parent_may_raise_the_limit_and_it_is_audited():
    teen, parent = person("13_15"), person("adult")
    FamilyLink.objects.create(parent=parent, teen=teen)
    screen_time.screen_time_limit_set(user=teen, minutes=120, actor=parent)
    teen.refresh_from_db()
    assert teen.daily_limit_minutes == 120
    entry = AuditEntry.objects.get(action="screen_time.limit")
    assert (entry.actor_id, entry.target_id, entry.detail) == (parent.pk, str(teen.pk), {"minutes": 120})


def test_a_stranger_may_change_nothing():
    teen, stranger = person("13_15"), person("adult")
    with pytest.raises(NotFound):
        screen_time.screen_time_limit_set(user=teen, minutes=120, actor=stranger)
    with pytest.raises(NotFound):
        screen_time.restricted_mode_set(user=teen, is_on=False, actor=stranger)
    teen.refresh_from_db()
    assert (teen.daily_limit_minutes, teen.is_restricted_mode) == (None, False)
    assert not AuditEntry.objects.exists()


def test_a_linked_teen_cannot_replace_the_parents_passcode():
    teen, parent = person("13_15"), person("adult")
    FamilyLink.objects.create(parent=parent, teen=teen)
    screen_time.screen_time_passcode_set(user=teen, passcode="9999", actor=parent)
    with pytest.raises(ValidationError):
        screen_time.screen_time_passcode_set(user=teen, passcode="1111", actor=teen)
    teen.refresh_from_db()
    assert check_password("9999", teen.screen_time_passcode)


def test_restricted_mode_can_be_switched_by_anyone(client):
    user = person("adult")
    client.force_login(user)
    assert settings_post(client, is_restricted_mode="on").status_code == 302
    user.refresh_from_db()
    assert user.is_restricted_mode is True


def test_the_settings_page_shows_the_screen_time_section(client):
    client.force_login(person("13_15"))
    html = client.get(reverse("account_settings")).content.decode()
    assert 'id="screen-time"' in html
    assert "the most is 60 minutes" in html


@pytest.mark.parametrize(("band", "is_on"), [("13_15", True), ("16_17", False), ("adult", False)])
def test_sign_up_starts_restricted_mode_from_the_age_policy(band, is_on):
    user = user_sign_up(
        email=f"new-{band}@example.com",
        password=TEST_PASSWORD,
        display_name="New",
        date_of_birth=born_years_ago(BANDS[band]),
    )
    assert User.objects.get(pk=user.pk).is_restricted_mode is is_on


# --- the week -----------------------------------------------------------------------------------------------


def test_the_week_has_seven_local_days_oldest_first():
    user = person("13_15")
    today = datetime.date(2026, 5, 10)
    ScreenTimeDay.objects.create(user=user, day=today, seconds=600)
    ScreenTimeDay.objects.create(user=user, day=today - datetime.timedelta(days=6), seconds=120)
    ScreenTimeDay.objects.create(user=user, day=today - datetime.timedelta(days=7), seconds=999)
    week = screen_time.screen_time_week(user=user, today=today)
    assert [day.day for day in week] == [today - datetime.timedelta(days=6 - offset) for offset in range(7)]
    assert [day.minutes for day in week] == [2, 0, 0, 0, 0, 0, 10]


def test_the_week_page_shows_total_average_and_limit(client):
    user = person("16_17")
    today = age.screen_time_day(user=user)
    for offset, minutes in enumerate([70, 35]):
        ScreenTimeDay.objects.create(
            user=user, day=today - datetime.timedelta(days=offset), seconds=minutes * 60
        )
    client.force_login(user)
    response = client.get(reverse("screen_time"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="screen-time-total">105 min' in html
    assert 'data-testid="screen-time-average">15 min' in html
    assert 'data-testid="screen-time-limit">60 min' in html
    assert "today's limit is reached" in html
    assert [day["minutes"] for day in response.context["days"]] == [0, 0, 0, 0, 0, 35, 70]


def test_the_week_page_needs_a_login(client):
    assert client.get(reverse("screen_time")).status_code == 302


# --- restricted mode --------------------------------------------------------------------------------------


HIDDEN_KINDS: dict[str, dict[str, Any]] = {
    "mature": {"content_level": Video.ContentLevel.MATURE},
    "age_restricted": {"is_age_restricted": True},
    "unverified": {"is_unverified": True},
    "review": {"moderation_state": Video.Moderation.REVIEW},
}


def followed_videos(viewer: User) -> tuple[Video, dict[str, Video]]:
    """A general video and one of each kind restricted mode hides, each by its own creator (so the
    feeds' one-creator caps do not pick among them), all followed by ``viewer``, in STEM and DE-BY."""
    videos = {}
    kinds: dict[str, dict[str, Any]] = {"general": {}, **HIDDEN_KINDS}
    for kind, fields in kinds.items():
        creator = CreatorFactory.create(user=UserFactory.create(region="DE-BY"))
        creator_services.follow_create(follower=viewer, creator=creator)
        videos[kind] = published_video(owner=creator, topics=("stem",), **fields)
    general = videos.pop("general")
    return general, videos


def test_restricted_modes_values_are_the_videos_choices():
    assert age._MATURE == Video.ContentLevel.MATURE
    assert age._UNDER_REVIEW == Video.Moderation.REVIEW


@pytest.mark.parametrize("is_restricted", [True, False])
@pytest.mark.parametrize(("name", "kwargs"), FEED_APIS)
def test_restricted_mode_hides_videos_in_every_feed(api_client, name, kwargs, is_restricted):
    viewer = person("adult", region="DE-BY", is_restricted_mode=is_restricted)
    general, hidden = followed_videos(viewer)
    api_client.force_authenticate(viewer)
    ids: set[str] = set()
    url = reverse(name, kwargs=kwargs)
    for _ in range(4):  # a page holds at most two STEM videos in a row: read a few
        body = api_client.get(url).json()
        ids |= {item["video"]["id"] for item in body["results"]}
        if not body["next"]:
            break
        url = body["next"]
    assert str(general.public_id) in ids
    if is_restricted:
        assert ids == {str(general.public_id)}
    else:  # the mature video, at least, every adult feed shows outside restricted mode
        assert str(hidden["mature"].public_id) in ids


@pytest.mark.parametrize("kind", ["mature", "age_restricted", "unverified", "review"])
def test_restricted_mode_hides_the_video_page(client, kind):
    viewer = person("adult", is_restricted_mode=True)
    video = published_video(**HIDDEN_KINDS[kind])
    client.force_login(viewer)
    assert client.get(reverse("creators:video", args=[video.public_id])).status_code == 404
    viewer.is_restricted_mode = False
    viewer.save(update_fields=["is_restricted_mode"])
    assert client.get(reverse("creators:video", args=[video.public_id])).status_code == 200


def test_a_new_13_to_15_account_is_in_restricted_mode_on_the_video_page(client):
    video = published_video(is_unverified=True)
    teen = user_sign_up(
        email="teen@example.com", password=TEST_PASSWORD, display_name="T", date_of_birth=born_years_ago(14)
    )
    client.force_login(teen)
    assert client.get(reverse("creators:video", args=[video.public_id])).status_code == 404
