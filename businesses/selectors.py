"""Reads of the businesses app, each scoped to what the requester owns."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.utils import timezone

from businesses import gateway
from businesses.models import BusinessProfile, Payment, Promotion, PromotionDay, PromotionDelivery, Refund
from businesses.rules import (
    NOTHING_YET,
    money_amount,
    money_format,
    result_cost_cents,
    seconds_format,
    share_format,
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
class ResultsDay:
    """One UTC day of a promotion's results."""

    day: datetime.date
    impressions: int
    reach: int
    views: int
    clicks: int
    spent_cents: int
    spent: str
    spent_amount: str


@dataclass(frozen=True, slots=True)
class Results:
    """What a promotion has bought so far: counts, money in cents and as text, and the days it ran.

    Ratios with nothing to divide by read "—" (``NOTHING_YET``)."""

    currency: str
    impressions: int
    reach: int
    views: int
    watch_seconds: float
    average_watch: str
    completions: int
    likes: int
    follows: int
    profile_visits: int
    website_clicks: int
    ctr: str
    spent_cents: int
    spent: str
    budget_cents: int
    budget: str
    remaining_cents: int
    remaining: str
    # What the goal counts as one result ("video view", "profile visit", "website click") and how many.
    result_name: str
    results: int
    cost_per_result_cents: int | None
    cost_per_result: str
    days: tuple[ResultsDay, ...]


_RESULT_OF_GOAL = {
    Promotion.Goal.VIDEO_VIEWS: ("video view", "views"),
    Promotion.Goal.PROFILE_VISITS: ("profile visit", "profile_visits"),
    Promotion.Goal.WEBSITE_VISITS: ("website click", "website_clicks"),
}
_DAY_COUNTERS = (
    "impressions", "spent_cents", "views", "watch_seconds", "completions", "likes", "follows",
    "profile_visits", "website_clicks",
)  # fmt: skip


def _results_days_span(promotion: Promotion) -> list[datetime.date]:
    """Every day from the start to the end (or today, while it runs): a quiet day is a zero, not a gap."""
    if promotion.starts_at is None:
        return []
    first = timezone.localdate(promotion.starts_at)
    until = promotion.finished_at or min(timezone.now(), promotion.ends_at or timezone.now())
    last = max(first, timezone.localdate(until))
    return [first + datetime.timedelta(days=offset) for offset in range((last - first).days + 1)]


def promotion_results(*, promotion: Promotion) -> Results:
    """A promotion's results from its day rows and its deliveries, in three queries.

    Reach counts distinct viewers with a reported impression: over the whole promotion for the total,
    and per day for the days (one person on two days is reach 1 in total, 1 on each day)."""
    rows = {
        row["day"]: row
        for row in PromotionDay.objects.filter(promotion=promotion).values("day", *_DAY_COUNTERS)
    }
    delivered = PromotionDelivery.objects.filter(promotion=promotion, impressions__gt=0)
    reach_by_day = dict(
        delivered.order_by().values("day").annotate(people=Count("viewer_key", distinct=True)).values_list("day", "people")
    )  # fmt: skip
    reach = delivered.order_by().values("viewer_key").distinct().count()
    currency = promotion.currency
    days = []
    for day in sorted(set(_results_days_span(promotion)) | set(rows) | set(reach_by_day)):
        row = rows.get(day, {})
        spent_cents = int(row.get("spent_cents", 0))
        days.append(
            ResultsDay(
                day=day,
                impressions=int(row.get("impressions", 0)),
                reach=int(reach_by_day.get(day, 0)),
                views=int(row.get("views", 0)),
                clicks=int(row.get("profile_visits", 0)) + int(row.get("website_clicks", 0)),
                spent_cents=spent_cents,
                spent=money_format(cents=spent_cents, currency=currency),
                spent_amount=money_amount(cents=spent_cents),
            )
        )
    total = {name: sum(row[name] for row in rows.values()) for name in _DAY_COUNTERS}
    impressions = int(total["impressions"])
    views = int(total["views"])
    watch_seconds = float(total["watch_seconds"])
    spent_cents = int(total["spent_cents"])
    result_name, result_field = _RESULT_OF_GOAL[Promotion.Goal(promotion.goal)]
    results = int(total[result_field])
    cost_cents = result_cost_cents(spent_cents=spent_cents, results=results)
    remaining_cents = max(0, promotion.budget_cents - spent_cents)
    return Results(
        currency=currency,
        impressions=impressions,
        reach=reach,
        views=views,
        watch_seconds=watch_seconds,
        average_watch=seconds_format(seconds=watch_seconds, per=views),
        completions=int(total["completions"]),
        likes=int(total["likes"]),
        follows=int(total["follows"]),
        profile_visits=int(total["profile_visits"]),
        website_clicks=int(total["website_clicks"]),
        ctr=share_format(part=int(total["profile_visits"]) + int(total["website_clicks"]), whole=impressions),
        spent_cents=spent_cents,
        spent=money_format(cents=spent_cents, currency=currency),
        budget_cents=promotion.budget_cents,
        budget=money_format(cents=promotion.budget_cents, currency=currency),
        remaining_cents=remaining_cents,
        remaining=money_format(cents=remaining_cents, currency=currency),
        result_name=result_name,
        results=results,
        cost_per_result_cents=cost_cents,
        cost_per_result=NOTHING_YET
        if cost_cents is None
        else money_format(cents=cost_cents, currency=currency),
        days=tuple(days),
    )


