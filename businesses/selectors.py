"""Reads of the businesses app, each scoped to what the requester owns."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from businesses.models import BusinessProfile, Payment, Promotion, PromotionDay, Refund
from businesses.rules import adult_band_years, estimated_impressions, reach_range
from businesses.services.pricing import price_for
from businesses.services.promotions import targeting_clean, terms_errors
from creators.hooks import ProfileBadge
from creators.models import CreatorProfile, Video
from feeds.models import InterestProfile
from platform import age
from platform.models import User
from platform.regions import region_name


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


# --- Estimated reach, today's spend, and the business shown on its profile page -----------------------


ACTIVE_VIEWER_DAYS = 28


@dataclass(frozen=True, slots=True)
class ReachEstimate:
    """How many people a promotion may reach: the matching adult audience, and the range the budget buys."""

    audience: int
    low: int
    high: int
    impressions: int
    cpm_cents: int
    currency: str


def _band_lookup(bands: Sequence[str], *, on: datetime.date) -> Q:
    """People in any of these adult bands today, as date-of-birth ranges the database can compare."""
    query = Q()
    for band in bands:
        first, after = adult_band_years(band)
        band_query = Q(user__date_of_birth__lte=age.years_ago(years=first, on=on))
        if after <= age.OLDEST_PLAUSIBLE_AGE:
            band_query &= Q(user__date_of_birth__gt=age.years_ago(years=after, on=on))
        query |= band_query
    return query


def reach_audience(
    *, regions: Sequence[str], topic_ids: Sequence[int], age_bands: Sequence[str], now: datetime.datetime
) -> int:
    """Adult viewers active in the last 28 days who match the targeting (empty lists mean "any").

    Adults only, by date of birth: minors and people of unknown age are never counted, whatever the bands.
    Region and age band are filtered in SQL; topic interest (a weight above zero in the profile's JSON,
    as serving reads it) in Python over the rows that matched."""
    today = timezone.localdate(now)
    profiles = InterestProfile.objects.filter(
        age.date_of_birth_lookup(band=age.AgeBand.ADULT, prefix="user__", on=today),
        user__isnull=False,
        user__is_active=True,
        updated_at__gte=now - datetime.timedelta(days=ACTIVE_VIEWER_DAYS),
    )
    if regions:
        profiles = profiles.filter(user__region__in=list(regions))
    if age_bands:
        profiles = profiles.filter(_band_lookup(age_bands, on=today))
    if not topic_ids:
        return profiles.count()
    wanted = [str(topic_id) for topic_id in topic_ids]
    matched = 0
    for weights in profiles.values_list("weights", flat=True).iterator(chunk_size=2000):
        topics = (weights or {}).get("t") or {}
        if any(float(topics.get(topic_id, 0.0)) > 0 for topic_id in wanted):
            matched += 1
    return matched


def reach_estimate(
    *,
    audience: str,
    regions: Sequence[str],
    topic_slugs: Sequence[str],
    age_bands: Sequence[str],
    budget_cents: int,
    duration_days: int,
) -> ReachEstimate:
    """The estimated reach of a promotion as the form describes it, at today's published price.

    The input is checked with the same rules and words as making the promotion (``ValidationError``);
    an automatic audience ignores the targeting, as the promotion would."""
    errors = terms_errors(budget_cents=budget_cents, duration_days=duration_days)
    if audience not in Promotion.Audience.values:
        errors["audience"] = "Choose an automatic or a custom audience."
    codes, topics, bands, targeting_errors = targeting_clean(
        audience=audience, regions=regions, topic_slugs=topic_slugs, age_bands=age_bands
    )
    errors.update(targeting_errors)
    if errors:
        raise ValidationError(errors)
    cpm_cents, currency = price_for(audience=audience)
    people = reach_audience(
        regions=codes, topic_ids=[topic.pk for topic in topics], age_bands=bands, now=timezone.now()
    )
    low, high = reach_range(
        audience=people,
        budget_cents=budget_cents,
        cpm_cents=cpm_cents,
        duration_days=duration_days,
        frequency_cap=settings.PROMOTION_FREQUENCY_CAP,
    )
    return ReachEstimate(
        audience=people,
        low=low,
        high=high,
        impressions=estimated_impressions(budget_cents=budget_cents, cpm_cents=cpm_cents),
        cpm_cents=cpm_cents,
        currency=currency,
    )


@dataclass(frozen=True, slots=True)
class SpendRow:
    promotion: Promotion
    impressions_today: int
    spent_today_cents: int

    @property
    def remaining_cents(self) -> int:
        return self.promotion.budget_cents - self.promotion.spent_cents


@dataclass(frozen=True, slots=True)
class SpendToday:
    day: datetime.date
    rows: list[SpendRow]
    # Per currency: (impressions, spent cents) today, summed from the promotions' day rows.
    totals: dict[str, tuple[int, int]]


def spend_today(*, day: datetime.date | None = None) -> SpendToday:
    """Today's impressions and spend of every running promotion (active or paused), and of any other
    that was charged today (e.g. one that completed this morning), with the day's totals."""
    day = day or timezone.localdate()
    today_rows = PromotionDay.objects.filter(promotion=OuterRef("pk"), day=day)
    promotions = (
        Promotion.objects.filter(
            Q(state__in=[Promotion.State.ACTIVE, Promotion.State.PAUSED]) | Q(Exists(today_rows))
        )
        .select_related("business", "video")
        .annotate(
            impressions_today=Coalesce(Subquery(today_rows.values("impressions")[:1]), 0),
            spent_today_cents=Coalesce(Subquery(today_rows.values("spent_cents")[:1]), 0),
        )
        .order_by("-spent_today_cents", "-impressions_today", "pk")
    )
    rows = [
        SpendRow(
            promotion=promotion,
            impressions_today=promotion.impressions_today,
            spent_today_cents=promotion.spent_today_cents,
        )
        for promotion in promotions
    ]
    totals: dict[str, tuple[int, int]] = {}
    for currency, impressions, spent in (
        PromotionDay.objects.filter(day=day)
        .values("promotion__currency")
        .annotate(impressions=Sum("impressions"), spent=Sum("spent_cents"))
        .values_list("promotion__currency", "impressions", "spent")
        .order_by("promotion__currency")
    ):
        totals[currency] = (impressions or 0, spent or 0)
    return SpendToday(day=day, rows=rows, totals=totals)


def profile_badge(creator: CreatorProfile) -> ProfileBadge | None:
    """What ``/@handle`` shows of a creator that is a business (``creators.hooks.provide_profile_badge``)."""
    business = (
        BusinessProfile.objects.filter(creator=creator)
        .only("legal_name", "category", "country", "region", "website", "is_verified")
        .first()
    )
    if business is None:
        return None
    return ProfileBadge(
        name=business.legal_name,
        category=business.get_category_display(),
        place=", ".join(
            part
            for part in (region_name(business.region) if business.region else "", business.country.name)
            if part
        ),
        is_verified=business.is_verified,
        website_url=reverse("businesses:website", args=[creator.handle]) if business.website else None,
    )
