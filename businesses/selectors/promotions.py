"""Promotions as their business sees them: its own, one by one, the dashboard's list with totals, and
today's spend of every running promotion (for staff)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from businesses.models import BusinessProfile, Payment, Promotion, PromotionDay, Refund
from businesses.rules import (
    money_format,
)
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


@dataclass(frozen=True, slots=True)
class OverviewRow:
    """One promotion on the dashboard, with what it cost: spend, charged impressions and refunds."""

    promotion: Promotion
    budget: str
    spent_cents: int
    spent: str
    impressions: int
    refunded_cents: int
    refunded: str


@dataclass(frozen=True, slots=True)
class OverviewTotal:
    """The sums of one currency's promotions."""

    currency: str
    promotions: int
    budget: str
    spent: str
    impressions: int
    refunded: str


@dataclass(frozen=True, slots=True)
class Overview:
    rows: list[OverviewRow]
    totals: list[OverviewTotal]
    # (state, its label, how many promotions are in it), in the order of the states, only those with any.
    states: list[tuple[str, str, int]]


def promotions_overview(*, business: BusinessProfile) -> Overview:
    """The dashboard's list: every promotion with its spend, impressions and refunds (those sent or on
    their way; a failed refund is not money back), the totals and how many are in each state; one query."""
    refunds = (
        Refund.objects.filter(payment__promotion=OuterRef("pk"))
        .exclude(status=Refund.Status.FAILED)
        .order_by()
        .values("payment__promotion")
        .annotate(total=Sum("amount_cents"))
        .values("total")
    )
    promotions = list(
        Promotion.objects.filter(business=business)
        .select_related("video")
        .annotate(refunded_cents=Coalesce(Subquery(refunds[:1]), 0))
        .order_by("-created_at", "-id")
    )
    rows = [
        OverviewRow(
            promotion=promotion,
            budget=money_format(cents=promotion.budget_cents, currency=promotion.currency),
            spent_cents=promotion.spent_cents,
            spent=money_format(cents=promotion.spent_cents, currency=promotion.currency),
            impressions=promotion.impressions_charged,
            refunded_cents=promotion.refunded_cents,
            refunded=money_format(cents=promotion.refunded_cents, currency=promotion.currency),
        )
        for promotion in promotions
    ]
    totals = []
    for currency in sorted({row.promotion.currency for row in rows}):
        mine = [row for row in rows if row.promotion.currency == currency]
        totals.append(
            OverviewTotal(
                currency=currency,
                promotions=len(mine),
                budget=money_format(cents=sum(row.promotion.budget_cents for row in mine), currency=currency),
                spent=money_format(cents=sum(row.spent_cents for row in mine), currency=currency),
                impressions=sum(row.impressions for row in mine),
                refunded=money_format(cents=sum(row.refunded_cents for row in mine), currency=currency),
            )
        )
    counts: dict[str, int] = {}
    for promotion in promotions:
        counts[promotion.state] = counts.get(promotion.state, 0) + 1
    states = [
        (state, str(label), counts[state]) for state, label in Promotion.State.choices if state in counts
    ]
    return Overview(rows=rows, totals=totals, states=states)


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
