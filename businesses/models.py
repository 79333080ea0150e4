"""Businesses' data: business profiles, their promotions, the payments for them and Stripe's events."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_countries.fields import CountryField

from businesses.rules import AdultAgeBand, PromotionState, estimated_impressions
from creators.models import CreatorProfile, Topic, Video


class BusinessProfile(models.Model):
    """A creator profile that is also a business: who pays for promotions, and where it is."""

    class Category(models.TextChoices):
        FOOD_AND_DRINK = "food_and_drink", gettext_lazy("Food & drink")
        RETAIL = "retail", gettext_lazy("Retail")
        SERVICES = "services", gettext_lazy("Services")
        EVENTS = "events", gettext_lazy("Events")
        HEALTH_AND_BEAUTY = "health_and_beauty", gettext_lazy("Health & beauty")
        ARTS_AND_CULTURE = "arts_and_culture", gettext_lazy("Arts & culture")
        EDUCATION = "education", gettext_lazy("Education")
        TRAVEL_AND_HOSPITALITY = "travel_and_hospitality", gettext_lazy("Travel & hospitality")
        OTHER = "other", gettext_lazy("Other")

    creator = models.OneToOneField(
        CreatorProfile,
        on_delete=models.CASCADE,
        related_name="business",
        verbose_name=gettext_lazy("creator"),
    )
    legal_name = models.CharField(max_length=120, verbose_name=gettext_lazy("legal name"))
    category = models.CharField(
        max_length=30, choices=Category.choices, verbose_name=gettext_lazy("category")
    )
    country = CountryField(verbose_name=gettext_lazy("country"))
    # ISO 3166-2 subdivision code of ``country`` (e.g. "DE-BY"), as users' regions are stored.
    region = models.CharField(max_length=10, verbose_name=gettext_lazy("region"))
    website = models.URLField(max_length=300, blank=True, verbose_name=gettext_lazy("website"))
    # Clicks on "Visit website" on the profile page (a sponsored slot's clicks count on its promotion's day).
    website_clicks = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("website clicks"))
    is_verified = models.BooleanField(default=False, verbose_name=gettext_lazy("verified"))
    verified_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("verified at"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("verified by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("business profile")
        verbose_name_plural = gettext_lazy("business profiles")
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
        VIDEO_VIEWS = "video_views", gettext_lazy("More video views")
        PROFILE_VISITS = "profile_visits", gettext_lazy("More profile visits")
        WEBSITE_VISITS = "website_visits", gettext_lazy("More website visits")

    class Audience(models.TextChoices):
        AUTOMATIC = "automatic", gettext_lazy("Automatic (adults likely to enjoy it)")
        CUSTOM = "custom", gettext_lazy("Custom")

    State = PromotionState
    AgeBand = AdultAgeBand

    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=gettext_lazy("public ID")
    )
    business = models.ForeignKey(
        BusinessProfile,
        on_delete=models.PROTECT,
        related_name="promotions",
        verbose_name=gettext_lazy("business"),
    )
    # PROTECT: a paid promotion's record outlives its video (payments and refunds point at it).
    video = models.ForeignKey(
        Video, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("video")
    )
    goal = models.CharField(max_length=20, choices=Goal.choices, verbose_name=gettext_lazy("goal"))
    audience = models.CharField(
        max_length=10,
        choices=Audience.choices,
        default=Audience.AUTOMATIC,
        verbose_name=gettext_lazy("audience"),
    )
    # Custom audience only; empty lists mean "any". ISO 3166-2 codes and AdultAgeBand values.
    regions = models.JSONField(default=list, blank=True, verbose_name=gettext_lazy("regions"))
    age_bands = models.JSONField(default=list, blank=True, verbose_name=gettext_lazy("age bands"))
    topics = models.ManyToManyField(Topic, blank=True, related_name="+", verbose_name=gettext_lazy("topics"))
    budget_cents = models.PositiveIntegerField(verbose_name=gettext_lazy("budget (cents)"))
    currency = models.CharField(max_length=3, verbose_name=gettext_lazy("currency"))
    duration_days = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("duration days"))
    # The published price per 1,000 sponsored impressions when the promotion was made: it never changes.
    cpm_cents = models.PositiveIntegerField(verbose_name=gettext_lazy("price per 1,000 (cents)"))
    # Charged sponsored impressions; spent_cents = impressions_charged × cpm_cents // 1000, written in the
    # same conditional UPDATE (``services.charging``), so the business pays whole cents, rounded down.
    impressions_charged = models.PositiveBigIntegerField(
        default=0, verbose_name=gettext_lazy("impressions charged")
    )
    spent_cents = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("spent (cents)"))
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.DRAFT, verbose_name=gettext_lazy("state")
    )
    state_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text=gettext_lazy("Shown to the business."),
        verbose_name=gettext_lazy("state reason"),
    )
    paid_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("paid at"))
    # Set when staff approve it: it runs from then for ``duration_days``.
    starts_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("starts at"))
    ends_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("ends at"))
    # When it stopped serving for good (completed, cancelled or stopped by moderation).
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("finished at"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("promotion")
        verbose_name_plural = gettext_lazy("promotions")
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
        REQUIRES_PAYMENT = "requires_payment", gettext_lazy("Waiting for the card")
        SUCCEEDED = "succeeded", gettext_lazy("Paid")
        CANCELLED = "cancelled", gettext_lazy("Cancelled")

    promotion = models.ForeignKey(
        Promotion, on_delete=models.PROTECT, related_name="payments", verbose_name=gettext_lazy("promotion")
    )
    attempt = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("attempt"))
    idempotency_key = models.CharField(
        max_length=100, unique=True, verbose_name=gettext_lazy("idempotency key")
    )
    # Set once Stripe has made the PaymentIntent; empty only between our row and Stripe's answer.
    intent_id = models.CharField(
        max_length=255, null=True, blank=True, unique=True, verbose_name=gettext_lazy("PaymentIntent ID")
    )
    amount_cents = models.PositiveIntegerField(verbose_name=gettext_lazy("amount (cents)"))
    currency = models.CharField(max_length=3, verbose_name=gettext_lazy("currency"))
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.REQUIRES_PAYMENT,
        verbose_name=gettext_lazy("status"),
    )
    failure_reason = models.CharField(max_length=300, blank=True, verbose_name=gettext_lazy("failure reason"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))
    succeeded_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("succeeded at"))

    class Meta:
        verbose_name = gettext_lazy("payment")
        verbose_name_plural = gettext_lazy("payments")
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
        PENDING = "pending", gettext_lazy("Being refunded")
        SUCCEEDED = "succeeded", gettext_lazy("Refunded")
        FAILED = "failed", gettext_lazy("Failed")

    class Reason(models.TextChoices):
        REJECTED = "rejected", gettext_lazy("Promotion rejected")
        CANCELLED = "cancelled", gettext_lazy("Promotion cancelled")
        UNSPENT = "unspent", gettext_lazy("Unspent budget")
        IN_STRIPE = "in_stripe", gettext_lazy("Refunded in Stripe")

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=gettext_lazy("payment")
    )
    amount_cents = models.PositiveIntegerField(verbose_name=gettext_lazy("amount (cents)"))
    currency = models.CharField(max_length=3, verbose_name=gettext_lazy("currency"))
    reason = models.CharField(max_length=20, choices=Reason.choices, verbose_name=gettext_lazy("reason"))
    idempotency_key = models.CharField(
        max_length=100, unique=True, verbose_name=gettext_lazy("idempotency key")
    )
    stripe_id = models.CharField(
        max_length=255, null=True, blank=True, unique=True, verbose_name=gettext_lazy("Stripe ID")
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, verbose_name=gettext_lazy("status")
    )
    failure_reason = models.CharField(max_length=300, blank=True, verbose_name=gettext_lazy("failure reason"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))
    succeeded_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("succeeded at"))

    class Meta:
        verbose_name = gettext_lazy("refund")
        verbose_name_plural = gettext_lazy("refunds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.stripe_id or 'pending'} · {self.amount_cents} {self.currency}"


class StripeEvent(models.Model):
    """A Stripe webhook event, written in the same transaction as its effect: each id takes effect once."""

    event_id = models.CharField(max_length=255, unique=True, verbose_name=gettext_lazy("event ID"))
    type = models.CharField(max_length=100, verbose_name=gettext_lazy("type"))
    object_id = models.CharField(
        max_length=255, blank=True, db_index=True, verbose_name=gettext_lazy("object ID")
    )
    created = models.DateTimeField(
        help_text=gettext_lazy("When Stripe made the event."), verbose_name=gettext_lazy("created")
    )
    received_at = models.DateTimeField(default=timezone.now, verbose_name=gettext_lazy("received at"))

    class Meta:
        verbose_name = gettext_lazy("Stripe event")
        verbose_name_plural = gettext_lazy("Stripe events")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event_id} · {self.type}"


class PromotionPrice(models.Model):
    """The published price per 1,000 sponsored impressions for one kind of audience; staff edit it in the
    admin. Without a row the price comes from settings. A promotion keeps the price it was made at."""

    audience = models.CharField(
        max_length=10, choices=Promotion.Audience.choices, unique=True, verbose_name=gettext_lazy("audience")
    )
    cpm_cents = models.PositiveIntegerField(
        help_text=gettext_lazy("Minor units (cents) per 1,000 sponsored impressions."),
        verbose_name=gettext_lazy("price per 1,000 (cents)"),
    )
    currency = models.CharField(max_length=3, verbose_name=gettext_lazy("currency"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("promotion price")
        verbose_name_plural = gettext_lazy("promotion prices")
        ordering = ["audience"]
        constraints = [models.CheckConstraint(condition=models.Q(cpm_cents__gt=0), name="price_cpm_positive")]

    def __str__(self) -> str:
        return f"{self.get_audience_display()}: {self.cpm_cents} {self.currency} per 1,000"


class PromotionDelivery(models.Model):
    """One viewer's day with one promotion: slots served (at most the frequency cap) and impressions the
    player reported for them. Only a served slot can be charged: ``impressions <= served``. Reported
    impressions of an account that may not be charged for (``charging``: too new, or no watching of
    its own) are ``invalid_impressions``, never charged; together they too stay within ``served``."""

    promotion = models.ForeignKey(
        Promotion, on_delete=models.CASCADE, related_name="deliveries", verbose_name=gettext_lazy("promotion")
    )
    viewer_key = models.CharField(max_length=40, verbose_name=gettext_lazy("viewer key"))
    day = models.DateField(verbose_name=gettext_lazy("day"))
    served = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("served"))
    impressions = models.PositiveSmallIntegerField(default=0, verbose_name=gettext_lazy("impressions"))
    invalid_impressions = models.PositiveSmallIntegerField(
        default=0, db_default=0, verbose_name=gettext_lazy("invalid impressions")
    )  # raw inserts omit it
    # Furthest point watched in a first loop that day, from the results rollup: a view is 2 s or more.
    watched_seconds = models.FloatField(default=0.0, verbose_name=gettext_lazy("watched seconds"))

    class Meta:
        verbose_name = gettext_lazy("promotion delivery")
        verbose_name_plural = gettext_lazy("promotion deliveries")
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

    promotion = models.ForeignKey(
        Promotion, on_delete=models.CASCADE, related_name="days", verbose_name=gettext_lazy("promotion")
    )
    day = models.DateField(verbose_name=gettext_lazy("day"))
    impressions = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("impressions"))
    spent_cents = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("spent (cents)"))
    # Reported impressions that were not charged: invalid traffic (see ``PromotionDelivery``).
    invalid_impressions = models.PositiveIntegerField(
        default=0, db_default=0, verbose_name=gettext_lazy("invalid impressions")
    )  # raw inserts omit it
    views = models.PositiveIntegerField(
        default=0,
        help_text=gettext_lazy("Watched for at least 2 seconds."),
        verbose_name=gettext_lazy("views"),
    )
    watch_seconds = models.FloatField(default=0.0, verbose_name=gettext_lazy("watch seconds"))
    completions = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("completions"))
    likes = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("likes"))
    follows = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("follows"))
    profile_visits = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("profile visits"))
    website_clicks = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("website clicks"))

    class Meta:
        verbose_name = gettext_lazy("promotion day")
        verbose_name_plural = gettext_lazy("promotion days")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["promotion", "day"], name="promotion_day_once")]

    def __str__(self) -> str:
        return f"{self.promotion_id} · {self.day}"
