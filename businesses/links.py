"""The ways into the business dashboard from the rest of the site: the header's entry, the settings'
offer to become a business, and "Promote" on a creator's own videos."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from businesses.models import BusinessProfile
from businesses.selectors import videos_promotable
from creators.models import CreatorProfile, Video
from platform import age
from platform.models import User


@dataclass(frozen=True, slots=True)
class BusinessLinks:
    """What the header and the settings offer one person: ``home_url`` for a business account,
    ``become_url`` for an adult creator without one; both None for minors and everyone else."""

    home_url: str | None = None
    become_url: str | None = None


NONE = BusinessLinks()


def business_links_of(*, user: object) -> BusinessLinks:
    """At most one query, none for anonymous visitors and minors (the age is on the user row)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return NONE
    if not age.policy_for_user(user).may_buy_promotions:
        return NONE
    # One row: the creator profile and, joined, its business (None when it has none).
    row = CreatorProfile.objects.filter(user=user).values_list("pk", "business__pk").first()
    if row is None:
        return NONE
    home = reverse("businesses:home")
    return BusinessLinks(home_url=home) if row[1] is not None else BusinessLinks(become_url=home)


def business_links_for(request: HttpRequest) -> BusinessLinks:
    """``business_links_of`` for the request's user, asked once per request however many templates
    (the header, the settings page) show it."""
    links = getattr(request, "_business_links", None)
    if links is None:
        links = business_links_of(user=getattr(request, "user", None))
        request._business_links = links  # type: ignore[attr-defined]
    return links


def promote_links(owner: CreatorProfile, videos: Sequence[Video]) -> dict[int, str]:
    """The promotion form with each video chosen, for the owner's videos a promotion may show
    (``videos_promotable``): one query for the whole list, none for a minor owner."""
    if not age.policy_for_user(owner.user).may_buy_promotions:
        return {}
    ids = [video.pk for video in videos if video.owner_id == owner.pk]
    if not ids:
        return {}
    # The selector reads only the business's creator; an adult creator without a business profile
    # sees Promote too, and the promotion form asks them to make the profile first.
    # (``creator_id``, not ``creator``: setting the relation would cache this stand-in on ``owner``).
    stand_in = BusinessProfile(creator_id=owner.pk)
    promotable = videos_promotable(business=stand_in).filter(pk__in=ids).values_list("pk", "public_id")
    form = reverse("businesses:promotion_new")
    return {pk: f"{form}?{urlencode({'video': str(public_id)})}" for pk, public_id in promotable}
