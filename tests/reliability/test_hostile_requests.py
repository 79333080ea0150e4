"""Hostile requests over real HTTP (the live server on loopback): each is refused in the API's error
shape, nothing is written, and nobody else is affected."""

import pytest
import requests
from django.core.cache import cache

from platform.models import User
from tests.factories import born_years_ago, published_video

pytestmark = pytest.mark.django_db(transaction=True)

NESTED = '{"email":' + "[" * 1000 + "]" * 1000 + "}"


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/signup", "/api/v1/signals"])
def test_deeply_nested_json_is_a_400_in_the_error_shape(live_server, path):
    response = requests.post(
        f"{live_server.url}{path}", data=NESTED, headers={"Content-Type": "application/json"}, timeout=10
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON is nested too deeply.", "code": "parse_error"}
    assert not User.objects.exists()


def test_a_body_over_the_limit_is_a_413_in_the_error_shape(live_server):
    body = '{"email": "' + "a" * (10 * 1024 * 1024) + '"}'
    response = requests.post(
        f"{live_server.url}/api/v1/auth/signup",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large.", "code": "too_large"}
    assert not User.objects.exists()


def _signup(url, n, **headers):
    return requests.post(
        f"{url}/api/v1/auth/signup",
        json={
            "email": f"spoof{n}@example.com",
            "display_name": "Spoof",
            "date_of_birth": born_years_ago(30).isoformat(),
            "password": "a-long-enough-password-123",
        },
        headers=headers,
        timeout=10,
    )


def test_a_forged_x_forwarded_for_does_not_reset_the_sign_up_throttle(live_server, settings):
    answers = [_signup(live_server.url, n).status_code for n in range(21)]
    assert answers[:20] == [201] * 20
    assert answers[20] == 429
    forged = [
        _signup(live_server.url, 100 + n, **{"X-Forwarded-For": f"10.0.0.{n}"}).status_code for n in range(5)
    ]
    assert forged == [429] * 5
    assert User.objects.count() == 20


def test_a_forged_x_forwarded_for_does_not_reset_the_anonymous_report_throttle(live_server, settings):
    from creators.models import Report

    # Three an hour here, so the test stays short (the throttle reads the rates at each request).
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "reports": "3/hour"},
    }

    videos = [published_video() for _ in range(8)]
    session = requests.Session()

    def report(video, **headers):
        return session.post(
            f"{live_server.url}/api/v1/videos/{video.public_id}/report",
            json={"reason": "spam", "detail": ""},
            headers=headers,
            timeout=10,
        ).status_code

    assert [report(video) for video in videos[:3]] == [201, 201, 201]
    assert report(videos[3]) == 429
    assert [report(video, **{"X-Forwarded-For": f"10.1.0.{n}"}) for n, video in enumerate(videos[4:])] == [
        429
    ] * 4
    assert Report.objects.count() == 3


def test_behind_one_trusted_proxy_the_address_it_appended_is_the_clients(live_server, settings):
    """With TRUSTED_PROXY_COUNT=1 the proxy's own entry (the last) decides; what the client forged
    before it does not."""
    from rest_framework.settings import api_settings

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api_settings.reload()
    try:
        codes = [
            _signup(live_server.url, n, **{"X-Forwarded-For": f"6.6.6.{n}, 203.0.113.7"}).status_code
            for n in range(21)
        ]
        assert codes[20] == 429  # one client, whatever it forged in front
        other = _signup(live_server.url, 99, **{"X-Forwarded-For": "203.0.113.8"}).status_code
        assert other == 201  # another client behind the same proxy
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
        api_settings.reload()


def test_a_forged_x_forwarded_for_does_not_lift_a_log_in_lockout(live_server):
    from tests.factories import TEST_PASSWORD, UserFactory

    user = UserFactory.create()

    def log_in(password, **headers):
        return requests.post(
            f"{live_server.url}/api/v1/auth/login",
            json={"email": user.email, "password": password},
            headers=headers,
            timeout=10,
        ).status_code

    # The fifth failure locks this email and address out (AXES_FAILURE_LIMIT), even for the right password.
    assert [log_in("wrong-password") for _ in range(5)] == [400, 400, 400, 400, 429]
    assert log_in(TEST_PASSWORD) == 429
    assert [log_in(TEST_PASSWORD, **{"X-Forwarded-For": f"10.2.0.{n}"}) for n in range(3)] == [429] * 3
