"""The API's one error boundary: each domain error gets one status, the documented shape and a stable code."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from rest_framework import exceptions, serializers

from platform.api.exception_handlers import exception_handler
from platform.errors import Conflict, NotFound, RateLimited, TooLarge, UpstreamError


def answer(error: Exception):
    response = exception_handler(error, {})
    assert response is not None
    return response.status_code, response.data


def test_a_plain_validation_error_is_400_with_one_detail_sentence_and_the_default_code():
    assert answer(ValidationError(["Too short.", "Too plain."])) == (
        400,
        {"detail": "Too short. Too plain.", "code": "invalid"},
    )


def test_a_validation_error_keeps_the_code_its_service_gave():
    assert answer(ValidationError("That phrase is already watched.", code="duplicate")) == (
        400,
        {"detail": "That phrase is already watched.", "code": "duplicate"},
    )


def test_field_errors_keep_their_field_names_and_mirror_their_codes():
    error = ValidationError(
        {
            "trim": ValidationError("The end must come after the start.", code="trim_order"),
            "caption": ["Too long."],
        }
    )
    assert answer(error) == (
        400,
        {
            "trim": ["The end must come after the start."],
            "caption": ["Too long."],
            "codes": {"trim": ["trim_order"], "caption": ["invalid"]},
        },
    )


def test_a_code_given_with_a_dict_of_field_errors_is_not_lost():
    # Django drops ``code=`` when the message is a dict; services write it that way all the same.
    error = ValidationError({"email": "An account with this email already exists."}, code="taken")
    assert answer(error) == (
        400,
        {"email": ["An account with this email already exists."], "codes": {"email": ["taken"]}},
    )


def test_too_large_is_413():
    assert answer(TooLarge({"size": "The file is larger than 512 MB."})) == (
        413,
        {"size": ["The file is larger than 512 MB."], "codes": {"size": ["too_large"]}},
    )
    assert answer(TooLarge("The file is too large.")) == (
        413,
        {"detail": "The file is too large.", "code": "too_large"},
    )


def test_a_conflict_is_409_and_carries_what_the_client_needs_to_recover():
    assert answer(
        Conflict("Expected the chunk at byte 1000.", code="offset", context={"received": 1000})
    ) == (
        409,
        {"detail": "Expected the chunk at byte 1000.", "code": "offset", "received": 1000},
    )
    assert answer(Conflict("Already paid.")) == (409, {"detail": "Already paid.", "code": "conflict"})


def test_not_found_is_404_like_djangos_own():
    assert answer(NotFound("No such video.")) == (404, {"detail": "No such video.", "code": "not_found"})
    assert answer(Http404("No such topic.")) == (404, {"detail": "No such topic.", "code": "not_found"})
    status, body = answer(Http404())
    assert (status, body["code"]) == (404, "not_found")


def test_djangos_permission_denied_is_403_with_its_code():
    assert answer(PermissionDenied("Creators only.")) == (
        403,
        {"detail": "Creators only.", "code": "permission_denied"},
    )


def test_rate_limited_is_429_with_retry_after():
    response = exception_handler(RateLimited("Slow down.", retry_after_seconds=30), {})
    assert response is not None
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert response.data == {"detail": "Slow down. Expected available in 30 seconds.", "code": "rate_limited"}


def test_a_drf_throttle_answers_the_same_code_as_our_rate_limit():
    _, body = answer(exceptions.Throttled(wait=5))
    assert body["code"] == "rate_limited"


def test_serializer_field_errors_carry_drfs_codes():
    class Input(serializers.Serializer):  # type: ignore[type-arg]
        name = serializers.CharField(max_length=3)
        age = serializers.IntegerField()

    given = Input(data={"name": "toolong"})
    assert not given.is_valid()
    assert answer(exceptions.ValidationError(given.errors)) == (
        400,
        {
            "name": ["Ensure this field has no more than 3 characters."],
            "age": ["This field is required."],
            "codes": {"name": ["max_length"], "age": ["required"]},
        },
    )


def test_a_bare_drf_validation_error_becomes_one_detail_with_its_code():
    assert answer(exceptions.ValidationError("Pick one.", code="pick_one")) == (
        400,
        {"detail": "Pick one.", "code": "pick_one"},
    )


def test_anything_else_is_left_to_django_as_a_500():
    assert exception_handler(ValueError("a bug"), {}) is None


def test_a_report_on_a_missing_video_answers_404_through_the_boundary(api_client, user):
    api_client.force_authenticate(user)
    url = reverse("api-report", args=["00000000-0000-0000-0000-000000000000"])
    response = api_client.post(url, {"reason": "spam"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such video.", "code": "not_found"}


def test_an_unauthenticated_write_says_so_in_its_code(api_client, db):
    response = api_client.get(reverse("api-me"))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_an_upstream_failure_is_502_and_a_declined_card_402():
    assert answer(UpstreamError("The payment service cannot be reached.", code="unreachable")) == (
        502,
        {"detail": "The payment service cannot be reached.", "code": "upstream_error"},
    )
    # The provider's own code ("expired_card") is for our logs; clients get one stable code.
    assert answer(UpstreamError("Your card has expired.", code="expired_card", is_declined=True)) == (
        402,
        {"detail": "Your card has expired.", "code": "payment_declined"},
    )


def test_the_schema_documents_the_error_shapes_and_every_operation_references_them(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    shapes = schema["components"]["schemas"]
    assert shapes["ApiError"]["required"] == ["detail", "code"]
    assert shapes["ApiFieldErrors"]["properties"]["codes"]["type"] == "object"
    operations = [operation for path in schema["paths"].values() for operation in path.values()]
    assert operations
    for operation in operations:
        errors = [response for status, response in operation["responses"].items() if status.startswith("4")]
        assert errors
        for response in errors:
            assert response["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ApiErrorResponse"
            }
