"""Query parameters are validated by the serializers the schema documents them from: a value the schema
forbids is a 400 in the field-error shape (with ``codes``), one it allows works, and the generated schema
carries each parameter's type and bounds."""

import base64
from typing import Any

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from creators import services
from creators.models import UploadSession
from platform.models import Block
from tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db

INVALID_INTEGER = ["A valid integer is required."]


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def query_parameters(schema, path: str, method: str = "get") -> dict[str, dict[str, Any]]:
    operation = schema["paths"][path][method]
    return {each["name"]: each for each in operation.get("parameters", []) if each["in"] == "query"}


@pytest.fixture
def blocker(api_client):
    """Someone who blocked three creators, logged in."""
    me = UserFactory.create()
    for _ in range(3):
        services.account_block(blocker=me, blocked=CreatorFactory.create().user)
    api_client.force_authenticate(me)
    return me


@pytest.mark.parametrize(
    ("page_size", "messages", "code"),
    [
        ("abc", INVALID_INTEGER, "invalid"),
        ("2.5", INVALID_INTEGER, "invalid"),
        ("", ["This field may not be blank."], "blank"),
        ("-265", ["Ensure this value is greater than or equal to 1."], "min_value"),
        ("0", ["Ensure this value is greater than or equal to 1."], "min_value"),
        ("101", ["Ensure this value is less than or equal to 100."], "max_value"),
    ],
)
@pytest.mark.parametrize(
    "route", ["api-blocks", "api-mutes", "api-notifications", "api-decisions", "api-studio-videos"]
)
def test_a_page_size_the_schema_forbids_is_a_400_on_page_size(api_client, route, page_size, messages, code):
    creator = CreatorFactory.create()  # the studio's list needs a profile; the others don't mind one
    api_client.force_authenticate(creator.user)
    response = api_client.get(reverse(route), {"page_size": page_size})
    assert response.status_code == 400
    assert response.json() == {"page_size": messages, "codes": {"page_size": [code]}}


def test_page_sizes_within_the_bounds_are_taken(api_client, blocker):
    one = api_client.get(reverse("api-blocks"), {"page_size": 1}).json()
    assert len(one["results"]) == 1
    assert "page_size=1" in one["next"]
    assert len(api_client.get(one["next"]).json()["results"]) == 1
    assert len(api_client.get(reverse("api-blocks"), {"page_size": 100}).json()["results"]) == 3
    assert len(api_client.get(reverse("api-blocks")).json()["results"]) == 3


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        base64.b64encode(b"r=x").decode(),
        base64.b64encode(b"p=abc").decode(),  # the database refused it: a 500
        base64.b64encode(b"o=1&p=1e9").decode(),
    ],
)
@pytest.mark.parametrize("route", ["api-blocks", "api-feed-following"])
def test_a_cursor_the_api_did_not_give_starts_at_the_first_page(api_client, blocker, route, cursor):
    first = api_client.get(reverse(route)).json()
    response = api_client.get(reverse(route), {"cursor": cursor})
    assert response.status_code == 200
    assert response.json()["results"] == first["results"]
    assert Block.objects.filter(blocker=blocker).count() == 3


@pytest.mark.parametrize(
    ("query", "messages", "code"),
    [
        ({}, ["This field is required."], "required"),
        ({"country": ""}, ["This field may not be blank."], "blank"),
        ({"country": "DEU"}, ["Two letters."], "invalid"),
        ({"country": "D1"}, ["Two letters."], "invalid"),
    ],
)
def test_regions_need_a_two_letter_country(api_client, query, messages, code):
    response = api_client.get(reverse("api-regions"), query)
    assert response.status_code == 400
    assert response.json() == {"country": messages, "codes": {"country": [code]}}


def test_regions_of_a_country_in_either_case(api_client):
    upper = api_client.get(reverse("api-regions"), {"country": "DE"}).json()
    assert {"code": "DE-BY", "name": "Bayern"} in upper
    assert api_client.get(reverse("api-regions"), {"country": "de"}).json() == upper
    assert api_client.get(reverse("api-regions"), {"country": "ZZ"}).json() == []


def test_the_local_feed_refuses_a_region_longer_than_a_code(api_client):
    response = api_client.get(reverse("api-feed-local"), {"region": "DE-BY-TOO-LONG"})
    assert response.status_code == 400
    assert response.json() == {
        "region": ["Ensure this field has no more than 10 characters."],
        "codes": {"region": ["max_length"]},
    }
    assert api_client.get(reverse("api-feed-local"), {"region": "DE-BY"}).status_code == 200


@pytest.mark.parametrize(
    ("offset", "messages", "code"),
    [
        (None, ["This field is required."], "required"),
        ("abc", INVALID_INTEGER, "invalid"),
        ("-1", ["Ensure this value is greater than or equal to 0."], "min_value"),
    ],
)
def test_a_chunk_with_a_bad_offset_is_refused_and_nothing_is_written(
    settings, tmp_path, offset, messages, code
):
    settings.UPLOAD_PARTS_DIR = tmp_path / "parts"
    client = APIClient()
    client.force_authenticate(CreatorFactory.create().user)
    started = client.post(
        reverse("api-upload-start"), {"filename": "a.mp4", "size": 10}, format="json"
    ).json()
    url = reverse("api-upload-chunk", args=[started["id"]])
    response = client.put(
        url if offset is None else f"{url}?offset={offset}",
        data=b"x" * 10,
        content_type="application/octet-stream",
    )
    assert response.status_code == 400
    assert response.json() == {"offset": messages, "codes": {"offset": [code]}}
    assert UploadSession.objects.get().received == 0
    assert [part.stat().st_size for part in settings.UPLOAD_PARTS_DIR.glob("*")] == [0]


