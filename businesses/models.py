"""Businesses' data: the business profile a creator account turns into."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_countries.fields import CountryField

from creators.models import CreatorProfile


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
