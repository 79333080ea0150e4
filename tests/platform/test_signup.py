"""Sign-up in the browser form and the API: the neutral age gate, bad input, and nothing written on refusal."""

import pytest
from django.urls import reverse

from platform.models import User
from platform.views import AGE_GATE_COOKIE
from tests.factories import UserFactory, born_years_ago

pytestmark = pytest.mark.django_db

GOOD = {
    "email": "New.Person@Example.com",
    "display_name": "New Person",
    "password1": "correct-horse-battery",
    "password2": "correct-horse-battery",
    "country": "DE",
    "region": "bayern",
}


def form_data(**changes):
    data = {**GOOD, "date_of_birth": born_years_ago(25).isoformat()}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_signup_page_asks_for_a_birthday_without_suggesting_one(client):
    response = client.get(reverse("signup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="date"' in html
    assert 'name="date_of_birth"' in html
    assert 'name="date_of_birth" value' not in html
    assert "13" not in response.context["form"]["date_of_birth"].label


def test_adult_signup_creates_a_public_account_and_logs_in(client):
    response = client.post(reverse("signup"), form_data())
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "new.person@example.com"
    assert user.region == "DE-BY"
    assert user.country.code == "DE"
    assert user.is_private is False
    assert user.check_password("correct-horse-battery")
    assert client.get(reverse("home")).context["user"] == user


def test_thirteen_year_old_gets_a_private_account(client):
    response = client.post(reverse("signup"), form_data(date_of_birth=born_years_ago(13).isoformat()))
    assert response.status_code == 302
    assert User.objects.get().is_private is True


def test_sixteen_year_old_account_is_public_by_default(client):
    client.post(reverse("signup"), form_data(date_of_birth=born_years_ago(16).isoformat()))
    assert User.objects.get().is_private is False


def test_under_thirteen_is_refused_and_nothing_is_written(client):
    response = client.post(reverse("signup"), form_data(date_of_birth=born_years_ago(13, days=1).isoformat()))
    assert response.status_code == 403
    assert "can't sign up" in response.content.decode()
    assert User.objects.count() == 0
    assert AGE_GATE_COOKIE in response.cookies


def test_refused_signup_cannot_be_retried_at_once_with_another_date(client):
    client.post(reverse("signup"), form_data(date_of_birth=born_years_ago(10).isoformat()))
    response = client.post(reverse("signup"), form_data(date_of_birth=born_years_ago(30).isoformat()))
    assert response.status_code == 403
    assert User.objects.count() == 0
    assert client.get(reverse("signup")).status_code == 403


def test_a_forged_age_gate_cookie_is_ignored(client):
    client.cookies[AGE_GATE_COOKIE] = "refused"
    assert client.get(reverse("signup")).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"email": None}, "email", "This field is required."),
        ({"password1": "short", "password2": "short"}, "password1", "This password is too short."),
        ({"password1": "password123", "password2": "password123"}, "password1", "too common"),
        ({"password2": "something-else-entirely"}, "password2", "The two passwords differ."),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "The date of birth is in the future."),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth", "older than 120"),
        ({"date_of_birth": "31/02/2001"}, "date_of_birth", "Enter a valid date."),
        ({"date_of_birth": None}, "date_of_birth", "This field is required."),
        ({"display_name": None}, "display_name", "This field is required."),
        ({"region": "Atlantis"}, "region", "That is not a region of the chosen country."),
        ({"country": "", "region": "Bayern"}, "region", "Choose a country before a region."),
        ({"country": "XX"}, "country", "Select a valid choice."),
    ],
)
def test_bad_signup_input_shows_the_error_at_the_field_and_writes_nothing(client, changes, field, message):
    response = client.post(reverse("signup"), form_data(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert any(message in error for error in errors[field])
    assert User.objects.count() == 0
    assert AGE_GATE_COOKIE not in response.cookies


def test_taken_email_is_refused_whatever_its_case(client):
    UserFactory.create(email="taken@example.com")
    response = client.post(reverse("signup"), form_data(email="TAKEN@example.com"))
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["An account with this email already exists."]
    assert User.objects.count() == 1


def test_password_similar_to_email_is_refused(client):
    response = client.post(
        reverse("signup"),
        form_data(
            email="jonathan.livingston@example.com",
            password1="jonathan.livingston",
            password2="jonathan.livingston",
        ),
    )
    assert response.status_code == 400
    assert "too similar" in " ".join(response.context["form"].errors["password1"])
    assert User.objects.count() == 0


def test_user_text_is_escaped_on_the_page(client):
    client.post(reverse("signup"), form_data(display_name="<script>alert(1)</script>"))
    html = client.get(reverse("home")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- the API -----------------------------------------------------------------


def api_data(**changes):
    data = {
        "email": "api.person@example.com",
        "display_name": "Api Person",
        "password": "correct-horse-battery",
        "date_of_birth": born_years_ago(20).isoformat(),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_api_signup_returns_a_token_that_authenticates(api_client):
    response = api_client.post(reverse("api-signup"), api_data(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["email"] == "api.person@example.com"
    assert body["user"]["age_band"] == "adult"
    assert "date_of_birth" not in body["user"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    me = api_client.get(reverse("api-me"))
    assert me.status_code == 200
    assert me.json()["display_name"] == "Api Person"


@pytest.mark.parametrize(
    ("changes", "status", "key"),
    [
        ({"email": "nope"}, 400, "email"),
        ({"password": "123"}, 400, "password"),
        ({"date_of_birth": "2999-01-01"}, 400, "date_of_birth"),
        ({"date_of_birth": None}, 400, "date_of_birth"),
        ({"display_name": "   "}, 400, "display_name"),
        ({"region": "DE-BY"}, 400, "region"),
    ],
)
def test_api_signup_rejects_bad_input_with_4xx_and_writes_nothing(api_client, changes, status, key):
    response = api_client.post(reverse("api-signup"), api_data(**changes), format="json")
    assert response.status_code == status
    assert key in response.json()
    assert User.objects.count() == 0


def test_api_signup_refuses_under_thirteen_and_writes_nothing(api_client):
    response = api_client.post(
        reverse("api-signup"), api_data(date_of_birth=born_years_ago(12).isoformat()), format="json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Sorry, you are not old enough to use Joyreel.",
        "code": "age_refused",
    }
    assert User.objects.count() == 0
    again = api_client.post(reverse("api-signup"), api_data(), format="json")
    assert again.status_code == 403
    assert User.objects.count() == 0


def test_api_signup_taken_email(api_client):
    UserFactory.create(email="api.person@example.com")
    response = api_client.post(reverse("api-signup"), api_data(email="Api.Person@example.com"), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "email": ["An account with this email already exists."],
        "codes": {"email": ["taken"]},
    }
    assert User.objects.count() == 1


# --- where the account was made, and the email confirmation --------------------------------------------


def test_signup_records_the_address_and_the_hashed_browser_and_emails_a_confirmation_link(
    client, django_capture_on_commit_callbacks
):
    from django.core import mail

    from platform.origin import BROWSER_COOKIE, browser_hash

    client.get(reverse("signup"), REMOTE_ADDR="198.51.100.7")
    browser = client.cookies[BROWSER_COOKIE]
    assert browser["httponly"]
    assert browser["samesite"] == "Lax"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signup"), form_data(), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    user = User.objects.get()
    assert user.signup_address == "198.51.100.7"
    assert user.signup_browser == browser_hash(browser.value) != browser.value
    assert user.email_confirmed_at is None
    [message] = mail.outbox
    assert message.to == ["new.person@example.com"]
    assert "/accounts/confirm-email/" in message.body


def test_api_signup_records_the_address_through_the_proxy_count_and_emails_the_link(
    api_client, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    body = {
        "email": "api.person@example.com",
        "display_name": "Api",
        "date_of_birth": born_years_ago(30).isoformat(),
        "password": "correct-horse-battery",
    }
    # No trusted proxy: a forged X-Forwarded-For is not the address.
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            reverse("api-signup"),
            body,
            format="json",
            REMOTE_ADDR="198.51.100.8",
            HTTP_X_FORWARDED_FOR="10.9.9.9",
        )
    assert response.status_code == 201
    user = User.objects.get(email="api.person@example.com")
    assert user.signup_address == "198.51.100.8"
    assert len(user.signup_browser) == 64
    assert [message.to for message in mail.outbox] == [["api.person@example.com"]]
