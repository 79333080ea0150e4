"""The API docs group every operation by its area, and an operation without one fails here."""

import io
from typing import cast

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from platform.api.schema import area_of

pytestmark = pytest.mark.django_db

AREAS = [
    "Accounts",
    "Feeds",
    "Search",
    "Signals",
    "Creators and videos",
    "Comments",
    "Studio",
    "Uploads",
    "Analytics",
    "Reports and appeals",
    "Business",
    "Promotions",
    "Blocks and mutes",
    "Notifications",
    "Family and screen time",
]


def operations() -> list[tuple[str, str, list[str]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path, operation.get("tags", []))
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_operation_has_exactly_one_area_and_none_is_v1():
    found = operations()
    assert len(found) >= 60
    untagged = [
        (method, path, tags) for method, path, tags in found if len(tags) != 1 or tags[0] not in AREAS
    ]
    assert untagged == [], "add these paths to platform.api.schema.OPERATION_AREAS"
    assert not [path for _, path, tags in found if "v1" in tags]


def test_the_areas_are_the_documented_tags_in_reading_order_and_each_one_is_used():
    documented = cast(list[dict[str, str]], settings.SPECTACULAR_SETTINGS["TAGS"])
    assert [tag["name"] for tag in documented] == AREAS
    assert all(tag["description"] for tag in documented)
    assert {tags[0] for _, _, tags in operations()} == set(AREAS)


@pytest.mark.parametrize(
    ("path", "area"),
    [
        ("/api/v1/auth/login", "Accounts"),
        ("/api/v1/me", "Accounts"),
        ("/api/v1/mutes", "Blocks and mutes"),
        ("/api/v1/feeds/topics/{slug}", "Feeds"),
        ("/api/v1/topics", "Feeds"),
        ("/api/v1/search/suggest", "Search"),
        ("/api/v1/signals", "Signals"),
        ("/api/v1/videos/{public_id}/report", "Reports and appeals"),
        ("/api/v1/decisions/", "Reports and appeals"),
        ("/api/v1/videos/{public_id}", "Creators and videos"),
        ("/api/v1/creators/{handle}/follow", "Creators and videos"),
        ("/api/v1/studio/uploads/{upload_id}/chunk", "Uploads"),
        ("/api/v1/studio/analytics/export", "Analytics"),
        ("/api/v1/studio/videos/{public_id}/publish", "Studio"),
        ("/api/v1/business/promotions/{public_id}/pay", "Promotions"),
        ("/api/v1/business/receipts", "Business"),
        ("/api/v1/screen-time/unlock", "Family and screen time"),
        ("/api/v1/notifications/unread-count", "Notifications"),
        ("/api/v1/media", None),  # "me" is a whole segment, not a prefix
        ("/api/v1/somewhere-new", None),
    ],
)
def test_an_operations_area_comes_from_its_path(path, area):
    assert area_of(path) == area


def test_the_schema_command_validates_and_warns_of_nothing():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    assert '"name": "Promotions"' in out.getvalue()


def test_the_docs_page_and_the_served_schema_carry_the_areas(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    assert [tag["name"] for tag in schema["tags"]] == AREAS
    assert schema["paths"]["/api/v1/signals"]["post"]["tags"] == ["Signals"]
