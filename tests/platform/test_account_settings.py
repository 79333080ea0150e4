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
