"""Businesses' data: business profiles, their promotions, the payments for them and Stripe's events."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_countries.fields import CountryField

from businesses.rules import AdultAgeBand, PromotionState, estimated_impressions
from creators.models import CreatorProfile, Topic, Video


class BusinessProfile(models.Model):
    """A creator profile that is also a business: who pays for promotions, and where it is."""

    class Category(models.TextChoices):
        FOOD_AND_DRINK = "food_and_drink", "Food & drink"
        RETAIL = "retail", "Retail"
        SERVICES = "services", "Services"
        EVENTS = "events", "Events"
        HEALTH_AND_BEAUTY = "health_and_beauty", "Health & beauty"
        ARTS_AND_CULTURE = "arts_and_culture", "Arts & culture"
        EDUCATION = "education", "Education"
        TRAVEL_AND_HOSPITALITY = "travel_and_hospitality", "Travel & hospitality"
        OTHER = "other", "Other"

    creator = models.OneToOneField(CreatorProfile, on_delete=models.CASCADE, related_name="business")
    legal_name = models.CharField(max_length=120)
    category = models.CharField(max_length=30, choices=Category.choices)
    country = CountryField()
    # ISO 3166-2 subdivision code of ``country`` (e.g. "DE-BY"), as users' regions are stored.
    region = models.CharField(max_length=10)
    website = models.URLField(max_length=300, blank=True)
    # Clicks on "Visit website" on the profile page (a sponsored slot's clicks count on its promotion's day).
    website_clicks = models.PositiveIntegerField(default=0)
    is_verified = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_verified=False) | models.Q(verified_at__isnull=False),
                name="business_verified_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name


LIVE_STATES = [
    PromotionState.AWAITING_PAYMENT,
    PromotionState.IN_REVIEW,
    PromotionState.ACTIVE,
    PromotionState.PAUSED,
]


class Promotion(models.Model):
    """A business paying for one of its videos to fill sponsored slots; its state moves only by services."""

    class Goal(models.TextChoices):
        VIDEO_VIEWS = "video_views", "More video views"
        PROFILE_VISITS = "profile_visits", "More profile visits"
        WEBSITE_VISITS = "website_visits", "More website visits"

    class Audience(models.TextChoices):
        AUTOMATIC = "automatic", "Automatic (adults likely to enjoy it)"
        CUSTOM = "custom", "Custom"

    State = PromotionState
    AgeBand = AdultAgeBand

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    business = models.ForeignKey(BusinessProfile, on_delete=models.PROTECT, related_name="promotions")
    # PROTECT: a paid promotion's record outlives its video (payments and refunds point at it).
    video = models.ForeignKey(Video, on_delete=models.PROTECT, related_name="+")
    goal = models.CharField(max_length=20, choices=Goal.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.AUTOMATIC)
    # Custom audience only; empty lists mean "any". ISO 3166-2 codes and AdultAgeBand values.
    regions = models.JSONField(default=list, blank=True)
    age_bands = models.JSONField(default=list, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    budget_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    duration_days = models.PositiveSmallIntegerField()
    # The published price per 1,000 sponsored impressions when the promotion was made: it never changes.
    cpm_cents = models.PositiveIntegerField()
    # Charged sponsored impressions; spent_cents = impressions_charged × cpm_cents // 1000, written in the
    # same conditional UPDATE (``services.charging``), so the business pays whole cents, rounded down.
    impressions_charged = models.PositiveBigIntegerField(default=0)
    spent_cents = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    state_reason = models.CharField(max_length=300, blank=True, help_text="Shown to the business.")
    paid_at = models.DateTimeField(null=True, blank=True)
    # Set when staff approve it: it runs from then for ``duration_days``.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    # When it stopped serving for good (completed, cancelled or stopped by moderation).
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["business", "-created_at"], name="promotion_business_created"),
            models.Index(fields=["state", "ends_at"], name="promotion_state_ends"),
        ]
        constraints = [
            # A sponsored impression of a video is charged to the one promotion of it that is live.
            models.UniqueConstraint(
                fields=["video"],
                condition=models.Q(state__in=LIVE_STATES),
                name="promotion_one_live_per_video",
            ),
            models.CheckConstraint(condition=models.Q(budget_cents__gt=0), name="promotion_budget_positive"),
            models.CheckConstraint(condition=models.Q(cpm_cents__gt=0), name="promotion_cpm_positive"),
            models.CheckConstraint(
                condition=models.Q(spent_cents__lte=models.F("budget_cents")),
                name="promotion_spend_within_budget",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_days__gte=1, duration_days__lte=60),
                name="promotion_duration_range",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=PromotionState.values), name="promotion_state_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} · {self.public_id}"

    @property
    def estimated_impressions(self) -> int:
        return estimated_impressions(budget_cents=self.budget_cents, cpm_cents=self.cpm_cents)


class Payment(models.Model):
    """One attempt to pay a promotion's budget: one Stripe PaymentIntent, made with one idempotency key."""

    class Status(models.TextChoices):
        REQUIRES_PAYMENT = "requires_payment", "Waiting for the card"
        SUCCEEDED = "succeeded", "Paid"
        CANCELLED = "cancelled", "Cancelled"

    promotion = models.ForeignKey(Promotion, on_delete=models.PROTECT, related_name="payments")
    attempt = models.PositiveSmallIntegerField()
    idempotency_key = models.CharField(max_length=100, unique=True)
    # Set once Stripe has made the PaymentIntent; empty only between our row and Stripe's answer.
    intent_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUIRES_PAYMENT)
    failure_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["promotion", "attempt"], name="payment_attempt_unique"),
            # Paying twice for one promotion is impossible: one attempt at a time, and none after success.
            models.UniqueConstraint(
                fields=["promotion"],
                condition=models.Q(status__in=["requires_payment", "succeeded"]),
                name="payment_one_live_per_promotion",
            ),
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.intent_id or 'pending'} · {self.amount_cents} {self.currency}"


