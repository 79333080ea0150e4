"""A JSON body's values must have the types the schema states (``platform.api.input``); forms and query
strings, which carry only text, are still read by DRF's coercion."""

from typing import Any

import pytest
from django.http import QueryDict
from rest_framework import serializers

from platform.api.input import JsonInputSerializer
from platform.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Item(serializers.Serializer[Any]):
    label = serializers.CharField()  # type: ignore[assignment]  # Field.label, DRF's own attribute


class Example(JsonInputSerializer):
    name = serializers.CharField(required=False)
    is_private = serializers.BooleanField(required=False)
    count = serializers.IntegerField(required=False)
    ratio = serializers.FloatField(required=False)
    video = serializers.UUIDField(required=False)
    kind = serializers.ChoiceField(choices=["a", "b"], required=False)
    country = serializers.ChoiceField(choices=["DE"], allow_blank=True, required=False)
    tags = serializers.ListField(child=serializers.SlugField(), required=False)
    items = Item(many=True, required=False)
    note = serializers.CharField(required=False, allow_null=True)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"name": 0}, {"name": ["Not a valid string."]}),
        ({"is_private": 0}, {"is_private": ["Must be a valid boolean."]}),
        ({"is_private": "true"}, {"is_private": ["Must be a valid boolean."]}),
        ({"count": "3"}, {"count": ["A valid integer is required."]}),
        ({"count": True}, {"count": ["A valid integer is required."]}),
        ({"ratio": "0.5"}, {"ratio": ["A valid number is required."]}),
        ({"video": 1}, {"video": ["Must be a valid UUID."]}),
        ({"kind": {}}, {"kind": ['"{}" is not a valid choice.']}),
        ({"country": {}}, {"country": ['"{}" is not a valid choice.']}),
        ({"tags": ["ok", 3]}, {"tags": {1: [serializers.SlugField().error_messages["invalid"]]}}),
        ({"items": [{"label": "x"}, {"label": 2}]}, {"items": {1: {"label": ["Not a valid string."]}}}),
    ],
)
def test_a_json_value_of_the_wrong_type_is_refused(body, errors):
    serializer = Example(data=body)
    assert not serializer.is_valid()
    assert serializer.errors == errors


def test_a_mistyped_field_is_refused_beside_the_other_fields_errors():
    serializer = Example(data={"name": 0, "kind": "z"})
    assert not serializer.is_valid()
    assert serializer.errors == {"name": ["Not a valid string."], "kind": ['"z" is not a valid choice.']}
    assert serializer.errors["name"][0].code == "invalid"


def test_json_values_of_the_stated_types_are_read():
    body = {
        "name": "Ada",
        "is_private": False,
        "count": 3,
        "ratio": 1,
        "video": "e3e70682-c209-1cac-a29f-6fbed82c07cd",
        "kind": "a",
        "tags": ["ok"],
        "items": [{"label": "x"}],
        "note": None,
    }
    serializer = Example(data=body)
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["count"] == 3
    assert serializer.validated_data["ratio"] == 1.0


def test_a_form_is_still_read_as_text():
    serializer = Example(data=QueryDict("name=Ada&is_private=true&count=3"))
    assert serializer.is_valid(), serializer.errors
    assert (serializer.validated_data["is_private"], serializer.validated_data["count"]) == (True, 3)


@pytest.mark.parametrize(
    ("change", "errors", "codes"),
    [
        ({"is_private": 0}, {"is_private": ["Must be a valid boolean."]}, {"is_private": ["invalid"]}),
        ({"country": {}}, {"country": ['"{}" is not a valid choice.']}, {"country": ["invalid_choice"]}),
    ],
)
def test_the_api_refuses_a_value_of_the_wrong_type_and_writes_nothing(api_client, change, errors, codes):
    person = UserFactory.create(display_name="Ada", country="DE", is_private=True)
    api_client.force_authenticate(person)
    fields = {"display_name": "Bea", "country": "FR", "region": "", "is_private": False, **change}
    response = api_client.put("/api/v1/me", fields, format="json")
    assert response.status_code == 400
    assert response.json() == {**errors, "codes": codes}
    person.refresh_from_db()
    assert (person.display_name, person.country, person.is_private) == ("Ada", "DE", True)
    assert User.objects.count() == 1
