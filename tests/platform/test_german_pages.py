"""Every page of the core app, rendered in German, has no English on it (``tests.german``): the header and
footer, sign-up, log-in, password reset, settings, family, screen time, notifications, guidelines, the error
pages and the admin; with data that fills them (lists, forms with their errors, empty states)."""

import datetime

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from platform import blocking, family, notifications, screen_time
from platform.models import DataExport, User
from platform.views import NOTIFICATIONS_PER_PAGE
from tests.factories import CreatorFactory, UserFactory, VideoFactory, born_years_ago, family_pair
from tests.german import english_on_page

pytestmark = pytest.mark.django_db

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


def german(client, path, status=200, **extra):
    response = client.get(path, **GERMAN, **extra)
    assert response.status_code == status, path
    assert response["Content-Language"] == "de"
    return response.content.decode()


def between(html, start, end):
    """The part of ``html`` from ``start`` to the first ``end`` after it."""
    begin = html.index(start)
    return html[begin : html.index(end, begin) + len(end)]


# --- header and footer --------------------------------------------------------------------------------


def test_the_home_pages_header_and_footer_are_german_logged_out(client):
    html = german(client, "/")
    assert english_on_page(between(html, '<header class="topbar">', "</header>")) == []
    assert english_on_page(between(html, '<footer class="footer">', "</footer>")) == []
    assert '<a href="/accounts/login/">Anmelden</a>' in html
    assert '<a class="skip-link" href="#main">Zum Inhalt springen</a>' in html


def test_the_home_pages_header_is_german_for_a_staff_account_with_unread_notifications(client):
    user = UserFactory.create(is_staff=True, display_name="Kai")
    for number in range(3):
        notifications.notify(user=user, kind="account", title=f"Titel {number}")
    client.force_login(user)
    html = german(client, "/")
    header = between(html, '<header class="topbar">', "</header>")
    assert english_on_page(header) == []
    assert 'aria-label="Benachrichtigungen, 3 ungelesen"' in header
    assert ">Einstellungen</a>" in header
    assert ">Abmelden</button>" in header


# --- signing up, logging in, passwords -----------------------------------------------------------------


def test_sign_up_is_german_empty_and_with_its_errors(client):
    assert english_on_page(german(client, reverse("signup"))) == []
    response = client.post(
        reverse("signup"),
        {"email": "kein-at", "password1": "a", "password2": "b", "date_of_birth": "2999-01-01"},
        **GERMAN,
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert english_on_page(html) == []
    assert "Das Geburtsdatum liegt in der Zukunft." in html
    assert "Die beiden Passwörter stimmen nicht überein." in html
    assert not User.objects.exists()


def test_log_in_is_german_empty_and_with_its_error(client):
    assert english_on_page(german(client, reverse("login"))) == []
    response = client.post(reverse("login"), {"username": "x@example.com", "password": "nope"}, **GERMAN)
    assert english_on_page(response.content) == []


def test_password_reset_pages_and_email_are_german(client):
    user = UserFactory.create(email="ada@example.com", display_name="Ada", language="de")
    assert english_on_page(german(client, reverse("password_reset"))) == []
    response = client.post(reverse("password_reset"), {"email": "ada@example.com"}, follow=True, **GERMAN)
    assert english_on_page(response.content) == []
    [message] = mail.outbox
    assert message.subject == "Setz dein Joyreel-Passwort zurück"
    assert message.body.startswith("Hallo Ada,\n\nJemand (hoffentlich du) möchte das Passwort")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    expired = german(client, reverse("password_reset_confirm", args=[uid, "x-y"]))
    assert english_on_page(expired) == []
    assert "Dieser Link funktioniert nicht mehr" in expired
    valid = client.get(
        reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)]),
        follow=True,
        **GERMAN,
    )
    assert english_on_page(valid.content) == []
    assert english_on_page(german(client, reverse("password_reset_complete"))) == []


def test_password_change_and_email_confirmation_pages_are_german(client):
    client.force_login(UserFactory.create())
    assert english_on_page(german(client, reverse("password_change"))) == []
    assert english_on_page(german(client, reverse("password_change_done"))) == []
    assert english_on_page(german(client, reverse("email_confirm", args=["not-a-token"]))) == []


# --- settings ---------------------------------------------------------------------------------------------


