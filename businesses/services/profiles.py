"""Business profiles: an adult creator account becomes a business; staff verify it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_countries import countries

from businesses.models import BusinessProfile
from creators.models import CreatorProfile
from platform import age
from platform.errors import Conflict
from platform.models import User
from platform.regions import region_resolve
from platform.services import audit_record

ADULTS_ONLY = gettext_noop("Business accounts and promotions are for adults (18+).")


def business_user_check(*, user: User) -> None:
    """Refuse anyone the age policy does not let buy promotions (minors, unknown age)."""
    if not age.policy_for_user(user).may_buy_promotions:
        raise PermissionDenied(_(ADULTS_ONLY))


def _fields_clean(
    *, legal_name: str, category: str, country: str, region: str, website: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    legal_name = legal_name.strip()
    if not legal_name:
        errors["legal_name"] = _("Enter the business's legal name.")
    elif len(legal_name) > 120:
        errors["legal_name"] = _("At most 120 characters.")
    if category not in BusinessProfile.Category.values:
        errors["category"] = _("Choose one of the categories.")
    country = country.strip().upper()
    region_code: str | None = ""
    if country not in countries:
        errors["country"] = _("Choose the country the business is in.")
    else:
        region_code = region_resolve(country_code=country, value=region)
        if not region_code:
            errors["region"] = (
                _("That is not a region of the chosen country.")
                if region.strip()
                else _("Enter the region the business is in.")
            )
    website = website.strip()
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            errors["website"] = _("Enter a web address starting with https:// or http://.")
        if len(website) > 300:
            errors["website"] = _("At most 300 characters.")
    if errors:
        raise ValidationError(errors)
    return {
        "legal_name": legal_name,
        "category": category,
        "country": country,
        "region": region_code or "",
        "website": website,
    }


@transaction.atomic
def business_profile_create(
    *, user: User, legal_name: str, category: str, country: str, region: str, website: str = ""
) -> BusinessProfile:
    business_user_check(user=user)
    creator = CreatorProfile.objects.filter(user=user).first()
    if creator is None:
        raise ValidationError(
            _("Set up your creator profile in the studio first; the business builds on it.")
        )
    if BusinessProfile.objects.filter(creator=creator).exists():
        raise Conflict(_("This account already has a business profile."))
    fields = _fields_clean(
        legal_name=legal_name, category=category, country=country, region=region, website=website
    )
    try:
        with transaction.atomic():
            return BusinessProfile.objects.create(creator=creator, **fields)
    except IntegrityError as error:  # a concurrent create won the one-to-one
        raise Conflict(_("This account already has a business profile.")) from error


@transaction.atomic
def business_profile_update(
    *,
    business: BusinessProfile,
    legal_name: str,
    category: str,
    country: str,
    region: str,
    website: str = "",
) -> BusinessProfile:
    """Change the profile; a new legal name or place means staff must verify the business again."""
    business_user_check(user=business.creator.user)
    fields = _fields_clean(
        legal_name=legal_name, category=category, country=country, region=region, website=website
    )
    business = BusinessProfile.objects.select_for_update().get(pk=business.pk)
    identity_changed = (fields["legal_name"], fields["country"], fields["region"]) != (
        business.legal_name,
        str(business.country),
        business.region,
    )
    for name, value in fields.items():
        setattr(business, name, value)
    update_fields = [*fields, "updated_at"]
    if identity_changed and business.is_verified:
        business.is_verified, business.verified_at, business.verified_by = False, None, None
        update_fields += ["is_verified", "verified_at", "verified_by"]
    business.save(update_fields=update_fields)
    return business


@transaction.atomic
def business_profile_verify(*, business: BusinessProfile, actor: User) -> BusinessProfile:
    """Staff confirm the business is who it says; audited. Verifying twice changes nothing."""
    business = BusinessProfile.objects.select_for_update().get(pk=business.pk)
    if business.is_verified:
        return business
    business.is_verified = True
    business.verified_at = timezone.now()
    business.verified_by = actor
    business.save(update_fields=["is_verified", "verified_at", "verified_by", "updated_at"])
    audit_record(
        actor=actor,
        action="business.verify",
        target=business,
        detail={
            "legal_name": business.legal_name,
            "country": str(business.country),
            "region": business.region,
        },
    )
    return business
