"""Factories of the businesses tests."""

import factory
from django.utils import timezone

from businesses.models import BusinessProfile
from tests.factories import CreatorFactory


class BusinessFactory(factory.django.DjangoModelFactory[BusinessProfile]):
    class Meta:
        model = BusinessProfile

    creator = factory.SubFactory(CreatorFactory)
    legal_name = factory.Sequence(lambda n: f"Business {n} GmbH")
    category = BusinessProfile.Category.FOOD_AND_DRINK
    country = "DE"
    region = "DE-BY"
    website = "https://example.com"
    is_verified = False
    # Staff verified it (as ``services.business_profile_verify`` records it): the time goes with the flag.
    verified_at = factory.LazyAttribute(lambda business: timezone.now() if business.is_verified else None)
