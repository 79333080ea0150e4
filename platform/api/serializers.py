"""Input and output serializers of the account API."""

from typing import Any

from django.utils.translation import gettext_lazy
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from platform.api.input import JsonInputSerializer
from platform.models import User


class SignUpInputSerializer(JsonInputSerializer):
    email = serializers.EmailField(max_length=254)
    display_name = serializers.CharField(max_length=50)
    date_of_birth = serializers.DateField()
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    country = CountryField(required=False, allow_blank=True, default="")  # type: ignore[no-untyped-call]
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    time_zone = serializers.CharField(max_length=64, required=False, default="UTC", help_text="IANA name")


class LogInInputSerializer(JsonInputSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(trim_whitespace=False, max_length=128)


class UserOutputSerializer(serializers.ModelSerializer[User]):
    # Blank until the person chooses one: the schema's enum includes "".
    country = CountryField(country_dict=False, allow_blank=True)  # type: ignore[no-untyped-call]
    age_band = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "display_name",
            "country",
            "region",
            "is_private",
            "is_verified_publisher",
            "age_band",
            "date_joined",
        ]
        read_only_fields = fields


class AccountUpdateInputSerializer(JsonInputSerializer):
    display_name = serializers.CharField(max_length=50)
    country = CountryField(allow_blank=True)  # type: ignore[no-untyped-call]
    region = serializers.CharField(max_length=100, allow_blank=True)
    is_private = serializers.BooleanField()


class TokenOutputSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    user = UserOutputSerializer()


class RegionQuerySerializer(serializers.Serializer[Any]):
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$",
        help_text="ISO 3166-1 alpha-2, e.g. DE.",
        error_messages={"invalid": gettext_lazy("Two letters.")},
    )


class RegionOutputSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class ScreenTimeOutputSerializer(serializers.Serializer[Any]):
    """``platform.screen_time.ScreenTimeStatus.as_json``: today on the person's own calendar."""

    day = serializers.DateField()
    minutes = serializers.IntegerField()
    seconds = serializers.FloatField()
    limit_minutes = serializers.IntegerField(allow_null=True)
    extra_minutes = serializers.IntegerField()
    remaining_seconds = serializers.FloatField(allow_null=True)
    locked = serializers.BooleanField()
    has_passcode = serializers.BooleanField()


class ScreenTimeUnlockInputSerializer(JsonInputSerializer):
    passcode = serializers.CharField(max_length=32, trim_whitespace=True)
