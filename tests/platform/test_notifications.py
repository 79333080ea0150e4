"""The notification centre: the page, opening one (own only, never off-site), marking read, the API, the
bell's unread badge and what it costs, follow requests, the email opt-in and the email job."""

import threading

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from creators import services as creator_services
from platform import notifications
from platform.context_processors import notifications_badge
from platform.models import Notification, User
from platform.tasks import notifications_email_task
from tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db

CENTRE = "/notifications/"


def _notify(user, title="Hello", **fields):
    return notifications.notify(user=user, kind=Notification.Kind.ACCOUNT, title=title, **fields)


def _open_url(notification):
    return reverse("notification_open", args=[notification.pk])


# --- the page ------------------------------------------------------------------------------------------


def test_the_centre_lives_at_its_path_and_needs_a_login(client):
    assert reverse("notifications") == CENTRE
    response = client.get(CENTRE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_centre_lists_only_my_notifications_newest_first_with_the_unread_marked(client):
    me, other = UserFactory.create(), UserFactory.create()
    older = _notify(me, "Older one", url="/guidelines/")
    newer = _notify(me, "Newer one", body="Some detail")
    _notify(other, "Not for you")
    notifications.notifications_mark_read(user=me, ids=[older.pk])
    client.force_login(me)
    response = client.get(CENTRE)
    assert response.status_code == 200
    assert [item.pk for item in response.context["page"].object_list] == [newer.pk, older.pk]
    content = response.content.decode()
    assert "Not for you" not in content
    assert content.index("Newer one") < content.index("Older one")
    assert content.count("notification-unread") == 1
    assert f'href="{_open_url(newer)}"' in content
    assert "Mark all as read" in content


def test_the_centre_escapes_what_people_wrote(client):
    me = UserFactory.create()
    _notify(me, "<script>alert(1)</script> asked to follow you", body="<b>bold</b>")
    client.force_login(me)
    content = client.get(CENTRE).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; asked to follow you" in content
    assert "&lt;b&gt;bold&lt;/b&gt;" in content


def test_the_centre_shows_25_a_page(client):
    me = UserFactory.create()
    made = [_notify(me, f"Number {index}") for index in range(27)]
    client.force_login(me)
    first = client.get(CENTRE)
    assert [item.pk for item in first.context["page"].object_list] == [n.pk for n in reversed(made)][:25]
    assert 'href="?page=2"' in first.content.decode()
    second = client.get(CENTRE, {"page": 2})
    assert [item.pk for item in second.context["page"].object_list] == [made[1].pk, made[0].pk]


def test_an_empty_centre_says_so(client):
    client.force_login(UserFactory.create())
    content = client.get(CENTRE).content.decode()
    assert "Nothing here yet." in content
    assert "Mark all as read" not in content


# --- opening one -----------------------------------------------------------------------------------------


def test_opening_a_notification_marks_it_read_and_goes_to_its_path(client):
    me = UserFactory.create()
    notification = _notify(me, url="/guidelines/?section=2")
    other = _notify(me)
    client.force_login(me)
    response = client.get(_open_url(notification))
    assert response.status_code == 302
    assert response.url == "/guidelines/?section=2"
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.read_at is not None
    assert other.read_at is None


def test_opening_one_without_a_path_goes_back_to_the_centre(client):
    me = UserFactory.create()
    notification = _notify(me)
    client.force_login(me)
    response = client.get(_open_url(notification))
    assert (response.status_code, response.url) == (302, CENTRE)


def test_opening_someone_elses_notification_is_not_found_and_changes_nothing(client):
    me, other = UserFactory.create(), UserFactory.create()
    theirs = _notify(other, url="/guidelines/")
    client.force_login(me)
    assert client.get(_open_url(theirs)).status_code == 404
    assert client.get(reverse("notification_open", args=[theirs.pk + 1000])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/\tevil",
        " /guidelines/",
    ],
)
def test_notify_refuses_a_link_off_the_site_and_writes_nothing(url):
    me = UserFactory.create()
    with pytest.raises(ValueError, match="only to a path on this site"):
        _notify(me, url=url)
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/path", "/\\evil.example"])
def test_a_stored_off_site_link_is_never_followed(client, url):
    me = UserFactory.create()
    # Written around notify(), as a bad row in the database might be: the redirect still refuses it.
    notification = Notification.objects.create(user=me, kind=Notification.Kind.ACCOUNT, title="Hi", url=url)
    client.force_login(me)
    response = client.get(_open_url(notification))
    assert (response.status_code, response.url) == (302, CENTRE)


def test_opening_needs_a_login(client):
    notification = _notify(UserFactory.create())
    response = client.get(_open_url(notification))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    notification.refresh_from_db()
    assert notification.read_at is None


