"""Business profiles: adults only, validated like users' places, verified by staff with an audit entry."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from businesses import services
from businesses.models import BusinessProfile
from platform.errors import Conflict
from platform.models import AuditEntry
from tests.businesses.factories import BusinessFactory
from tests.factories import CreatorFactory, UserFactory, born_years_ago

pytestmark = pytest.mark.django_db

VALID = {
    "legal_name": "Bea's Bakery GmbH",
    "category": "food_and_drink",
    "country": "DE",
    "region": "DE-BY",
    "website": "https://bea.example",
}


def _creator(years=30, **user_fields):
    return CreatorFactory.create(user=UserFactory.create(date_of_birth=born_years_ago(years), **user_fields))


def test_an_adult_creator_becomes_a_business():
    creator = _creator()
    business = services.business_profile_create(user=creator.user, **{**VALID, "region": "Bayern"})
    business.refresh_from_db()
    assert (business.creator, business.legal_name, business.category) == (
        creator,
        "Bea's Bakery GmbH",
        "food_and_drink",
    )
    assert (str(business.country), business.region, business.website) == (
        "DE",
        "DE-BY",
        "https://bea.example",
    )
    assert (business.is_verified, business.verified_at, business.verified_by) == (False, None, None)


@pytest.mark.parametrize("years", [12, 15, 17])
def test_a_minor_cannot_become_a_business(years):
    creator = _creator(years)
    with pytest.raises(PermissionDenied):
        services.business_profile_create(user=creator.user, **VALID)
    assert not BusinessProfile.objects.exists()


def test_an_account_of_unknown_age_cannot_become_a_business():
    creator = CreatorFactory.create(user=UserFactory.create(date_of_birth=None))
    with pytest.raises(PermissionDenied):
        services.business_profile_create(user=creator.user, **VALID)
    assert not BusinessProfile.objects.exists()


def test_a_business_needs_a_creator_profile_first():
    user = UserFactory.create()
    with pytest.raises(ValidationError, match="creator profile"):
        services.business_profile_create(user=user, **VALID)
    assert not BusinessProfile.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("legal_name", "   ", "Enter the business's legal name."),
        ("legal_name", "x" * 121, "At most 120 characters."),
        ("category", "casino", "Choose one of the categories."),
        ("country", "XX", "Choose the country the business is in."),
        ("region", "FR-75", "That is not a region of the chosen country."),
        ("region", "", "Enter the region the business is in."),
        ("website", "javascript:alert(1)", "Enter a web address starting with https:// or http://."),
        ("website", "ftp://bea.example", "Enter a web address starting with https:// or http://."),
    ],
)
def test_bad_business_input_is_refused_and_nothing_is_written(field, value, message):
    creator = _creator()
    with pytest.raises(ValidationError) as refused:
        services.business_profile_create(user=creator.user, **{**VALID, field: value})
    assert refused.value.message_dict == {field: [message]}
    assert not BusinessProfile.objects.exists()


def test_one_account_has_one_business():
    business = BusinessFactory.create()
    with pytest.raises(Conflict):
        services.business_profile_create(user=business.creator.user, **VALID)
    assert BusinessProfile.objects.count() == 1


def test_a_new_legal_name_needs_verifying_again_but_a_new_website_does_not():
    staff = UserFactory.create(is_staff=True)
    business = services.business_profile_verify(business=BusinessFactory.create(), actor=staff)
    kept = services.business_profile_update(
        business=business, **{**VALID, "legal_name": business.legal_name, "website": "https://new.example"}
    )
    assert (kept.is_verified, kept.verified_by) == (True, staff)
    renamed = services.business_profile_update(business=business, **VALID)
    renamed.refresh_from_db()
    assert (renamed.legal_name, renamed.is_verified, renamed.verified_at, renamed.verified_by) == (
        "Bea's Bakery GmbH",
        False,
        None,
        None,
    )


def test_verifying_writes_one_audit_entry_and_verifying_again_changes_nothing():
    staff = UserFactory.create(is_staff=True)
    business = BusinessFactory.create()
    verified = services.business_profile_verify(business=business, actor=staff)
    first_time = verified.verified_at
    services.business_profile_verify(business=business, actor=staff)
    business.refresh_from_db()
    assert (business.is_verified, business.verified_at, business.verified_by) == (True, first_time, staff)
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target_type, entry.target_id) == (
        staff,
        "business.verify",
        "businesses.businessprofile",
        str(business.pk),
    )
    assert entry.detail == {"legal_name": business.legal_name, "country": "DE", "region": "DE-BY"}


def test_the_admin_verify_action_goes_through_the_service(client):
    boss = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(boss)
    business = BusinessFactory.create()
    response = client.post(
        reverse("admin:businesses_businessprofile_changelist"),
        {"action": "verify", "_selected_action": [business.pk]},
    )
    assert response.status_code == 302
    business.refresh_from_db()
    assert (business.is_verified, business.verified_by) == (True, boss)
    assert AuditEntry.objects.filter(action="business.verify", target_id=str(business.pk)).count() == 1
    assert (
        client.get(reverse("admin:businesses_businessprofile_change", args=[business.pk])).status_code == 200
    )


# --- the page ----------------------------------------------------------------------------


def test_the_business_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/business/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("years", [13, 17])
def test_the_business_page_refuses_minors_and_writes_nothing(client, years):
    creator = _creator(years)
    client.force_login(creator.user)
    assert client.get("/business/").status_code == 403
    assert client.post("/business/", VALID).status_code == 403
    assert not BusinessProfile.objects.exists()


def test_the_business_page_sends_a_user_without_creator_profile_to_the_studio(client):
    user = UserFactory.create()
    client.force_login(user)
    response = client.get("/business/")
    assert response.status_code == 200
    assert reverse("creators:studio_profile") in response.content.decode()
    assert client.post("/business/", VALID).status_code == 400
    assert not BusinessProfile.objects.exists()


def test_the_business_page_creates_then_edits_the_profile(client):
    creator = _creator()
    client.force_login(creator.user)
    page = client.get("/business/")
    assert page.status_code == 200
    assert "Create the business profile" in page.content.decode()
    assert client.post("/business/", VALID)["Location"] == "/business/"
    assert BusinessProfile.objects.get().legal_name == "Bea's Bakery GmbH"
    client.post("/business/", {**VALID, "website": "https://bea-bakery.example"})
    assert BusinessProfile.objects.get().website == "https://bea-bakery.example"
    assert "Waiting for our team to verify" in client.get("/business/").content.decode()


def test_the_business_page_shows_the_error_and_writes_nothing(client):
    creator = _creator()
    client.force_login(creator.user)
    response = client.post("/business/", {**VALID, "region": "Texas"})
    assert response.status_code == 400
    assert "That is not a region of the chosen country." in response.content.decode()
    assert not BusinessProfile.objects.exists()


# --- the API -----------------------------------------------------------------------------


def test_the_profile_api_creates_reads_and_updates_the_own_business(api_client):
    creator = _creator()
    api_client.force_authenticate(creator.user)
    assert api_client.get("/api/v1/business/profile").status_code == 404
    created = api_client.post("/api/v1/business/profile", VALID, format="json")
    assert created.status_code == 201
    assert created.json() == {
        "handle": creator.handle, "legal_name": "Bea's Bakery GmbH", "category": "food_and_drink",
        "country": "DE", "region": "DE-BY", "website": "https://bea.example", "is_verified": False,
        "verified_at": None,
    }  # fmt: skip
    updated = api_client.post("/api/v1/business/profile", {**VALID, "category": "retail"}, format="json")
    assert (updated.status_code, updated.json()["category"]) == (200, "retail")
    assert api_client.get("/api/v1/business/profile").json()["category"] == "retail"


def test_the_profile_api_refuses_minors_and_anonymous_callers(api_client):
    assert api_client.get("/api/v1/business/profile").status_code == 401
    creator = _creator(16)
    api_client.force_authenticate(creator.user)
    assert api_client.get("/api/v1/business/profile").status_code == 403
    refused = api_client.post("/api/v1/business/profile", VALID, format="json")
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Business accounts and promotions are for adults (18+).",
        "code": "permission_denied",
    }
    assert not BusinessProfile.objects.exists()


def test_the_profile_api_names_the_bad_field_and_writes_nothing(api_client):
    creator = _creator()
    api_client.force_authenticate(creator.user)
    response = api_client.post("/api/v1/business/profile", {**VALID, "website": "not a url"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "website": ["Enter a web address starting with https:// or http://."],
        "codes": {"website": ["invalid"]},
    }
    assert not BusinessProfile.objects.exists()


def test_the_admin_lists_and_shows_promotions_payments_and_events(client, stripe_local):
    from businesses import services as business_services
    from tests.businesses.helpers import business_with_video

    boss = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(boss)
    business, video = business_with_video()
    promotion = business_services.promotion_create(
        business=business, video=video, goal="video_views", budget_cents=2000, duration_days=2
    )
    payment = business_services.promotion_pay_start(promotion=promotion).payment
    for name, pk in (("promotion", promotion.pk), ("payment", payment.pk)):
        assert client.get(reverse(f"admin:businesses_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:businesses_{name}_change", args=[pk])).status_code == 200
    assert client.get(reverse("admin:businesses_stripeevent_changelist")).status_code == 200
