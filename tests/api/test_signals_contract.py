"""POST /api/v1/signals answers 200 with each bad event's reason by its index (a beacon cannot retry):
the schema documents that body, both kinds of reason included."""

import uuid
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # drf-spectacular's own dependency; no stubs here
import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from feeds.models import Signal
from tests.factories import UserFactory, published_video

pytestmark = pytest.mark.django_db


def test_a_batch_with_bad_events_answers_the_documented_200_body():
    client = APIClient()
    client.force_authenticate(UserFactory.create())
    video = published_video()
    good = {
        "event_id": str(uuid.uuid4()),
        "video": str(video.public_id),
        "kind": "impression",
        "source": "for_you",
    }
    unknown = {**good, "event_id": str(uuid.uuid4()), "video": str(uuid.uuid4())}
    mistyped = {**good, "event_id": str(uuid.uuid4()), "source": {}}
    response = client.post("/api/v1/signals", {"events": [good, unknown, mistyped]}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "accepted": 1,
        "duplicates": 0,
        "errors": [
            {"index": 1, "detail": "Unknown video."},
            {"index": 2, "detail": {"source": ["“{}” is not a valid choice."]}},
        ],
    }
    assert list(Signal.objects.values_list("event_id", flat=True)) == [uuid.UUID(good["event_id"])]

    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/signals"]["post"]
    assert "`errors` by its index" in operation["description"]
    documented = operation["responses"]["200"]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft7Validator({**documented, "components": schema["components"]})
    assert validator.is_valid(body), list(validator.iter_errors(body))
    assert not validator.is_valid({**body, "errors": [{"index": 0, "detail": 3}]})
