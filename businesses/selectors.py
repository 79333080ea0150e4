"""Reads of the businesses app, each scoped to what the requester owns."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from businesses.models import BusinessProfile, Payment, Promotion, Refund
from creators.models import Video
from platform.models import User


def business_of(*, user: User) -> BusinessProfile | None:
    """The business profile of a user's creator profile, if it has one."""
    if not user.is_authenticated:
        return None
    return (
        BusinessProfile.objects.select_related("creator", "creator__user").filter(creator__user=user).first()
    )


def promotions_of(*, business: BusinessProfile) -> QuerySet[Promotion]:
    return (
        Promotion.objects.filter(business=business)
        .select_related("video")
        .prefetch_related("topics")
        .order_by("-created_at", "-id")
    )


def promotion_of(*, business: BusinessProfile, public_id: uuid.UUID | str) -> Promotion | None:
    """One of this business's promotions; another business's looks exactly like a missing one."""
    return promotions_of(business=business).filter(public_id=public_id).first()


def videos_promotable(*, business: BusinessProfile) -> QuerySet[Video]:
    """The business's own videos that a promotion may show: published, public, for all ages, visible."""
    return Video.objects.filter(
        owner_id=business.creator_id,
        state=Video.State.PUBLISHED,
        visibility=Video.Visibility.PUBLIC,
        content_level=Video.ContentLevel.GENERAL,
        moderation_state=Video.Moderation.VISIBLE,
    ).order_by("-published_at", "-id")


def payment_live(*, promotion: Promotion) -> Payment | None:
    return promotion.payments.filter(
        status__in=[Payment.Status.REQUIRES_PAYMENT, Payment.Status.SUCCEEDED]
    ).first()


def refunds_of(*, promotion: Promotion) -> QuerySet[Refund]:
    return Refund.objects.filter(payment__promotion=promotion).order_by("created_at", "id")