# --- mark all as read ----------------------------------------------------------------------------------


def test_mark_all_as_read_marks_only_mine(client):
    me, other = UserFactory.create(), UserFactory.create()
    mine = [_notify(me), _notify(me)]
    theirs = _notify(other)
    client.force_login(me)
    response = client.post(reverse("notifications_mark_all_read"))
    assert (response.status_code, response.url) == (302, CENTRE)
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_is_a_post_only(client):
    me = UserFactory.create()
    notification = _notify(me)
    client.force_login(me)
    assert client.get(reverse("notifications_mark_all_read")).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


# --- the bell and its badge ------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_on_every_page_with_the_nav(client):
    me = UserFactory.create()
    read, _unread, _also_unread = _notify(me), _notify(me), _notify(me)
    notifications.notifications_mark_read(user=me, ids=[read.pk])
    _notify(UserFactory.create())
    client.force_login(me)
    content = client.get(reverse("guidelines")).content.decode()
    assert f'href="{CENTRE}" aria-label="Notifications, 2 unread"' in content
    assert '<span class="topnav-bell-count">2</span>' in content


def test_the_bell_has_no_count_when_all_is_read(client):
    me = UserFactory.create()
    notifications.notifications_mark_read(user=me, ids=[_notify(me).pk])
    client.force_login(me)
    content = client.get(reverse("guidelines")).content.decode()
    assert 'aria-label="Notifications"' in content
    assert "topnav-bell-count" not in content


def test_the_bell_says_99_plus_past_99(client):
    me = UserFactory.create()
    Notification.objects.bulk_create(
        Notification(user=me, kind=Notification.Kind.ACCOUNT, title=f"n{index}") for index in range(120)
    )
    client.force_login(me)
    content = client.get(reverse("guidelines")).content.decode()
    assert '<span class="topnav-bell-count">99+</span>' in content
    assert "120 unread" in content


def test_anonymous_visitors_get_no_bell(client):
    content = client.get(reverse("guidelines")).content.decode()
    assert "topnav-bell" not in content


def test_the_badge_costs_nothing_until_a_template_reads_it_then_one_query():
    me = UserFactory.create()
    _notify(me)
    _notify(me)
    request = RequestFactory().get("/")
    request.user = User.objects.get(pk=me.pk)
    with CaptureQueriesContext(connection) as queries:
        context = notifications_badge(request)
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert context["notifications_unread"] == 2
        assert str(context["notifications_unread"]) == "2"  # counted once, then kept
    assert len(queries) == 1
    assert "COUNT" in queries[0]["sql"].upper()


def test_a_page_with_the_nav_pays_exactly_one_query_for_the_badge(client):
    me = UserFactory.create()
    _notify(me)
    client.force_login(me)
    client.get(reverse("guidelines"))  # warm anything a first request loads once
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("guidelines"))
    notification_queries = [q["sql"] for q in queries if "platform_notification" in q["sql"]]
    assert len(notification_queries) == 1


def test_a_response_without_the_nav_does_not_count(client):
    me = UserFactory.create()
    _notify(me)
    client.force_login(me)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("api-me"))
    assert response.status_code == 200
    assert not [q for q in queries if "platform_notification" in q["sql"]]


def test_an_anonymous_badge_is_zero_without_asking_for_notifications():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        assert notifications_badge(request)["notifications_unread"] == 0
    assert len(queries) == 0


# --- the API -----------------------------------------------------------------------------------------------


def test_the_api_lists_only_my_notifications_newest_first_by_cursor(api_client):
    me, other = UserFactory.create(), UserFactory.create()
    made = [_notify(me, f"Number {index}", url="/guidelines/") for index in range(3)]
    _notify(other, "Not for you")
    api_client.force_authenticate(me)
    first = api_client.get(reverse("api-notifications"), {"page_size": 2}).json()
    assert [item["id"] for item in first["results"]] == [made[2].pk, made[1].pk]
    assert first["results"][0] == {
        "id": made[2].pk,
        "kind": "account",
        "title": "Number 2",
        "body": "",
        "url": "/guidelines/",
        "created_at": first["results"][0]["created_at"],
        "read_at": None,
        "is_read": False,
    }
    second = api_client.get(first["next"]).json()
    assert [item["id"] for item in second["results"]] == [made[0].pk]
    assert second["next"] is None


def test_the_api_never_hands_out_an_off_site_link(api_client):
    me = UserFactory.create()
    Notification.objects.create(user=me, kind=Notification.Kind.ACCOUNT, title="Hi", url="//evil.example")
    api_client.force_authenticate(me)
    assert api_client.get(reverse("api-notifications")).json()["results"][0]["url"] == ""


