"""Account settings in the browser and the API."""

import pytest
from django.urls import reverse

from platform.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_settings_need_a_login(client):
    response = client.get(reverse("account_settings"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_settings_save_display_name_region_and_privacy(client):
    user = UserFactory.create(display_name="Old", country="DE", region="DE-BY", is_private=False)
    client.force_login(user)
    page = client.get(reverse("account_settings"))
    assert 'value="DE-BE"' in page.content.decode()  # region suggestions for the user's country
    response = client.post(
        reverse("account_settings"),
        {"display_name": "New name", "country": "FR", "region": "FR-IDF", "is_private": "on"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.country.code, user.region, user.is_private) == (
        "New name",
        "FR",
        "FR-IDF",
        True,
    )


def test_settings_refuse_a_region_of_another_country_and_change_nothing(client):
    user = UserFactory.create(display_name="Old", country="DE", region="DE-BY")
    client.force_login(user)
    response = client.post(
        reverse("account_settings"), {"display_name": "New name", "country": "DE", "region": "FR-IDF"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["region"] == ["That is not a region of the chosen country."]
    user.refresh_from_db()
    assert (user.display_name, user.region) == ("Old", "DE-BY")


def test_api_me_update_is_scoped_to_the_caller(api_client):
    me, other = UserFactory.create(display_name="Me"), UserFactory.create(display_name="Other")
    api_client.force_authenticate(me)
    response = api_client.put(
        reverse("api-me"),
        {"display_name": "Me again", "country": "DE", "region": "DE-BE", "is_private": True},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["region"] == "DE-BE"
    assert User.objects.get(pk=other.pk).display_name == "Other"


def test_api_regions_lists_a_countrys_subdivisions(api_client):
    response = api_client.get(reverse("api-regions"), {"country": "DE"})
    assert response.status_code == 200
    regions = response.json()
    assert len(regions) == 16
    assert {"code": "DE-BY", "name": "Bayern"} in regions


# --- the email confirmation ----------------------------------------------------------------------------


def test_the_confirmation_link_shows_a_button_and_its_post_confirms(client):
    from platform.email_confirmation import email_confirmation_token

    user = UserFactory.create()
    path = reverse("email_confirm", args=[email_confirmation_token(user=user)])
    assert client.get(path).status_code == 200
    user.refresh_from_db()
    assert user.email_confirmed_at is None  # a mail scanner opening the link confirms nothing
    assert client.post(path).status_code == 302
    user.refresh_from_db()
    assert user.email_confirmed_at is not None


@pytest.mark.parametrize("kind", ["forged", "old", "other address"])
def test_a_bad_confirmation_link_is_refused_and_writes_nothing(client, monkeypatch, kind):
    import time

    from platform.email_confirmation import email_confirmation_token

    user = UserFactory.create()
    if kind == "forged":
        token = email_confirmation_token(user=user)[:-3] + "abc"
    elif kind == "old":
        four_days_ago = time.time() - 4 * 24 * 60 * 60
        with monkeypatch.context() as patch:
            patch.setattr("django.core.signing.time.time", lambda: four_days_ago)
            token = email_confirmation_token(user=user)
    else:
        token = email_confirmation_token(user=UserFactory.build(pk=user.pk, email="someone@example.com"))
    response = client.post(reverse("email_confirm", args=[token]))
    assert response.status_code == 400
    assert "This link doesn" in response.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is None


def test_settings_show_the_email_state_and_send_the_link_again_a_few_times_an_hour(
    client, django_capture_on_commit_callbacks
):
    from django.core import mail

    from platform.email_confirmation import EMAIL_CONFIRMATION_SENDS

    user = UserFactory.create()
    client.force_login(user)
    html = client.get(reverse("account_settings")).content.decode()
    assert "· not confirmed yet" in html
    assert "Send the link again" in html
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(EMAIL_CONFIRMATION_SENDS + 2):
            assert client.post(reverse("email_confirmation_resend")).status_code == 302
    assert len(mail.outbox) == EMAIL_CONFIRMATION_SENDS
    page = client.get(reverse("account_settings")).content.decode()
    assert "We sent you several links in the last hour." in page
    user.email_confirmed_at = user.date_joined
    user.save(update_fields=["email_confirmed_at"])
    html = client.get(reverse("account_settings")).content.decode()
    assert "· confirmed" in html
    assert "Send the link again" not in html
