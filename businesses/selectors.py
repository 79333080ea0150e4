"""Reads of the businesses app, each scoped to what the requester owns."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from businesses import gateway
from businesses.models import BusinessProfile, Payment, Promotion, PromotionDay, PromotionDelivery, Refund
from businesses.rules import (
    ACTIVITY_DAYS,
    CHARGEABLE_ACCOUNT_AGE,
    NOTHING_YET,
    BudgetPer,
    adult_band_years,
    budget_total_cents,
    delivery_estimate,
    estimate_sentences,
    money_amount,
    money_format,
    result_cost_cents,
    seconds_format,
    share_format,
)
from businesses.services.pricing import price_for
from businesses.services.promotions import offer_clean
from creators.hooks import ProfileBadge
from creators.models import CreatorProfile, Video
from feeds.models import InterestProfile, Signal
from platform import age, blocking
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
    # Reported impressions not charged for: accounts too new, or with no watching of their own.
    invalid_impressions: int
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
    "impressions", "invalid_impressions", "spent_cents", "views", "watch_seconds", "completions", "likes", "follows",
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
        invalid_impressions=int(total["invalid_impressions"]),
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


# --- Estimated reach, today's spend, and the business shown on its profile page -----------------------


ACTIVE_VIEWER_DAYS = ACTIVITY_DAYS
# Viewer keys per query of the signal log (below SQLite's limit on variables).
_KEYS_PER_QUERY = 900


@dataclass(frozen=True, slots=True)
class ReachEstimate:
    """How many people and sponsored views a promotion may get: the matching adult audience, how often
    those people open the app, the frequency cap and the days (``rules.delivery_estimate``)."""

    audience: int
    low: int
    high: int
    # Impressions the budget pays for, and the range the audience can really take.
    impressions: int
    impressions_low: int
    impressions_high: int
    ceiling: int
    budget_cents: int
    spendable_cents: int
    unspent_cents: int
    frequency_cap: int
    duration_days: int
    cpm_cents: int
    currency: str
    sentences: tuple[str, ...]

    @property
    def is_budget_too_big(self) -> bool:
        return self.unspent_cents > 0


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


def _audience_profiles(
    *, regions: Sequence[str], age_bands: Sequence[str], now: datetime.datetime
) -> QuerySet[InterestProfile]:
    today = timezone.localdate(now)
    profiles = InterestProfile.objects.filter(
        age.date_of_birth_lookup(band=age.AgeBand.ADULT, prefix="user__", on=today),
        user__isnull=False,
        user__is_active=True,
        # Charging never counts an account younger than this: it is no audience a budget can buy.
        user__date_joined__lte=now - CHARGEABLE_ACCOUNT_AGE,
        updated_at__gte=now - datetime.timedelta(days=ACTIVE_VIEWER_DAYS),
    )
    if regions:
        profiles = profiles.filter(user__region__in=list(regions))
    if age_bands:
        profiles = profiles.filter(_band_lookup(age_bands, on=today))
    return profiles


def _audience_keys(
    *, regions: Sequence[str], topic_ids: Sequence[int], age_bands: Sequence[str], now: datetime.datetime
) -> list[str]:
    """The viewer keys of the matching audience. Topic interest (a weight above zero in the profile's
    JSON, as serving reads it) is checked in Python over the rows that matched in SQL."""
    profiles = _audience_profiles(regions=regions, age_bands=age_bands, now=now)
    if not topic_ids:
        return list(profiles.values_list("viewer_key", flat=True).iterator(chunk_size=2000))
    wanted = [str(topic_id) for topic_id in topic_ids]
    keys = []
    for key, weights in profiles.values_list("viewer_key", "weights").iterator(chunk_size=2000):
        topics = (weights or {}).get("t") or {}
        if any(float(topics.get(topic_id, 0.0)) > 0 for topic_id in wanted):
            keys.append(key)
    return keys


def reach_audience(
    *, regions: Sequence[str], topic_ids: Sequence[int], age_bands: Sequence[str], now: datetime.datetime
) -> int:
    """Adult viewers active in the last 28 days who match the targeting (empty lists mean "any").

    Adults only, by date of birth: minors and people of unknown age are never counted, whatever the bands;
    nor accounts too new to be charged for (``rules.CHARGEABLE_ACCOUNT_AGE``)."""
    return sum(reach_activity(regions=regions, topic_ids=topic_ids, age_bands=age_bands, now=now).values())


def reach_activity(
    *, regions: Sequence[str], topic_ids: Sequence[int], age_bands: Sequence[str], now: datetime.datetime
) -> dict[int, int]:
    """How often the matching audience opens the app: days with a signal out of the last 28 → people.

    Someone whose profile moved in that time but whose signals are gone counts as active on one day."""
    keys = _audience_keys(regions=regions, topic_ids=topic_ids, age_bands=age_bands, now=now)
    since = now - datetime.timedelta(days=ACTIVITY_DAYS)
    days_of: dict[str, int] = {}
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        chunk = keys[start : start + _KEYS_PER_QUERY]
        days_of.update(
            Signal.objects.filter(viewer_key__in=chunk, created_at__gte=since, created_at__lte=now)
            .values("viewer_key")
            .annotate(days=Count(TruncDate("created_at"), distinct=True))
            .values_list("viewer_key", "days")
        )
    activity: dict[int, int] = {}
    for key in keys:
        active = min(ACTIVITY_DAYS, max(1, days_of.get(key, 0)))
        activity[active] = activity.get(active, 0) + 1
    return activity


def reach_estimate(
    *,
    audience: str,
    regions: Sequence[str],
    topic_slugs: Sequence[str],
    age_bands: Sequence[str],
    budget_cents: int,
    duration_days: int,
    budget_per: str = BudgetPer.TOTAL,
    cpm_cents: int | None = None,
    currency: str | None = None,
) -> ReachEstimate:
    """The estimated reach of a promotion as the form describes it, at today's published price (or at
    ``cpm_cents`` in ``currency``, a promotion's own). ``budget_cents`` is the amount as typed: per
    day when ``budget_per`` says so.

    The input is checked with the same rules and words as making the promotion (``ValidationError``);
    an automatic audience ignores the targeting, as the promotion would."""
    per_errors = {} if budget_per in BudgetPer.values else {"budget_per": "Choose a total or a daily budget."}
    total_cents = (
        budget_total_cents(amount_cents=budget_cents, per=budget_per, duration_days=duration_days)
        if not per_errors and isinstance(budget_cents, int) and isinstance(duration_days, int)
        else budget_cents
    )
    codes, topics, bands, errors = offer_clean(
        audience=audience,
        budget_cents=total_cents,
        duration_days=duration_days,
        regions=regions,
        topic_slugs=topic_slugs,
        age_bands=age_bands,
    )
    errors.update(per_errors)
    if errors:
        raise ValidationError(errors)
    if cpm_cents is None or currency is None:
        cpm_cents, currency = price_for(audience=audience)
    activity = reach_activity(
        regions=codes, topic_ids=[topic.pk for topic in topics], age_bands=bands, now=timezone.now()
    )
    cap = settings.PROMOTION_FREQUENCY_CAP
    estimate = delivery_estimate(
        activity=activity,
        budget_cents=total_cents,
        cpm_cents=cpm_cents,
        duration_days=duration_days,
        frequency_cap=cap,
    )
    return ReachEstimate(
        audience=estimate.audience,
        low=estimate.reach_low,
        high=estimate.reach_high,
        impressions=estimate.bought,
        impressions_low=estimate.impressions_low,
        impressions_high=estimate.impressions_high,
        ceiling=estimate.ceiling,
        budget_cents=total_cents,
        spendable_cents=estimate.spendable_cents,
        unspent_cents=estimate.unspent_cents,
        frequency_cap=cap,
        duration_days=duration_days,
        cpm_cents=cpm_cents,
        currency=currency,
        sentences=tuple(
            estimate_sentences(
                estimate=estimate, duration_days=duration_days, frequency_cap=cap, currency=currency
            )
        ),
    )


def promotion_reach_estimate(*, promotion: Promotion) -> ReachEstimate:
    """A promotion's own estimate: its targeting, budget, days and price, over today's audience."""
    return reach_estimate(
        audience=promotion.audience,
        regions=promotion.regions,
        topic_slugs=[topic.slug for topic in promotion.topics.all()],
        age_bands=promotion.age_bands,
        budget_cents=promotion.budget_cents,
        duration_days=promotion.duration_days,
        cpm_cents=promotion.cpm_cents,
        currency=promotion.currency,
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