def test_the_api_needs_a_login(api_client):
    assert api_client.get(reverse("api-notifications")).status_code == 401
    assert api_client.get(reverse("api-notifications-unread-count")).status_code == 401
    assert api_client.post(reverse("api-notifications-read"), {"all": True}, format="json").status_code == 401


def test_the_api_marks_read_by_id_and_ignores_other_peoples_ids(api_client):
    me, other = UserFactory.create(), UserFactory.create()
    first, second, _third = _notify(me), _notify(me), _notify(me)
    theirs = _notify(other)
    api_client.force_authenticate(me)
    response = api_client.post(
        reverse("api-notifications-read"), {"ids": [first.pk, second.pk, theirs.pk]}, format="json"
    )
    assert (response.status_code, response.json()) == (200, {"marked": 2, "unread": 1})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert api_client.get(reverse("api-notifications-unread-count")).json() == {"unread": 1}


def test_the_api_marks_all_read(api_client):
    me = UserFactory.create()
    _notify(me)
    _notify(me)
    api_client.force_authenticate(me)
    response = api_client.post(reverse("api-notifications-read"), {"all": True}, format="json")
    assert (response.status_code, response.json()) == (200, {"marked": 2, "unread": 0})


@pytest.mark.parametrize(
    "body",
    [{}, {"all": False}, {"ids": []}, {"ids": ["x"]}, {"ids": [0]}, {"ids": [1], "all": True}],
)
def test_the_api_refuses_an_unclear_mark_read_and_marks_nothing(api_client, body):
    me = UserFactory.create()
    notification = _notify(me)
    api_client.force_authenticate(me)
    response = api_client.post(reverse("api-notifications-read"), body, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_schema_describes_the_notification_endpoints(api_client):
    schema = api_client.get(reverse("api-schema"), {"format": "json"}).json()
    assert {
        "/api/v1/notifications",
        "/api/v1/notifications/read",
        "/api/v1/notifications/unread-count",
    } <= set(schema["paths"])


# --- follow requests -------------------------------------------------------------------------------------


def test_a_follow_request_to_a_private_account_notifies_its_owner():
    creator = CreatorFactory.create(user__is_private=True)
    follower = UserFactory.create(display_name="Ada")
    creator_services.follow_create(follower=follower, creator=creator)
    notification = Notification.objects.get()
    assert (notification.user_id, notification.kind) == (creator.user_id, "follow_request")
    assert notification.title == "Ada asked to follow you"
    assert notification.url == reverse("creators:studio") + "#follow-requests"
    creator_services.follow_create(follower=follower, creator=creator)  # asking again is no new request
    assert Notification.objects.count() == 1


def test_following_a_public_account_notifies_nobody():
    creator = CreatorFactory.create(user__is_private=False)
    creator_services.follow_create(follower=UserFactory.create(), creator=creator)
    assert Notification.objects.count() == 0


# --- settings and sign-up ----------------------------------------------------------------------------------


def _settings_form(**fields):
    return {"display_name": "Me", "country": "DE", "region": "DE-BY", **fields}


def test_settings_save_the_email_opt_in_and_the_time_zone(client):
    me = UserFactory.create()
    client.force_login(me)
    page = client.get(reverse("account_settings")).content.decode()
    assert "Email me my notifications" in page
    assert '<option value="Europe/Berlin">Europe/Berlin</option>' in page
    response = client.post(
        reverse("account_settings"),
        _settings_form(time_zone="America/New_York", wants_email_notifications="on"),
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.time_zone, me.wants_email_notifications) == ("America/New_York", True)


def test_settings_refuse_an_unknown_time_zone_and_change_nothing(client):
    me = UserFactory.create(display_name="Old", time_zone="Europe/Berlin")
    client.force_login(me)
    response = client.post(
        reverse("account_settings"), _settings_form(time_zone="Mars/Olympus", wants_email_notifications="on")
    )
    assert response.status_code == 400
    assert "time_zone" in response.context["form"].errors
    me.refresh_from_db()
    assert (me.display_name, me.time_zone, me.wants_email_notifications) == ("Old", "Europe/Berlin", False)


def test_the_settings_service_refuses_an_unknown_time_zone_and_writes_nothing():
    from django.core.exceptions import ValidationError

    me = UserFactory.create(time_zone="Asia/Tokyo")
    with pytest.raises(ValidationError) as error:
        notifications.notification_settings_update(
            user=me, time_zone="Not/AZone", wants_email_notifications=True
        )
    assert error.value.message_dict == {"time_zone": ["Choose a time zone from the list."]}
    me.refresh_from_db()
    assert (me.time_zone, me.wants_email_notifications) == ("Asia/Tokyo", False)


def _signup_form(**fields):
    return {
        "email": "new@example.com",
        "display_name": "New",
        "date_of_birth": "1990-05-01",
        "country": "DE",
        "region": "",
        "password1": "a-long-test-password",
        "password2": "a-long-test-password",
        **fields,
    }


def test_sign_up_keeps_the_browsers_time_zone(client):
    page = client.get(reverse("signup")).content.decode()
    assert 'type="hidden" name="time_zone"' in page
    assert "js/timezone.js" in page
    response = client.post(reverse("signup"), _signup_form(time_zone="Pacific/Auckland"))
    assert response.status_code == 302
    assert User.objects.get(email="new@example.com").time_zone == "Pacific/Auckland"


@pytest.mark.parametrize("sent", [{}, {"time_zone": ""}, {"time_zone": "Not/AZone"}])
def test_sign_up_without_a_known_time_zone_starts_on_utc(client, sent):
    response = client.post(reverse("signup"), _signup_form(**sent))
    assert response.status_code == 302
    assert User.objects.get(email="new@example.com").time_zone == "UTC"


def test_the_sign_up_service_refuses_an_unknown_time_zone_and_writes_nothing():
    from django.core.exceptions import ValidationError

    from platform import services

    with pytest.raises(ValidationError) as error:
        services.user_sign_up(
            email="new@example.com",
            password="a-long-test-password",
            display_name="New",
            date_of_birth=timezone.localdate().replace(year=1990),
            time_zone="Not/AZone",
        )
    assert error.value.message_dict == {"time_zone": ["That is not a time zone we know."]}
    assert not User.objects.filter(email="new@example.com").exists()


# --- email ---------------------------------------------------------------------------------------------


def test_the_email_job_is_on_the_beat_every_minute():
    from platform.celery import app

    entry = app.conf.beat_schedule["email-notifications"]
    assert (entry["task"], entry["schedule"]) == (notifications_email_task.name, 60)


def test_an_opted_in_person_gets_one_email_listing_what_is_new_once(settings):
    settings.SITE_URL = "https://joyreel.example"
    me = UserFactory.create(wants_email_notifications=True, email="me@example.com")
    first = _notify(me, "<b>Ada</b> asked to follow you", body="Tom & Jerry")
    second = _notify(me, "A decision about your video")
    assert notifications_email_task() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["me@example.com"]
    assert message.subject == "You have 2 new notifications on Joyreel"
    assert "- <b>Ada</b> asked to follow you\n  Tom & Jerry" in message.body
    assert "https://joyreel.example/notifications/" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html = str(message.alternatives[0][0])
    assert "&lt;b&gt;Ada&lt;/b&gt; asked to follow you" in html
    assert "<b>Ada</b>" not in html
    assert "Tom &amp; Jerry" in html
    assert 'href="https://joyreel.example/notifications/"' in html
    assert Notification.objects.filter(pk__in=[first.pk, second.pk], emailed_at__isnull=True).count() == 0
    assert notifications_email_task() == 0  # nothing new: nothing sent twice
    assert len(mail.outbox) == 1


def test_people_who_did_not_opt_in_get_no_email_and_nothing_is_marked():
    me = UserFactory.create(wants_email_notifications=False)
    notification = _notify(me)
    assert notifications_email_task() == 0
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_what_was_already_read_in_the_app_is_not_emailed():
    me = UserFactory.create(wants_email_notifications=True)
    notifications.notifications_mark_read(user=me, ids=[_notify(me, "Seen").pk])
    _notify(me, "Not seen")
    assert notifications_email_task() == 1
    assert "Not seen" in mail.outbox[0].body
    assert "Seen\n" not in mail.outbox[0].body


def test_each_person_gets_their_own_email():
    ada = UserFactory.create(wants_email_notifications=True, email="ada@example.com")
    bob = UserFactory.create(wants_email_notifications=True, email="bob@example.com")
    _notify(ada, "For Ada")
    _notify(bob, "For Bob")
    assert notifications_email_task() == 2
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "For Ada" in bodies["ada@example.com"]
    assert "For Bob" not in bodies["ada@example.com"]
    assert "For Bob" in bodies["bob@example.com"]
    assert "For Ada" not in bodies["bob@example.com"]


class _FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_a_failed_send_leaves_the_notifications_for_the_next_run(settings):
    me = UserFactory.create(wants_email_notifications=True)
    notification = _notify(me)
    settings.EMAIL_BACKEND = f"{__name__}._FailingBackend"
    assert notifications_email_task() == 0
    notification.refresh_from_db()
    assert notification.emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_email_task() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_email_once():
    people = [UserFactory.create(wants_email_notifications=True) for _ in range(4)]
    for person in people:
        _notify(person, "One")
        _notify(person, "Two")
    barrier = threading.Barrier(2)
    results: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(notifications.notifications_email_send())
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 4
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in people)
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
