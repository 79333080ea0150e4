"""Every API operation documents every status it can answer, each error with the one error shape, and no
``4XX`` wildcard stands in for the ones it forgot (platform.api.schema.error_statuses)."""

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from platform.api.schema import SERVICE_STATUSES

pytestmark = pytest.mark.django_db

# Each operation's documented statuses: its success, then 400 where it reads a body or query parameters,
# 401 wherever a token is read (a wrong one is refused everywhere), 403 for permissions that refuse a
# logged-in person and for a session's CSRF check on writes, 404 where the path names a thing (and in the
# business area, for an account without a business profile), 413 and 415 where it reads a body, 429 where
# a throttle applies, and what its services raise (SERVICE_STATUSES).
STATUSES = {
    "POST /api/v1/auth/login": "200 400 401 403 413 415 429",
    "POST /api/v1/auth/logout": "204 401 403",
    "POST /api/v1/auth/signup": "201 400 401 403 413 415 429",
    "GET /api/v1/blocks": "200 400 401",
    "POST /api/v1/blocks/{handle}": "201 400 401 403 404",
    "DELETE /api/v1/blocks/{handle}": "204 401 403 404",
    "GET /api/v1/business/prices": "200 401 403 404",
    "GET /api/v1/business/profile": "200 401 403 404",
    "POST /api/v1/business/profile": "200 201 400 401 403 404 409 413 415",
    "GET /api/v1/business/promotions": "200 401 403 404",
    "POST /api/v1/business/promotions": "201 400 401 403 404 413 415",
    "GET /api/v1/business/promotions/{public_id}": "200 401 403 404",
    "POST /api/v1/business/promotions/{public_id}/cancel": "200 401 403 404 409",
    "POST /api/v1/business/promotions/{public_id}/pause": "200 401 403 404 409",
    "POST /api/v1/business/promotions/{public_id}/pay": "200 401 402 403 404 409 502",
    "POST /api/v1/business/promotions/{public_id}/pay/local-card": "200 400 401 402 403 404 409 413 415 502",
    "GET /api/v1/business/promotions/{public_id}/results": "200 401 403 404",
    "POST /api/v1/business/promotions/{public_id}/resume": "200 401 403 404 409",
    "GET /api/v1/business/reach-estimate": "200 400 401 403 404",
    "GET /api/v1/business/receipts": "200 401 403 404",
    "GET /api/v1/comments/{comment_id}": "200 401 404",
    "PATCH /api/v1/comments/{comment_id}": "200 400 401 403 404 413 415 429",
    "DELETE /api/v1/comments/{comment_id}": "204 401 403 404 429",
    "POST /api/v1/comments/{comment_id}/approve": "200 401 403 404 429",
    "PUT /api/v1/comments/{comment_id}/hide": "200 401 403 404 429",
    "DELETE /api/v1/comments/{comment_id}/hide": "200 401 403 404 429",
    "PUT /api/v1/comments/{comment_id}/like": "200 401 403 404 429",
    "DELETE /api/v1/comments/{comment_id}/like": "200 401 403 404 429",
    "PUT /api/v1/comments/{comment_id}/pin": "200 400 401 403 404 429",
    "DELETE /api/v1/comments/{comment_id}/pin": "200 400 401 403 404 429",
    "GET /api/v1/comments/{comment_id}/replies": "200 400 401 404",
    "POST /api/v1/comments/{comment_id}/report": "201 400 401 403 404 413 415 429",
    "GET /api/v1/creators/{handle}": "200 401 404",
    "POST /api/v1/creators/{handle}/follow": "200 201 400 401 403 404",
    "DELETE /api/v1/creators/{handle}/follow": "204 401 403 404",
    "GET /api/v1/creators/{handle}/videos": "200 400 401 403 404",
    "GET /api/v1/decisions/": "200 400 401",
    "GET /api/v1/decisions/{decision_id}": "200 401 404",
    "POST /api/v1/decisions/{decision_id}/appeal": "201 400 401 403 404 409 413 415",
    "GET /api/v1/feeds/following": "200 400 401",
    "GET /api/v1/feeds/for-you": "200 400 401",
    "GET /api/v1/feeds/local": "200 400 401",
    "GET /api/v1/feeds/topics/{slug}": "200 400 401 404",
    "GET /api/v1/me": "200 401",
    "PUT /api/v1/me": "200 400 401 403 413 415",
    "POST /api/v1/me/interests": "200 400 401 403 413 415",
    "GET /api/v1/mutes": "200 400 401",
    "POST /api/v1/mutes/{handle}": "201 400 401 403 404",
    "DELETE /api/v1/mutes/{handle}": "204 401 403 404",
    "GET /api/v1/notifications": "200 400 401",
    "POST /api/v1/notifications/read": "200 400 401 403 413 415",
    "GET /api/v1/notifications/unread-count": "200 401",
    "GET /api/v1/regions": "200 400 401",
    "GET /api/v1/search/creators": "200 400 401 429",
    "GET /api/v1/search/hashtags": "200 400 401 429",
    "GET /api/v1/search/suggest": "200 400 401 429",
    "GET /api/v1/search/videos": "200 400 401 429",
    "POST /api/v1/reports": "201 400 401 403 404 413 415 429",
    "GET /api/v1/screen-time": "200 401",
    "POST /api/v1/screen-time/unlock": "200 400 401 403 409 413 415 429",
    "POST /api/v1/signals": "200 400 401 413 415 429",
    "GET /api/v1/studio/analytics/audience": "200 400 401 403",
    "GET /api/v1/studio/analytics/export": "200 400 401 403",
    "GET /api/v1/studio/analytics/overview": "200 400 401 403",
    "GET /api/v1/studio/analytics/videos/{public_id}": "200 400 401 403 404",
    "GET /api/v1/studio/comment-filter-words": "200 401 404",
    "POST /api/v1/studio/comment-filter-words": "201 400 401 403 404 413 415 429",
    "DELETE /api/v1/studio/comment-filter-words/{word_id}": "204 401 403 404 429",
    "GET /api/v1/studio/comment-settings": "200 401 404",
    "PUT /api/v1/studio/comment-settings": "200 400 401 403 404 413 415 429",
    "GET /api/v1/studio/comments": "200 401 404",
    "GET /api/v1/studio/profile": "200 401 404",
    "POST /api/v1/studio/profile": "201 400 401 403 409 413 415",
    "PUT /api/v1/studio/profile": "200 400 401 403 404 413 415",
    "POST /api/v1/studio/uploads": "201 400 401 403 404 409 413 415",
    "GET /api/v1/studio/uploads/{upload_id}": "200 401 404",
    "DELETE /api/v1/studio/uploads/{upload_id}": "204 401 403 404",
    "PUT /api/v1/studio/uploads/{upload_id}/chunk": "200 400 401 403 404 409 413 415",
    "POST /api/v1/studio/uploads/{upload_id}/complete": "201 400 401 403 404 409",
    "GET /api/v1/studio/videos": "200 400 401 404",
    "POST /api/v1/studio/videos": "201 400 401 403 404 413 415",
    "GET /api/v1/studio/videos/{public_id}": "200 401 404",
    "PATCH /api/v1/studio/videos/{public_id}": "200 400 401 403 404 413 415",
    "DELETE /api/v1/studio/videos/{public_id}": "204 401 403 404",
    "PUT /api/v1/studio/videos/{public_id}/comment-policy": "200 400 401 403 404 413 415 429",
    "POST /api/v1/studio/videos/{public_id}/publish": "202 400 401 403 404 409 413 415",
    "POST /api/v1/studio/videos/{public_id}/retry": "202 400 401 403 404 409",
    "GET /api/v1/tags/trending": "200 400 401",
    "GET /api/v1/tags/{name}": "200 401 404",
    "POST /api/v1/tags/{name}/follow": "201 401 403 404",
    "DELETE /api/v1/tags/{name}/follow": "200 401 403 404",
    "GET /api/v1/tags/{name}/videos": "200 400 401 404",
    "GET /api/v1/topics": "200 401",
    "GET /api/v1/videos/{public_id}": "200 401 403 404",
    "GET /api/v1/videos/{public_id}/comments": "200 400 401 403 404",
    "POST /api/v1/videos/{public_id}/comments": "201 400 401 403 404 409 413 415 429",
    "POST /api/v1/videos/{public_id}/report": "201 400 401 403 404 413 415 429",
}