# --- the schema documents what the serializers check --------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/blocks",
        "/api/v1/mutes",
        "/api/v1/notifications",
        "/api/v1/decisions/",
        "/api/v1/studio/videos",
        "/api/v1/creators/{handle}/videos",
    ],
)
def test_the_schema_bounds_page_size_as_the_pagination_does(schema, path):
    parameters = query_parameters(schema, path)
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert parameters["page_size"]["required"] is False
    assert parameters["cursor"]["schema"]["type"] == "string"


def test_the_schema_carries_each_query_serializers_types_and_bounds(schema):
    regions = query_parameters(schema, "/api/v1/regions")["country"]
    assert regions["required"] is True
    assert regions["schema"]["pattern"] == "^[A-Za-z]{2}$"
    local = query_parameters(schema, "/api/v1/feeds/local")
    assert (local["region"]["schema"]["type"], local["region"]["schema"]["maxLength"]) == ("string", 10)
    assert set(local) == {"cursor", "region"}
    for path in ("/api/v1/feeds/for-you", "/api/v1/feeds/following", "/api/v1/feeds/topics/{slug}"):
        assert set(query_parameters(schema, path)) == {"cursor"}
    chunk = query_parameters(schema, "/api/v1/studio/uploads/{upload_id}/chunk", "put")["offset"]
    assert (chunk["required"], chunk["schema"]) == (True, {"type": "integer", "minimum": 0})
    for path in (
        "/api/v1/studio/analytics/overview",
        "/api/v1/studio/analytics/audience",
        "/api/v1/studio/analytics/export",
        "/api/v1/studio/analytics/videos/{public_id}",
    ):
        period = query_parameters(schema, path)
        assert period["range"]["schema"]["enum"] == ["7", "28", "60", "365"]
        assert period["start"]["schema"] == {"type": "string", "format": "date"}
        assert period["end"]["schema"] == {"type": "string", "format": "date"}


def test_the_reach_estimate_states_the_bounds_of_any_budget_and_duration(schema, settings):
    parameters = query_parameters(schema, "/api/v1/business/reach-estimate")
    days = parameters["duration_days"]["schema"]
    assert (days["minimum"], days["maximum"]) == (1, settings.PROMOTION_MAX_DAYS)
    budget = parameters["budget_cents"]["schema"]
    # The smallest daily budget that can reach the smallest total over the longest run.
    assert budget["minimum"] * settings.PROMOTION_MAX_DAYS >= settings.PROMOTION_BUDGET_MIN_CENTS
    assert (budget["minimum"] - 1) * settings.PROMOTION_MAX_DAYS < settings.PROMOTION_BUDGET_MIN_CENTS
    assert budget["maximum"] == settings.PROMOTION_BUDGET_MAX_CENTS


def test_an_empty_query_is_answered_as_the_serializer_would_and_only_kept_when_it_cannot_change():
    """``query_of`` keeps what a query serializer made of an empty query, except where the answer can
    change: a computed default, or a ``validate`` of the serializer's own."""
    import itertools

    from rest_framework import serializers
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from platform.api import query

    ticks = itertools.count()

    class Fixed(serializers.Serializer[Any]):
        cursor = serializers.CharField(required=False)
        size = serializers.IntegerField(required=False, default=20)

    class Computed(serializers.Serializer[Any]):
        tick = serializers.IntegerField(required=False, default=lambda: next(ticks))

    class Checked(serializers.Serializer[Any]):
        size = serializers.IntegerField(required=False, default=5)

        def validate(self, attrs):
            return {**attrs, "tick": next(ticks)}

    class Required(serializers.Serializer[Any]):
        country = serializers.CharField()

    def empty_request():
        return Request(APIRequestFactory().get("/api/v1/anything"))

    assert query.query_of(empty_request(), Fixed) == {"size": 20}
    assert Fixed in query._empty_queries
    answer = query.query_of(empty_request(), Fixed)
    answer["size"] = 99  # the caller's own copy
    assert query.query_of(empty_request(), Fixed) == {"size": 20}
    assert query.query_of(Request(APIRequestFactory().get("/x", {"size": "3"})), Fixed) == {"size": 3}

    assert query.query_of(empty_request(), Computed) != query.query_of(empty_request(), Computed)
    assert query.query_of(empty_request(), Checked) != query.query_of(empty_request(), Checked)
    assert Computed not in query._empty_queries
    assert Checked not in query._empty_queries
    for _ in range(2):
        with pytest.raises(serializers.ValidationError):
            query.query_of(empty_request(), Required)
    assert Required not in query._empty_queries
