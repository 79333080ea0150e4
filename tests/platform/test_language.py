"""Choosing the language: the footer's switcher (the cookie, and the account), the settings page, sign-up,
the saved language winning on every request, and emails, notifications and API errors in the right one."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from platform import notifications
from platform.models import Notification, User
from tests.factories import UserFactory, born_years_ago, family_pair

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_the_switcher_sets_the_cookie_for_a_visitor_and_returns_to_the_page(client):
    response = client.post(reverse("set_language"), {"language": "de", "next": "/guidelines/"})
    assert (response.status_code, response.url) == (302, "/guidelines/")
    assert response.cookies[COOKIE].value == "de"
    page = client.get("/guidelines/").content.decode()
    assert '<html lang="de">' in page
    assert "<h1>Community-Richtlinien</h1>" in page


def test_the_switcher_is_a_form_in_every_pages_footer(client):
    page = client.get("/guidelines/").content.decode()
    footer = page[page.index('<footer class="footer">') :]
    assert f'action="{reverse("set_language")}" method="post"' in footer
    assert '<option value="en" lang="en" translate="no" selected>English</option>' in footer
    assert '<option value="de" lang="de" translate="no">Deutsch</option>' in footer
    assert '<input name="next" type="hidden" value="/guidelines/">' in footer


def test_the_switcher_saves_the_language_on_the_account(client):
    user = UserFactory.create()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    user.refresh_from_db()
    assert user.language == "de"


def test_an_unknown_language_is_refused_and_nothing_is_saved(client):
    user = UserFactory.create()
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    user.refresh_from_db()
    assert user.language == ""


def test_the_switcher_takes_only_a_post(client):
    assert client.get(reverse("set_language"), {"language": "de"}).status_code == 405


def test_a_saved_language_wins_over_the_cookie_and_the_browser(client):
    user = UserFactory.create(language="de")
    client.force_login(user)
    client.cookies[COOKIE] = "en"
    response = client.get(reverse("notifications"), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "de"
    assert "<h1>Benachrichtigungen</h1>" in response.content.decode()


def test_without_a_saved_language_the_browser_decides(client):
    client.force_login(UserFactory.create(language=""))
    assert client.get(reverse("notifications"), HTTP_ACCEPT_LANGUAGE="de")["Content-Language"] == "de"
    assert client.get(reverse("notifications"), HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"


def _settings_form(user, **changes):
    data = {
        "display_name": user.display_name,
        "country": "DE",
        "region": "DE-BY",
        "time_zone": user.time_zone,
        "language": "",
    }
    return {**data, **changes}


def test_account_settings_save_the_language_and_answer_in_it(client):
    user = UserFactory.create()
    client.force_login(user)
    assert '<option value="" selected>' in client.get(reverse("account_settings")).content.decode()
    response = client.post(reverse("account_settings"), _settings_form(user, language="de"), follow=True)
    user.refresh_from_db()
    assert user.language == "de"
    assert client.cookies[COOKIE].value == "de"
    page = response.content.decode()
    assert "Deine Einstellungen sind gespeichert." in page
    assert '<option value="de" selected>Deutsch</option>' in page


def test_account_settings_refuse_an_unknown_language_and_write_nothing(client):
    user = UserFactory.create(display_name="Ada")
    client.force_login(user)
    response = client.post(
        reverse("account_settings"), _settings_form(user, language="xx", display_name="Eve")
    )
    assert response.status_code == 400
    assert "Select a valid choice. xx is not one of the available choices." in response.content.decode()
    user.refresh_from_db()
    assert (user.language, user.display_name) == ("", "Ada")


def test_sign_up_keeps_the_language_the_page_was_shown_in_and_mails_in_it(
    client, django_capture_on_commit_callbacks
):
    data = {
        "email": "neu@example.com",
        "display_name": "Neu",
        "password1": "correct-horse-battery",
        "password2": "correct-horse-battery",
        "country": "DE",
        "region": "bayern",
        "date_of_birth": born_years_ago(30).isoformat(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signup"), data, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302
    assert User.objects.get(email="neu@example.com").language == "de"
    [message] = mail.outbox
    assert message.subject == "Bestätige deine E-Mail-Adresse für Joyreel"
    assert message.body.startswith("Hallo Neu,\n\nBitte bestätige, dass dies deine E-Mail-Adresse")
    assert "(er funktioniert 3 Tage lang)" in message.body


def test_an_english_sign_up_stays_english(client):
    data = {
        "email": "new@example.com",
        "display_name": "New",
        "password1": "correct-horse-battery",
        "password2": "correct-horse-battery",
        "date_of_birth": born_years_ago(30).isoformat(),
    }
    client.post(reverse("signup"), data)
    assert User.objects.get(email="new@example.com").language == "en"


def test_a_german_parent_is_notified_and_mailed_in_german_of_an_english_teens_change(client):
    parent = UserFactory.create(
        eligible_parent=True, display_name="Pat", language="de", wants_email_notifications=True
    )
    teen = UserFactory.create(date_of_birth=born_years_ago(14), display_name="Tia", language="en")
    family_pair(parent=parent, teen=teen)
    Notification.objects.filter(user=parent).delete()  # the link's own notification
    client.force_login(teen)
    response = client.post(
        reverse("account_screen_time"), {"daily_limit_minutes": 30, "is_restricted_mode": "on"}
    )
    assert response.status_code == 302
    assert "Your screen-time settings are saved." in [str(m) for m in response.wsgi_request._messages]
    [notification] = Notification.objects.filter(user=parent)
    assert notification.title == "Tia hat die eigenen Einstellungen strenger gemacht"
    assert notification.body == (
        "Geändert: Tageslimit, eingeschränkter Modus. Die Einstellungen findest du auf deiner Familienseite."
    )
    assert notifications.notifications_email_user(user_id=parent.pk, now=timezone.now()) == 1
    [message] = mail.outbox
    assert message.subject == "Du hast eine neue Benachrichtigung auf Joyreel"
    assert message.body.startswith("Hallo Pat,\n\n- Tia hat die eigenen Einstellungen strenger gemacht")
    assert "Du bekommst diese E-Mails, weil du sie angefordert hast." in message.body
    assert isinstance(message, EmailMultiAlternatives)
    assert '<html lang="de">' in str(message.alternatives[0][0])


def test_an_english_account_is_notified_in_english_whatever_the_request(client):
    parent = UserFactory.create(eligible_parent=True, display_name="Pat", language="")
    teen = UserFactory.create(date_of_birth=born_years_ago(14), display_name="Tia", language="de")
    family_pair(parent=parent, teen=teen)
    Notification.objects.filter(user=parent).delete()
    client.force_login(teen)
    client.post(reverse("account_screen_time"), {"daily_limit_minutes": 30, "is_restricted_mode": "on"})
    assert [n.title for n in Notification.objects.filter(user=parent)] == ["Tia made their settings stricter"]


@pytest.mark.parametrize(
    ("language", "detail"),
    [("en", "The email or password is not right."), ("de", "E-Mail oder Passwort stimmen nicht.")],
)
def test_the_apis_refusal_keeps_its_code_and_speaks_the_requests_language(api_client, language, detail):
    UserFactory.create(email="mia@example.com")
    response = api_client.post(
        reverse("api-login"),
        {"email": "mia@example.com", "password": "wrong"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    assert response.json() == {"detail": detail, "code": "login_refused"}


def test_drfs_own_refusal_is_german_too_with_the_same_code(api_client):
    english = api_client.get(reverse("api-me"))
    german = api_client.get(reverse("api-me"), HTTP_ACCEPT_LANGUAGE="de")
    assert english.status_code == german.status_code
    assert english.json()["code"] == german.json()["code"]
    assert german.json()["detail"] != english.json()["detail"]
    assert german.json()["detail"].startswith("Anmeldedaten fehlen")


@pytest.mark.parametrize(
    ("saved", "asked_in", "subject", "greeting"),
    [
        ("de", "en", "Setz dein Joyreel-Passwort zurück", "Hallo Ada,"),
        ("en", "de", "Reset your Joyreel password", "Hi Ada,"),
        ("", "de", "Reset your Joyreel password", "Hi Ada,"),  # no choice saved: the site's default
    ],
)
def test_the_password_reset_email_speaks_the_accounts_language_not_the_requests(
    client, saved, asked_in, subject, greeting
):
    UserFactory.create(email="ada@example.com", display_name="Ada", language=saved)
    response = client.post(
        reverse("password_reset"), {"email": "ada@example.com"}, HTTP_ACCEPT_LANGUAGE=asked_in
    )
    assert (response.status_code, response.url) == (302, reverse("password_reset_done"))
    [message] = mail.outbox
    assert (message.subject, message.body.splitlines()[0]) == (subject, greeting)
    # The page that answers is the asker's: it is their browser.
    done = client.get(response.url, HTTP_ACCEPT_LANGUAGE=asked_in)
    assert f'<html lang="{asked_in}">' in done.content.decode()
