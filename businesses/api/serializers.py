"""Input and output serializers of the businesses API."""

from typing import Any

from django.conf import settings
from rest_framework import serializers

from businesses.models import BusinessProfile, Promotion
from businesses.rules import BudgetPer, money_format
from businesses.services.promotions import terms_errors
from platform.api.input import JsonInputSerializer


class BusinessProfileInputSerializer(JsonInputSerializer):
    legal_name = serializers.CharField(max_length=120)
    category = serializers.ChoiceField(choices=BusinessProfile.Category.choices)
    country = serializers.CharField(max_length=2)
    region = serializers.CharField(max_length=100)
    website = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class BusinessProfileOutputSerializer(serializers.ModelSerializer[BusinessProfile]):
    handle = serializers.CharField(source="creator.handle")
    country = serializers.CharField()

    class Meta:
        model = BusinessProfile
        fields = [
            "handle",
            "legal_name",
            "category",
            "country",
            "region",
            "website",
            "is_verified",
            "verified_at",
        ]


class PromotionInputSerializer(JsonInputSerializer):
    video = serializers.UUIDField(help_text="The public id of one of your published videos.")
    goal = serializers.CharField(max_length=20)
    audience = serializers.CharField(max_length=10, required=False, default=Promotion.Audience.AUTOMATIC)
    regions = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, default=list, max_length=50
    )
    topics = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list, max_length=50
    )
    age_bands = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, default=list, max_length=10
    )
    budget_cents = serializers.IntegerField(help_text="Total budget in minor units (cents).")
    duration_days = serializers.IntegerField()


class PromotionOutputSerializer(serializers.ModelSerializer[Promotion]):
    video = serializers.UUIDField(source="video.public_id")
    topics = serializers.SerializerMethodField()
    estimated_impressions = serializers.IntegerField()

    class Meta:
        model = Promotion
        fields = [
            "public_id", "video", "goal", "audience", "regions", "topics", "age_bands", "budget_cents",
            "currency", "duration_days", "cpm_cents", "estimated_impressions", "spent_cents", "state",
            "state_reason", "paid_at", "created_at",
        ]  # fmt: skip

    def get_topics(self, obj: Promotion) -> list[str]:
        return [topic.slug for topic in obj.topics.all()]


class PaymentStartOutputSerializer(serializers.Serializer[Any]):
    payment_intent = serializers.CharField(source="intent_id")
    attempt = serializers.IntegerField(source="payment.attempt")
    amount_cents = serializers.IntegerField(source="payment.amount_cents")
    currency = serializers.CharField(source="payment.currency")
    client_secret = serializers.CharField()
    publishable_key = serializers.CharField()
    stripe_js_url = serializers.CharField()


class LocalCardInputSerializer(JsonInputSerializer):
    payment_method = serializers.CharField(max_length=255)


class ResultsDayOutputSerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    impressions = serializers.IntegerField()
    reach = serializers.IntegerField(help_text="Distinct viewers with a reported impression that day.")
    views = serializers.IntegerField()
    clicks = serializers.IntegerField(help_text="Profile visits and website clicks.")
    spent_cents = serializers.IntegerField()
    spent = serializers.CharField()
    spent_amount = serializers.CharField(help_text="The spend without its currency, as the table shows it.")


class ResultsOutputSerializer(serializers.Serializer[Any]):
    """A promotion's results; money in cents with its text beside it, ratios as text ("—" for none)."""

    currency = serializers.CharField()
    impressions = serializers.IntegerField(help_text="Impressions charged for.")
    invalid_impressions = serializers.IntegerField(
        help_text="Invalid traffic: impressions recorded but not charged (accounts under a day old, or "
        "with no watching of their own)."
    )
    reach = serializers.IntegerField(help_text="Distinct viewers with a reported impression.")
    views = serializers.IntegerField(
        help_text="People who watched 2 s or more (the whole clip, if shorter) of a charged impression, "
        "once per person and day: never more than the impressions."
    )
    watch_seconds = serializers.FloatField(
        help_text="Seconds watched in those views: the furthest point of the first play, at most the clip."
    )
    average_watch = serializers.CharField(help_text="watch_seconds / views: never longer than the clip.")
    completions = serializers.IntegerField(help_text="Views watched to the end: never more than the views.")
    likes = serializers.IntegerField()
    follows = serializers.IntegerField()
    profile_visits = serializers.IntegerField()
    website_clicks = serializers.IntegerField()
    ctr = serializers.CharField(help_text="(profile visits + website clicks) / impressions.")
    spent_cents = serializers.IntegerField()
    spent = serializers.CharField()
    budget_cents = serializers.IntegerField()
    budget = serializers.CharField()
    remaining_cents = serializers.IntegerField()
    remaining = serializers.CharField()
    result_name = serializers.CharField()
    results = serializers.IntegerField()
    cost_per_result_cents = serializers.IntegerField(allow_null=True)
    cost_per_result = serializers.CharField()
    days = ResultsDayOutputSerializer(many=True)


class ReceiptOutputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["payment", "refund"])
    at = serializers.DateTimeField()
    amount_cents = serializers.IntegerField()
    currency = serializers.CharField()
    amount = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    reason = serializers.CharField()
    promotion = serializers.UUIDField(source="promotion_id")
    payment_intent = serializers.CharField(help_text="Stripe's PaymentIntent id.")
    stripe_id = serializers.CharField(help_text="Stripe's id of this payment (PaymentIntent) or refund.")
    receipt_url = serializers.URLField(
        allow_null=True,
        help_text="Stripe's receipt page of the charge (it lists refunds too), if it has one.",
    )


class PriceOutputSerializer(serializers.Serializer[Any]):
    audience = serializers.CharField()
    name = serializers.CharField(source="label")
    cpm_cents = serializers.IntegerField(help_text="Minor units (cents) per 1,000 sponsored impressions.")
    currency = serializers.CharField()
    display = serializers.CharField(help_text='The price as people read it, e.g. "6.00 EUR".')


class ReachEstimateQuerySerializer(serializers.Serializer[Any]):
    """The new-promotion form's fields, as query parameters; lists repeat the parameter
    (``?regions=DE-BY&regions=DE-BE``), and a region parameter may also hold codes separated by commas."""

    audience = serializers.ChoiceField(
        choices=Promotion.Audience.choices, default=Promotion.Audience.AUTOMATIC
    )
    regions = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, default=list, max_length=50
    )
    topics = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list, max_length=50
    )
    age_bands = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, default=list, max_length=10
    )
    budget_cents = serializers.IntegerField(
        help_text="The budget in minor units (cents): the total, or each day's with budget_per=day."
    )
    budget_per = serializers.ChoiceField(choices=BudgetPer.choices, default=BudgetPer.TOTAL)
    duration_days = serializers.IntegerField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """The bounds any budget and duration must keep, so the schema states them (settings are read
        here, not at import); the service still checks the total, in the same words."""
        super().__init__(*args, **kwargs)
        words = terms_errors(budget_cents=-1, duration_days=0)
        most_days = settings.PROMOTION_MAX_DAYS
        budget, duration = self.fields["budget_cents"], self.fields["duration_days"]
        budget_words: dict[str, Any] = {
            "min_value": words["budget_cents"],
            "max_value": words["budget_cents"],
        }
        days_words: dict[str, Any] = {
            "min_value": words["duration_days"],
            "max_value": words["duration_days"],
        }
        self.fields["budget_cents"] = serializers.IntegerField(
            # A daily budget over the longest run must still reach the smallest total.
            min_value=-(-settings.PROMOTION_BUDGET_MIN_CENTS // most_days),
            max_value=settings.PROMOTION_BUDGET_MAX_CENTS,
            help_text=budget.help_text,
            error_messages=budget_words,
        )
        self.fields["duration_days"] = serializers.IntegerField(
            min_value=1,
            max_value=most_days,
            help_text=duration.help_text,
            error_messages=days_words,
        )

    def validate_regions(self, value: list[str]) -> list[str]:
        return [code.strip() for part in value for code in part.split(",") if code.strip()]


class ReachEstimateOutputSerializer(serializers.Serializer[Any]):
    """What a budget can really buy from an audience: serving shows a promotion to a person at most
    ``frequency_cap`` times a day and only on days they open the app; what is not spent is refunded."""

    audience = serializers.IntegerField(help_text="Adult viewers active in the last 28 days who match.")
    low = serializers.IntegerField(help_text="People reached at least.")
    high = serializers.IntegerField(help_text="People reached at most.")
    impressions = serializers.IntegerField(help_text="Sponsored impressions the budget pays for.")
    impressions_low = serializers.IntegerField(
        help_text="Sponsored impressions expected at least: once on each day each person opens the app."
    )
    impressions_high = serializers.IntegerField(
        help_text="Sponsored impressions expected at most: up to the cap on each of those days."
    )
    ceiling = serializers.IntegerField(help_text="audience × frequency cap × days: never more than this.")
    budget_cents = serializers.IntegerField(help_text="The total budget (a daily one times the days).")
    budget = serializers.SerializerMethodField()
    spendable_cents = serializers.IntegerField(help_text="What impressions_high costs.")
    unspent_cents = serializers.IntegerField(
        help_text="What the audience cannot take: never spent, refunded when the promotion ends."
    )
    is_budget_too_big = serializers.BooleanField()
    frequency_cap = serializers.IntegerField(help_text="Times a day one person may be shown it.")
    duration_days = serializers.IntegerField()
    cpm_cents = serializers.IntegerField()
    currency = serializers.CharField()
    cpm_display = serializers.SerializerMethodField()
    sentences = serializers.ListField(child=serializers.CharField(), help_text="The estimate in words.")

    def get_cpm_display(self, obj: Any) -> str:
        return money_format(cents=obj.cpm_cents, currency=obj.currency)

    def get_budget(self, obj: Any) -> str:
        return money_format(cents=obj.budget_cents, currency=obj.currency)