class Refund(models.Model):
    """Money going back to the business: a row first, then one Stripe Refund made with its idempotency key."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being refunded"
        SUCCEEDED = "succeeded", "Refunded"
        FAILED = "failed", "Failed"

    class Reason(models.TextChoices):
        REJECTED = "rejected", "Promotion rejected"
        CANCELLED = "cancelled", "Promotion cancelled"
        UNSPENT = "unspent", "Unspent budget"
        IN_STRIPE = "in_stripe", "Refunded in Stripe"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    idempotency_key = models.CharField(max_length=100, unique=True)
    stripe_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.stripe_id or 'pending'} · {self.amount_cents} {self.currency}"


class StripeEvent(models.Model):
    """A Stripe webhook event, written in the same transaction as its effect: each id takes effect once."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255, blank=True, db_index=True)
    created = models.DateTimeField(help_text="When Stripe made the event.")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event_id} · {self.type}"


class PromotionPrice(models.Model):
    """The published price per 1,000 sponsored impressions for one kind of audience; staff edit it in the
    admin. Without a row the price comes from settings. A promotion keeps the price it was made at."""

    audience = models.CharField(max_length=10, choices=Promotion.Audience.choices, unique=True)
    cpm_cents = models.PositiveIntegerField(help_text="Minor units (cents) per 1,000 sponsored impressions.")
    currency = models.CharField(max_length=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["audience"]
        constraints = [models.CheckConstraint(condition=models.Q(cpm_cents__gt=0), name="price_cpm_positive")]

    def __str__(self) -> str:
        return f"{self.get_audience_display()}: {self.cpm_cents} {self.currency} per 1,000"


class PromotionDelivery(models.Model):
    """One viewer's day with one promotion: slots served (at most the frequency cap) and impressions the
    player reported for them. Only a served slot can be charged: ``impressions <= served``. Reported
    impressions of an account that may not be charged for (``charging``: too new, or no watching of
    its own) are ``invalid_impressions``, never charged; together they too stay within ``served``."""

    promotion = models.ForeignKey(Promotion, on_delete=models.CASCADE, related_name="deliveries")
    viewer_key = models.CharField(max_length=40)
    day = models.DateField()
    served = models.PositiveSmallIntegerField(default=0)
    impressions = models.PositiveSmallIntegerField(default=0)
    invalid_impressions = models.PositiveSmallIntegerField(default=0, db_default=0)  # raw inserts omit it
    # Furthest point watched in a first loop that day, from the results rollup: a view is 2 s or more.
    watched_seconds = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["promotion", "viewer_key", "day"], name="delivery_once_a_day"),
            models.CheckConstraint(
                condition=models.Q(impressions__lte=models.F("served")), name="delivery_charged_when_served"
            ),
            models.CheckConstraint(
                condition=models.Q(impressions__lte=models.F("served") - models.F("invalid_impressions")),
                name="delivery_counted_when_served",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.promotion_id} · {self.viewer_key} · {self.day}"


class PromotionDay(models.Model):
    """A promotion's results for one UTC day. Impressions and spend are written when an impression is
    charged; the engagement counters by the results rollup from the sponsored signals; clicks when made."""

    promotion = models.ForeignKey(Promotion, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    impressions = models.PositiveIntegerField(default=0)
    spent_cents = models.PositiveIntegerField(default=0)
    # Reported impressions that were not charged: invalid traffic (see ``PromotionDelivery``).
    invalid_impressions = models.PositiveIntegerField(default=0, db_default=0)  # raw inserts omit it
    views = models.PositiveIntegerField(default=0, help_text="Watched for at least 2 seconds.")
    watch_seconds = models.FloatField(default=0.0)
    completions = models.PositiveIntegerField(default=0)
    likes = models.PositiveIntegerField(default=0)
    follows = models.PositiveIntegerField(default=0)
    profile_visits = models.PositiveIntegerField(default=0)
    website_clicks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["promotion", "day"], name="promotion_day_once")]

    def __str__(self) -> str:
        return f"{self.promotion_id} · {self.day}"