def test_settings_are_german_with_blocks_mutes_an_export_and_a_parent(client):
    teen = UserFactory.create(date_of_birth=born_years_ago(14), display_name="Tia")
    parent = UserFactory.create(eligible_parent=True, display_name="Pat")
    family_pair(parent=parent, teen=teen)
    blocking.block_create(blocker=teen, blocked=CreatorFactory.create(display_name="Bo", handle="bo").user)
    blocking.mute_create(muter=teen, muted=UserFactory.create(display_name="Mo"))
    DataExport.objects.create(
        user=teen,
        token="t" * 40,
        state=DataExport.State.READY,
        size=4166,
        expires_at=datetime.datetime(2030, 12, 6, 14, 30, tzinfo=datetime.UTC),
    )
    client.force_login(teen)
    html = german(client, reverse("account_settings"))
    assert english_on_page(html) == []
    assert "Der Link funktioniert bis 6. Dezember 2030 14:30 UTC." in html
    assert "(4,1\xa0KB)" in html
    assert "Dein Tageslimit beträgt 60 Minuten." in html


def test_settings_are_german_for_an_adult_with_nobody_blocked_and_a_form_error(client):
    user = UserFactory.create(email_confirmed_at=None)
    client.force_login(user)
    html = german(client, reverse("account_settings"))
    assert english_on_page(html) == []
    assert "Du hast niemanden blockiert." in html
    response = client.post(
        reverse("account_settings"), {"display_name": "Ada", "country": "", "region": "DE-BY"}, **GERMAN
    )
    assert response.status_code == 400
    assert english_on_page(response.content) == []
    assert "Wähle vor der Region ein Land." in response.content.decode()


def test_the_delete_account_page_is_german_with_its_errors(client):
    client.force_login(UserFactory.create())
    assert english_on_page(german(client, reverse("account_delete"))) == []
    response = client.post(reverse("account_delete"), {"password": "falsch"}, **GERMAN)
    assert response.status_code == 400
    assert english_on_page(response.content) == []
    assert "Setz das Häkchen, um zu bestätigen." in response.content.decode()


# --- family and screen time -------------------------------------------------------------------------------


def test_family_is_german_for_a_parent_with_a_code_and_a_linked_teen(client):
    parent = UserFactory.create(eligible_parent=True, display_name="Pat")
    teen = UserFactory.create(date_of_birth=born_years_ago(14), display_name="Tia")
    family_pair(parent=parent, teen=teen)
    screen_time.screen_time_add(user=teen, seconds=4 * 60)
    client.force_login(parent)
    client.post(reverse("family_code"), **GERMAN)
    html = german(client, reverse("family"))
    assert english_on_page(html) == []
    assert "Jeder Code gilt einmal, 10 Minuten lang." in html
    assert "4 Min." in html


def test_family_is_german_for_a_teen_entering_a_code_seeing_the_parent_and_linked(client):
    parent = UserFactory.create(eligible_parent=True, display_name="Pat")
    teen = UserFactory.create(date_of_birth=born_years_ago(14), display_name="Tia")
    client.force_login(teen)
    assert english_on_page(german(client, reverse("family"))) == []
    wrong = client.post(reverse("family_link"), {"code": "AAAA1111"}, **GERMAN)
    assert english_on_page(wrong.content) == []
    preview = client.post(
        reverse("family_link"), {"code": family.pairing_code_create(parent=parent).code}, **GERMAN
    )
    assert english_on_page(preview.content) == []
    assert "Ist das dein Elternteil?" in preview.content.decode()
    family_pair(parent=parent, teen=teen)
    html = german(client, reverse("family"))
    assert english_on_page(html) == []
    assert "Eingeschränkter Modus (jetzt aus)" in html


def test_family_is_german_for_an_account_that_cannot_pair(client):
    client.force_login(UserFactory.create(date_of_birth=None))
    assert english_on_page(german(client, reverse("family"))) == []


def test_screen_time_week_and_the_limit_page_are_german(client):
    teen = UserFactory.create(date_of_birth=born_years_ago(14), daily_limit_minutes=1)
    screen_time.screen_time_add(user=teen, seconds=90)
    client.force_login(teen)
    week = german(client, reverse("screen_time"))
    assert english_on_page(week) == []
    assert "Das heutige Limit ist erreicht" not in week  # the title of the other page
    assert "das heutige Limit ist erreicht" in week
    with translation.override("de"):
        locked = render_to_string(
            "platform/screen_time_locked.html",
            {"screen_time": screen_time.screen_time_status(user=teen), "next_url": "/"},
        )
    assert english_on_page(locked) == []
    assert "Du hast dein heutiges Limit von 1 Minute erreicht" in locked


