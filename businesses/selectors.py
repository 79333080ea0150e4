"""Reads of the businesses app, each scoped to what the requester owns."""

from __future__ import annotations

from businesses.models import BusinessProfile
from platform.models import User


def business_of(*, user: User) -> BusinessProfile | None:
    """The business profile of a user's creator profile, if it has one."""
    if not user.is_authenticated:
        return None
    return (
        BusinessProfile.objects.select_related("creator", "creator__user").filter(creator__user=user).first()
    )
