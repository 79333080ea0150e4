"""Log-in, log-out, password reset and the rate limit on failed log-ins."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_login_with_any_case_of_the_email(client):
    user = UserFactory.create(email="mia@example.com")
    response = login(client, "  MIA@example.com", TEST_PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user


def test_failed_login_says_the_same_whether_or_not_the_email_exists(client):
    UserFactory.create(email="mia@example.com")
    wrong_password = login(client, "mia@example.com", "not-the-password")
    unknown_email = login(client, "nobody@example.com", "not-the-password")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert (
        wrong_password.context["form"].non_field_errors() == unknown_email.context["form"].non_field_errors()
    )
    assert "Please enter a correct email address and password." in wrong_password.content.decode()


def test_repeated_failures_lock_the_email_out_even_with_the_right_password(client, settings):
    UserFactory.create(email="mia@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "mia@example.com", "wrong").status_code == 200
    assert login(client, "mia@example.com", "wrong").status_code == 429
    locked = login(client, "mia@example.com", TEST_PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The refused attempt with the right password counts as a failure too.
    assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT + 1


def test_logout_needs_a_post_and_ends_the_session(client):
    user = UserFactory.create()
    client.force_login(user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    user = UserFactory.create(email="mia@example.com")
    response = client.post(reverse("password_reset"), {"email": "mia@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your Joyreel password"
    match = re.search(r"http://testserver(/accounts/reset/\S+/)", str(mail.outbox[0].body))
    assert match is not None
    link = match.group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_password = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-password", "new_password2": "a-brand-new-password"},
    )
    assert set_password.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-password")


def test_password_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


# --- the API -----------------------------------------------------------------


def test_api_login_returns_a_token(api_client):
    UserFactory.create(email="mia@example.com")
    response = api_client.post(
        reverse("api-login"), {"email": "mia@example.com", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_api_login_failure_does_not_say_whether_the_email_exists(api_client):
    UserFactory.create(email="mia@example.com")
    wrong = api_client.post(
        reverse("api-login"), {"email": "mia@example.com", "password": "x"}, format="json"
    )
    unknown = api_client.post(
        reverse("api-login"), {"email": "no@example.com", "password": "x"}, format="json"
    )
    assert wrong.status_code == unknown.status_code == 400
    assert (
        wrong.json()
        == unknown.json()
        == {"detail": "The email or password is not right.", "code": "login_refused"}
    )


def test_api_login_is_locked_after_repeated_failures(api_client, settings):
    UserFactory.create(email="mia@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(reverse("api-login"), {"email": "mia@example.com", "password": "x"}, format="json")
    response = api_client.post(
        reverse("api-login"), {"email": "mia@example.com", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many failed log-ins. Try again later.", "code": "rate_limited"}


def test_api_logout_deletes_the_token(api_client):
    from rest_framework.authtoken.models import Token

    user = UserFactory.create()
    token = Token.objects.create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.post(reverse("api-logout")).status_code == 204
    assert not Token.objects.filter(user=user).exists()
    assert api_client.get(reverse("api-me")).status_code == 401


def test_api_auth_endpoints_are_throttled(api_client, settings):
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"].split("/")[0])
    statuses = [
        api_client.post(reverse("api-signup"), {"email": "bad"}, format="json").status_code
        for _ in range(allowed + 1)
    ]
    assert statuses == [400] * allowed + [429]
