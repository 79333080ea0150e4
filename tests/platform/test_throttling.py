"""The API's throttle reads its rates from the settings at each request, so an override reaches it."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _rates(settings, **changes):
    return {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **changes},
    }


def test_a_rate_set_after_start_up_throttles_the_second_signal_batch(settings, api_client):
    settings.REST_FRAMEWORK = _rates(settings, signals="1/min")
    api_client.force_authenticate(UserFactory.create())

    first = api_client.post("/api/v1/signals", {"events": []}, format="json")
    second = api_client.post("/api/v1/signals", {"events": []}, format="json")

    assert first.status_code != 429
    assert second.status_code == 429
    assert second.json()["code"] == "rate_limited"


def test_a_scope_without_a_rate_is_not_throttled(settings, api_client):
    settings.REST_FRAMEWORK = _rates(settings, signals=None)
    api_client.force_authenticate(UserFactory.create())

    statuses = {
        api_client.post("/api/v1/signals", {"events": []}, format="json").status_code for _ in range(5)
    }

    assert 429 not in statuses
