"""A linked teen tries to undo what their parent set, through every route that reaches those settings:
while linked, only the parent loosens anything, the teen may only make things stricter, and each side is
told of the other's changes."""

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from platform import screen_time
from platform.models import AuditEntry, Notification, User
from tests.factories import UserFactory, born_years_ago, family_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(client):
    """Pat set Tia's limit to 30 minutes, restricted mode on, followers approved; Tia's browser is
    logged in as Tia; the notifications of the set-up are cleared."""
    parent = UserFactory.create(eligible_parent=True, display_name="Pat")
    teen = UserFactory.create(date_of_birth=born_years_ago(15), display_name="Tia", is_private=True)
    family_pair(parent=parent, teen=teen)
    client.force_login(parent)
    response = client.post(
        reverse("family_teen_settings", args=[teen.pk]),
        {
            f"teen{teen.pk}-daily_limit_minutes": "30",
            f"teen{teen.pk}-is_restricted_mode": "on",
            f"teen{teen.pk}-follow_policy": "approved",
            f"teen{teen.pk}-is_private": "on",
        },
    )
    assert response.status_code == 302
    client.force_login(teen)
    Notification.objects.all().delete()
    return parent, teen


def settings_of(user: User) -> tuple[object, ...]:
    user.refresh_from_db()
    return (
        user.daily_limit_minutes,
        user.is_restricted_mode,
        user.follow_policy,
        user.is_private,
        user.screen_time_passcode,
    )


PARENTS_SETTINGS = (30, True, "approved", True, "")


def test_the_teen_cannot_raise_the_limit_and_turn_restricted_mode_off_from_their_settings_page(
    family, client
):
    _, teen = family
    audit_before = AuditEntry.objects.count()
    response = client.post(
        reverse("account_screen_time"), {"daily_limit_minutes": "60", "passcode": "", "passcode2": ""}
    )
    assert response.status_code == 400
    errors = response.context["screen_time_form"].errors
    assert errors["daily_limit_minutes"] == [
        "Your linked parent sets your daily limit: you can lower it, only they can raise it. Ask them for more time."
    ]
    assert errors["is_restricted_mode"] == [
        "Your linked parent decides about restricted mode: only they can turn it off."
    ]
    assert settings_of(teen) == PARENTS_SETTINGS
    assert AuditEntry.objects.count() == audit_before
    assert Notification.objects.count() == 0


def test_a_blank_limit_is_the_band_default_and_raises_the_parents_30_minutes(family, client):
    _, teen = family
    response = client.post(
        reverse("account_screen_time"),
        {"daily_limit_minutes": "", "is_restricted_mode": "on", "passcode": "", "passcode2": ""},
    )
    assert response.status_code == 400
    assert "daily_limit_minutes" in response.context["screen_time_form"].errors
    assert settings_of(teen) == PARENTS_SETTINGS
    assert Notification.objects.count() == 0


def test_a_refused_limit_writes_none_of_the_forms_other_changes(family, client):
    """All or nothing: the restricted-mode half of a refused form is not saved either."""
    parent, teen = family
    screen_time.screen_time_settings_apply(user=teen, actor=parent, changes={"is_restricted_mode": False})
    Notification.objects.all().delete()
    response = client.post(
        reverse("account_screen_time"),
        {"daily_limit_minutes": "45", "is_restricted_mode": "on", "passcode": "", "passcode2": ""},
    )
    assert response.status_code == 400
    teen.refresh_from_db()
    assert (teen.daily_limit_minutes, teen.is_restricted_mode) == (30, False)
    assert Notification.objects.count() == 0


def test_the_teen_cannot_set_a_passcode_their_parent_has_not_set(family, client):
    _, teen = family
    page = client.get(reverse("account_settings")).content.decode()
    assert 'name="passcode"' not in page
    assert "Only your parent can set one." in page
    response = client.post(
        reverse("account_screen_time"),
        {"daily_limit_minutes": "30", "is_restricted_mode": "on", "passcode": "1234", "passcode2": "1234"},
    )
    assert response.status_code == 400
    assert settings_of(teen) == PARENTS_SETTINGS
    assert Notification.objects.count() == 0


