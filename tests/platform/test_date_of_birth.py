"""A date of birth is not the user's to change: settings and the API ignore it, and support corrects it
only to an earlier date (older than stated), on evidence, audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from platform import services
from platform.age import AgeBand
from platform.models import AuditEntry, User
from tests.factories import UserFactory, born_years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def support():
    return UserFactory.create(email="support@example.com", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("years", [13, 15, 16, 17])
def test_a_teen_posting_an_adult_date_of_birth_to_settings_changes_nothing(client, years):
    born = born_years_ago(years)
    young = UserFactory.create(date_of_birth=born, display_name="Old")
    client.force_login(young)
    response = client.post(
        reverse("account_settings"),
        {"display_name": "New", "country": "DE", "region": "", "date_of_birth": "1980-01-01"},
    )
    assert response.status_code == 302  # the rest of the form saves; the date is not a field of it
    young.refresh_from_db()
    assert (young.display_name, young.date_of_birth) == ("New", born)
    assert "date_of_birth" not in client.get(reverse("account_settings")).context["form"].fields


@pytest.mark.parametrize("years", [13, 15, 16, 17])
def test_a_teen_putting_an_adult_date_of_birth_to_the_api_changes_nothing(api_client, years):
    born = born_years_ago(years)
    young = UserFactory.create(date_of_birth=born)
    api_client.force_authenticate(young)
    response = api_client.put(
        reverse("api-me"),
        {
            "display_name": "Me",
            "country": "DE",
            "region": "",
            "is_private": True,
            "date_of_birth": "1980-01-01",
        },
        format="json",
    )
    assert response.status_code == 200
    young.refresh_from_db()
    assert young.date_of_birth == born
    assert response.json()["age_band"] == young.age_band


def test_support_corrects_a_teens_date_to_an_earlier_one_with_evidence(support):
    stated = born_years_ago(15)
    person = UserFactory.create(date_of_birth=stated)
    real = born_years_ago(19)
    services.user_date_of_birth_correct(
        actor=support, user=person, date_of_birth=real, evidence=" ID card #42 "
    )
    person.refresh_from_db()
    assert person.date_of_birth == real
    assert person.age_band == AgeBand.ADULT
    entry = AuditEntry.objects.get(action="user.date_of_birth_correct")
    assert entry.actor == support
    assert entry.target_id == str(person.pk)
    assert entry.detail == {"old": stated.isoformat(), "new": real.isoformat(), "evidence": "ID card #42"}


@pytest.mark.parametrize("years_stated", [19, 16, 14])
def test_a_later_date_is_refused_and_nothing_is_written(support, years_stated):
    stated = born_years_ago(years_stated)
    person = UserFactory.create(date_of_birth=stated)
    for later in (stated + datetime.timedelta(days=1), stated):
        with pytest.raises(ValidationError) as refused:
            services.user_date_of_birth_correct(
                actor=support, user=person, date_of_birth=later, evidence="ID"
            )
        assert refused.value.message_dict["date_of_birth"] == [
            "A date of birth can only be corrected to an earlier date (older than stated)."
        ]
    person.refresh_from_db()
    assert person.date_of_birth == stated
    assert AuditEntry.objects.count() == 0


def test_a_correction_without_evidence_is_refused_and_nothing_is_written(support):
    stated = born_years_ago(15)
    person = UserFactory.create(date_of_birth=stated)
    with pytest.raises(ValidationError) as refused:
        services.user_date_of_birth_correct(
            actor=support, user=person, date_of_birth=born_years_ago(20), evidence="   "
        )
    assert "evidence" in refused.value.message_dict
    person.refresh_from_db()
    assert person.date_of_birth == stated
    assert AuditEntry.objects.count() == 0


def test_only_staff_may_correct_a_date_of_birth(support):
    stated = born_years_ago(15)
    person = UserFactory.create(date_of_birth=stated)
    with pytest.raises(PermissionDenied):
        services.user_date_of_birth_correct(
            actor=person, user=person, date_of_birth=born_years_ago(20), evidence="trust me"
        )
    person.refresh_from_db()
    assert person.date_of_birth == stated
    assert AuditEntry.objects.count() == 0


def test_the_admin_change_form_cannot_edit_a_date_of_birth(client, support):
    person = UserFactory.create(date_of_birth=born_years_ago(15))
    client.force_login(support)
    form = client.get(reverse("admin:platform_user_change", args=[person.pk])).context["adminform"].form
    assert "date_of_birth" not in form.fields


def test_the_admin_action_opens_the_correction_form_for_one_account(client, support):
    person = UserFactory.create(date_of_birth=born_years_ago(15))
    client.force_login(support)
    response = client.post(
        reverse("admin:platform_user_changelist"),
        {"action": "correct_date_of_birth", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:platform_user_date_of_birth", args=[person.pk])


def test_the_admin_correction_form_corrects_and_refuses_a_later_date(client, support):
    stated = born_years_ago(15)
    person = UserFactory.create(date_of_birth=stated)
    client.force_login(support)
    url = reverse("admin:platform_user_date_of_birth", args=[person.pk])
    assert client.get(url).status_code == 200
    refused = client.post(
        url, {"date_of_birth": (stated + datetime.timedelta(days=30)).isoformat(), "evidence": "ID"}
    )
    assert refused.status_code == 400
    assert "only be corrected to an earlier date" in refused.content.decode()
    assert User.objects.get(pk=person.pk).date_of_birth == stated
    real = born_years_ago(18)
    done = client.post(url, {"date_of_birth": real.isoformat(), "evidence": "Passport seen by support"})
    assert done.status_code == 302
    assert User.objects.get(pk=person.pk).date_of_birth == real
    assert AuditEntry.objects.get(action="user.date_of_birth_correct").detail["evidence"] == (
        "Passport seen by support"
    )
