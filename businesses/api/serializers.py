"""Input and output serializers of the businesses API."""

from typing import Any

from rest_framework import serializers

from businesses.models import BusinessProfile


class BusinessProfileInputSerializer(serializers.Serializer[Any]):
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
