"""The API's one error boundary: each domain error gets one status and the documented shape."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from platform.api.exception_handlers import exception_handler
from platform.errors import Conflict, NotFound, RateLimited, TooLarge


def answer(error: Exception):
    response = exception_handler(error, {})
    assert response is not None
    return response.status_code, response.data


def test_a_plain_validation_error_is_400_with_one_detail_sentence():
    assert answer(ValidationError(["Too short.", "Too plain."])) == (400, {"detail": "Too short. Too plain."})


def test_field_errors_keep_their_field_names():
    error = ValidationError({"trim": "The end must come after the start.", "caption": ["Too long."]})
    assert answer(error) == (
        400,
        {"trim": ["The end must come after the start."], "caption": ["Too long."]},
    )


def test_too_large_is_413():
    assert answer(TooLarge({"size": "The file is larger than 512 MB."})) == (
        413,
        {"size": ["The file is larger than 512 MB."]},
    )


def test_a_conflict_is_409_and_carries_what_the_client_needs_to_recover():
    assert answer(Conflict("Expected the chunk at byte 1000.", context={"received": 1000})) == (
        409,
        {"detail": "Expected the chunk at byte 1000.", "received": 1000},
    )


def test_not_found_is_404_like_djangos_own():
    assert answer(NotFound("No such video.")) == (404, {"detail": "No such video."})
    status, _ = answer(Http404())
    assert status == 404


def test_rate_limited_is_429_with_retry_after():
    response = exception_handler(RateLimited("Slow down.", retry_after_seconds=30), {})
    assert response is not None
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert response.data == {"detail": "Slow down. Expected available in 30 seconds."}


def test_anything_else_is_left_to_django_as_a_500():
    assert exception_handler(ValueError("a bug"), {}) is None


def test_a_report_on_a_missing_video_answers_404_through_the_boundary(api_client, user):
    api_client.force_authenticate(user)
    url = reverse("api-report", args=["00000000-0000-0000-0000-000000000000"])
    response = api_client.post(url, {"reason": "spam"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such video."}


def test_an_upstream_failure_is_502_and_a_declined_card_402():
    from platform.errors import UpstreamError

    assert answer(UpstreamError("The payment service cannot be reached.")) == (
        502,
        {"detail": "The payment service cannot be reached."},
    )
    assert answer(UpstreamError("Your card has expired.", code="expired_card", is_declined=True)) == (
        402,
        {"detail": "Your card has expired."},
    )
