"""The Django admin: every registered model's pages load, and the user admin a moderator works in."""

import pytest
from django.contrib import admin
from django.urls import reverse

from platform.models import AuditEntry, User
from tests.factories import UserFactory, born_years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    superuser = UserFactory.create(email="boss@example.com", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    client.superuser = superuser
    return client


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_every_admin_changelist_loads(staff_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert staff_client.get(url).status_code == 200


def test_user_admin_add_and_change_pages_load(staff_client):
    user = UserFactory.create()
    assert staff_client.get(reverse("admin:platform_user_add")).status_code == 200
    assert staff_client.get(reverse("admin:platform_user_change", args=[user.pk])).status_code == 200


def test_user_admin_creates_a_user_by_email(staff_client):
    response = staff_client.post(
        reverse("admin:platform_user_add"),
        {
            "email": "Made.By.Admin@example.com",
            "display_name": "Made",
            "usable_password": "true",
            "password1": "a-long-admin-password",
            "password2": "a-long-admin-password",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.filter(email="made.by.admin@example.com").exists()


def test_user_admin_search_and_age_band_column(staff_client):
    UserFactory.create(email="teen@example.com", date_of_birth=born_years_ago(14))
    UserFactory.create(email="grown@example.com", date_of_birth=born_years_ago(40))
    response = staff_client.get(reverse("admin:platform_user_changelist"), {"q": "teen@"})
    html = response.content.decode()
    assert "teen@example.com" in html
    assert "grown@example.com" not in html
    assert "13–15" in html


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("under_13", {"twelve@example.com"}),
        ("13_15", {"thirteen@example.com", "fifteen@example.com"}),
        ("16_17", {"sixteen@example.com"}),
        ("adult", {"eighteen@example.com", "boss@example.com"}),
        ("unknown", {"nobirthday@example.com"}),
    ],
)
def test_user_admin_filters_by_age_band(staff_client, band, expected):
    UserFactory.create(email="twelve@example.com", date_of_birth=born_years_ago(13, days=1))
    UserFactory.create(email="thirteen@example.com", date_of_birth=born_years_ago(13))
    UserFactory.create(email="fifteen@example.com", date_of_birth=born_years_ago(16, days=1))
    UserFactory.create(email="sixteen@example.com", date_of_birth=born_years_ago(16))
    UserFactory.create(email="eighteen@example.com", date_of_birth=born_years_ago(18))
    UserFactory.create(email="nobirthday@example.com", date_of_birth=None)
    response = staff_client.get(reverse("admin:platform_user_changelist"), {"age_band": band})
    shown = {user.email for user in response.context["cl"].result_list}
    assert shown == expected


def test_verify_publisher_action_sets_the_flag_and_writes_an_audit_entry(staff_client):
    publisher = UserFactory.create(email="news@example.com")
    response = staff_client.post(
        reverse("admin:platform_user_changelist"),
        {"action": "verify_publishers", "_selected_action": [publisher.pk]},
    )
    assert response.status_code == 302
    publisher.refresh_from_db()
    assert publisher.is_verified_publisher is True
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.target_type, entry.target_id) == (
        "publisher.verify",
        staff_client.superuser,
        "platform.user",
        str(publisher.pk),
    )
    # Doing it again changes nothing and writes nothing.
    staff_client.post(
        reverse("admin:platform_user_changelist"),
        {"action": "verify_publishers", "_selected_action": [publisher.pk]},
    )
    assert AuditEntry.objects.count() == 1


def test_audit_entries_cannot_be_edited_or_deleted_in_the_admin(staff_client):
    entry = AuditEntry.objects.create(action="x", target_type="platform.user", target_id="1")
    change = staff_client.get(reverse("admin:platform_auditentry_change", args=[entry.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert staff_client.get(reverse("admin:platform_auditentry_delete", args=[entry.pk])).status_code == 403
    assert staff_client.get(reverse("admin:platform_auditentry_add")).status_code == 403


def test_non_staff_cannot_open_the_admin(client):
    client.force_login(UserFactory.create())
    response = client.get(reverse("admin:platform_user_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