@dataclass(frozen=True, slots=True)
class Receipt:
    """A payment or a refund as the business's receipts list shows it."""

    kind: str  # "payment" or "refund"
    at: datetime.datetime
    amount_cents: int
    currency: str
    amount: str
    status: str
    status_display: str
    reason: str
    promotion_id: uuid.UUID
    promotion_caption: str
    # Stripe's ids (PaymentIntent, and the Refund's for a refund), and its receipt page when it has one.
    payment_intent: str
    stripe_id: str
    receipt_url: str | None


RECEIPT_URL_SECONDS = 3600


def receipt_url(*, intent_id: str) -> str | None:
    """Stripe's receipt page of a paid PaymentIntent, asked once an hour at most; None if Stripe has none
    (localstripe never has) or cannot be asked right now: the list then shows Stripe's ids alone."""
    key = f"businesses:receipt-url:{intent_id}"
    cached: tuple[str | None] | None = cache.get(key)
    if cached is not None:
        return cached[0]
    try:
        url = gateway.payment_receipt_url(intent_id=intent_id)
    except gateway.GatewayError:
        return None
    cache.set(key, (url,), RECEIPT_URL_SECONDS)
    return url


def receipts_of(*, business: BusinessProfile) -> list[Receipt]:
    """Every paid payment and every refund (whatever its state) of a business's promotions, newest first."""
    payments = list(
        Payment.objects.filter(promotion__business=business, status=Payment.Status.SUCCEEDED)
        .select_related("promotion__video")
        .order_by("-succeeded_at", "-id")
    )
    refunds = list(
        Refund.objects.filter(payment__promotion__business=business)
        .select_related("payment__promotion__video")
        .order_by("-created_at", "-id")
    )
    urls = {
        payment.intent_id: receipt_url(intent_id=payment.intent_id)
        for payment in payments
        if payment.intent_id
    }
    receipts = [
        Receipt(
            kind="payment",
            at=payment.succeeded_at or payment.created_at,
            amount_cents=payment.amount_cents,
            currency=payment.currency,
            amount=money_format(cents=payment.amount_cents, currency=payment.currency),
            status=payment.status,
            status_display=payment.get_status_display(),
            reason="",
            promotion_id=payment.promotion.public_id,
            promotion_caption=payment.promotion.video.caption,
            payment_intent=payment.intent_id or "",
            stripe_id=payment.intent_id or "",
            receipt_url=urls.get(payment.intent_id or ""),
        )
        for payment in payments
    ]
    # Stripe keeps no receipt of its own for a refund: the charge's receipt page lists its refunds.
    receipts += [
        Receipt(
            kind="refund",
            at=refund.created_at,
            amount_cents=refund.amount_cents,
            currency=refund.currency,
            amount=money_format(cents=refund.amount_cents, currency=refund.currency),
            status=refund.status,
            status_display=refund.get_status_display(),
            reason=refund.get_reason_display(),
            promotion_id=refund.payment.promotion.public_id,
            promotion_caption=refund.payment.promotion.video.caption,
            payment_intent=refund.payment.intent_id or "",
            stripe_id=refund.stripe_id or "",
            receipt_url=urls.get(refund.payment.intent_id or ""),
        )
        for refund in refunds
    ]
    return sorted(receipts, key=lambda receipt: receipt.at, reverse=True)