# --- notifications, guidelines, errors ---------------------------------------------------------------------


def test_notifications_are_german_with_pages_and_when_empty(client):
    user = UserFactory.create()
    client.force_login(user)
    empty = german(client, reverse("notifications"))
    assert english_on_page(empty) == []
    assert "Hier ist noch nichts." in empty
    for number in range(NOTIFICATIONS_PER_PAGE + 1):
        notifications.notify(user=user, kind="pairing", title=f"Titel {number}", body="Text")
    html = german(client, reverse("notifications"))
    assert english_on_page(html) == []
    assert "Seite 1 von 2" in html
    assert "Familienverknüpfung · <time" in html
    assert ">vor 0\xa0Minuten</time>" in html


def test_guidelines_are_german(client):
    html = german(client, reverse("guidelines"))
    assert english_on_page(html) == []
    assert "<h1>Community-Richtlinien</h1>" in html


def test_error_pages_are_german(client):
    user = UserFactory.create(date_of_birth=born_years_ago(14))
    client.force_login(user)
    missing = german(client, "/nothing-here/", status=404)
    assert english_on_page(missing) == []
    assert "Diese Seite haben wir nicht gefunden" in missing
    refused = german(client, "/business/", status=403)
    assert english_on_page(between(refused, "<header", "</header>")) == []
    assert "Diese Seite kannst du nicht öffnen" in refused
    with translation.override("de"):
        server_error = render_to_string("500.html")
        forbidden = render_to_string("403.html")
    assert english_on_page(server_error) == []
    assert english_on_page(forbidden) == []
    assert '<html lang="de">' in server_error


def test_the_suspended_page_is_german_with_a_german_date(client):
    user = UserFactory.create(suspended_until=timezone.now() + datetime.timedelta(days=7))
    client.force_login(user)
    html = german(client, reverse("account_settings"), status=403)
    assert english_on_page(html) == []
    with translation.override("de"):
        expected = f"bis <strong>{user.suspended_until:%-d}. "
    assert expected in html


# --- shared pieces ----------------------------------------------------------------------------------------


def test_a_video_tile_says_its_views_as_a_german_number():
    video = VideoFactory.create(caption="Brezn backen")
    with translation.override("de"):
        tile = render_to_string("includes/video_card_body.html", {"video": video, "views": 4166})
        one = render_to_string("includes/video_card_body.html", {"video": video, "views": 1})
    assert 'aria-label="4.166 Aufrufe"' in tile
    assert 'aria-label="1 Aufruf"' in one
    assert english_on_page(tile) == []


def test_the_report_reasons_are_german():
    with translation.override("de"):
        html = render_to_string("_report_reasons.html")
    assert english_on_page(html) == []
    assert "Spam oder Betrug" in html


# --- the admin ----------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    admin = UserFactory.create(is_staff=True, is_superuser=True, email="chef@example.com")
    client.force_login(admin)
    return client


def test_the_admin_index_is_german(staff_client):
    html = german(staff_client, reverse("admin:index"))
    assert english_on_page(html) == []
    assert "Joyreel-Verwaltung" in html
    assert "Vertrauen und Sicherheit" in html


def test_the_admin_list_of_accounts_is_german(staff_client):
    UserFactory.create(display_name="Ada", suspended_until=timezone.now() + datetime.timedelta(days=3))
    html = german(staff_client, reverse("admin:platform_user_changelist"))
    assert english_on_page(html) == []
    assert "Altersgruppe" in html
    assert "Gesperrt bis" in html


def test_the_admin_change_form_of_an_account_is_german(staff_client):
    user = UserFactory.create(display_name="Ada")
    html = german(staff_client, reverse("admin:platform_user_change", args=[user.pk]))
    assert english_on_page(html) == []
    assert "Mitglied seit" in html


def test_the_admin_date_of_birth_correction_is_german_with_its_error(staff_client):
    user = UserFactory.create()
    url = reverse("admin:platform_user_date_of_birth", args=[user.pk])
    assert english_on_page(german(staff_client, url)) == []
    response = staff_client.post(url, {"date_of_birth": "", "evidence": ""}, **GERMAN)
    assert response.status_code == 400
    assert english_on_page(response.content) == []