def documented() -> dict[str, dict[str, Any]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        f"{method.upper()} {path}": operation["responses"]
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def test_each_operation_lists_exactly_the_statuses_it_can_answer():
    assert {operation: " ".join(responses) for operation, responses in documented().items()} == STATUSES


def test_every_error_answer_carries_the_one_error_shape_and_there_is_no_wildcard():
    shape = {"$ref": "#/components/schemas/ApiErrorResponse"}
    for operation, responses in documented().items():
        assert "4XX" not in responses, operation
        errors = {status: response for status, response in responses.items() if int(status) >= 400}
        assert errors, operation
        for status, response in errors.items():
            assert response["content"]["application/json"]["schema"] == shape, (operation, status)
            assert response["description"], (operation, status)


def test_every_service_status_names_a_real_operation():
    operations = documented()
    assert [
        f"{method} {path}" for method, path in SERVICE_STATUSES if f"{method} {path}" not in operations
    ] == []


def test_follow_documents_the_refusal_to_follow_yourself():
    follow = documented()["POST /api/v1/creators/{handle}/follow"]
    assert set(follow) == {"200", "201", "400", "401", "403", "404"}
    assert follow["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApiErrorResponse"
    }


def test_bodies_are_json_unless_a_view_reads_other_forms_and_text_refuses_null_characters():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert list(paths["/api/v1/signals"]["post"]["requestBody"]["content"]) == ["application/json"]
    assert "multipart/form-data" in paths["/api/v1/studio/videos"]["post"]["requestBody"]["content"]
    assert schema["components"]["schemas"]["LogInInputRequest"]["properties"]["password"]["pattern"] == (
        "^[^\\u0000]*$"
    )
