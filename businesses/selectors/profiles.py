"""The business shown on its profile page, and where "Visit website" may send a viewer."""

from __future__ import annotations

from django.urls import reverse

from businesses.models import BusinessProfile
from creators.hooks import ProfileBadge
from creators.models import CreatorProfile
from platform import blocking
from platform.models import User
from platform.regions import region_name


def website_links_out(business: BusinessProfile) -> bool:
    """Whether the site sends people on to the business's website: only once staff verified the business.

    An unverified account's "Visit website" would be a redirect through our domain to wherever its owner
    likes (a laundering link for phishing); its address is shown as text instead."""
    return business.is_verified and business.website.startswith(("https://", "http://"))


def business_website_target(*, handle: str, viewer: User | None) -> BusinessProfile | None:
    """The business whose website ``/@handle/website`` may send this viewer to, or None (a 404): none
    for an unverified business, and none between accounts where either blocked the other."""
    business = (
        BusinessProfile.objects.select_related("creator").filter(creator__handle__iexact=handle).first()
    )
    if business is None or not website_links_out(business):
        return None
    if viewer is not None and blocking.block_exists_between(
        user_id=viewer.pk, other_id=business.creator.user_id
    ):
        return None
    return business


def is_verified_business(user_id: int) -> bool:
    """Whether the account is a verified business: it may put links in comments
    (``creators.hooks.provide_link_permission``)."""
    return BusinessProfile.objects.filter(creator__user_id=user_id, is_verified=True).exists()


def profile_badge(creator: CreatorProfile) -> ProfileBadge | None:
    """What ``/@handle`` shows of a creator that is a business (``creators.hooks.provide_profile_badge``)."""
    business = (
        BusinessProfile.objects.filter(creator=creator)
        .only("legal_name", "category", "country", "region", "website", "is_verified")
        .first()
    )
    if business is None:
        return None
    links_out = website_links_out(business)
    return ProfileBadge(
        name=business.legal_name,
        category=business.get_category_display(),
        place=", ".join(
            part
            for part in (region_name(business.region) if business.region else "", business.country.name)
            if part
        ),
        is_verified=business.is_verified,
        website_url=reverse("businesses:website", args=[creator.handle]) if links_out else None,
        website_text="" if links_out else business.website,
    )
