"""Factories of the businesses tests."""

import factory

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