def test_the_teen_cannot_make_their_account_public_from_the_settings_page_or_the_api(
    family, client, api_client
):
    _, teen = family
    response = client.post(
        reverse("account_settings"),
        {"display_name": "Tia T", "country": "DE", "region": "", "time_zone": "UTC"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["is_private"] == [
        "Your linked parent decides who may follow you: only they can make your account public."
    ]
    api_client.force_authenticate(teen)
    response = api_client.put(
        reverse("api-me"),
        {"display_name": "Tia T", "country": "DE", "region": "", "is_private": False},
        format="json",
    )
    assert response.status_code == 400
    assert settings_of(teen) == PARENTS_SETTINGS
    assert User.objects.get(pk=teen.pk).display_name == "Tia"
    assert Notification.objects.count() == 0


def test_the_teen_cannot_let_more_people_follow(family):
    _, teen = family
    with pytest.raises(ValidationError, match="only make it stricter"):
        screen_time.screen_time_settings_apply(user=teen, actor=teen, changes={"follow_policy": "everyone"})
    assert settings_of(teen) == PARENTS_SETTINGS


def test_the_teen_may_make_things_stricter_and_the_parent_is_told(family, client):
    parent, teen = family
    response = client.post(
        reverse("account_screen_time"),
        {"daily_limit_minutes": "20", "is_restricted_mode": "on", "passcode": "", "passcode2": ""},
    )
    assert response.status_code == 302
    screen_time.screen_time_settings_apply(user=teen, actor=teen, changes={"follow_policy": "nobody"})
    assert settings_of(teen)[:3] == (20, True, "nobody")
    told = list(Notification.objects.filter(user=parent).order_by("id").values_list("title", "body"))
    assert told == [
        ("Tia made their settings stricter", "Changed: daily limit. See their settings on your family page."),
        (
            "Tia made their settings stricter",
            "Changed: who may follow. See their settings on your family page.",
        ),
    ]
    assert not Notification.objects.filter(user=teen).exists()


def test_the_parents_changes_reach_the_teen_and_their_page_shows_the_passcode_state(family, client):
    parent, teen = family
    client.force_login(parent)
    assert "No passcode is set" in client.get(reverse("family")).content.decode()
    response = client.post(
        reverse("family_teen_passcode", args=[teen.pk]), {f"teen{teen.pk}-passcode": "4821"}
    )
    assert response.status_code == 302
    assert "A passcode is set." in client.get(reverse("family")).content.decode()
    client.post(
        reverse("family_teen_settings", args=[teen.pk]),
        {
            f"teen{teen.pk}-daily_limit_minutes": "90",
            f"teen{teen.pk}-is_restricted_mode": "on",
            f"teen{teen.pk}-follow_policy": "approved",
            f"teen{teen.pk}-is_private": "on",
        },
    )
    told = list(Notification.objects.filter(user=teen).order_by("id").values_list("title", "body"))
    assert told == [
        ("Pat changed your settings", "Changed: passcode. See them in your account settings."),
        ("Pat changed your settings", "Changed: daily limit. See them in your account settings."),
    ]
    teen.refresh_from_db()
    assert teen.daily_limit_minutes == 90
    assert check_password("4821", teen.screen_time_passcode)


def test_linking_drops_a_passcode_the_teen_chose_before():
    teen = UserFactory.create(date_of_birth=born_years_ago(14))
    screen_time.screen_time_passcode_set(user=teen, passcode="1111", actor=teen)
    family_pair(parent=UserFactory.create(eligible_parent=True), teen=teen)
    teen.refresh_from_db()
    assert teen.screen_time_passcode == ""


def test_an_unlinked_teen_keeps_the_old_rules(client):
    """Without a parent the band's rules alone apply: lower the limit, set a passcode, go public."""
    teen = UserFactory.create(date_of_birth=born_years_ago(16), daily_limit_minutes=30)
    client.force_login(teen)
    response = client.post(
        reverse("account_screen_time"),
        {"daily_limit_minutes": "45", "passcode": "2468", "passcode2": "2468"},
    )
    assert response.status_code == 302
    teen.refresh_from_db()
    assert teen.daily_limit_minutes == 45
    assert check_password("2468", teen.screen_time_passcode)
    assert Notification.objects.count() == 0
