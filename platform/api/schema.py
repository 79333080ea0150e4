"""The API schema's post-processing: one component for each error shape, every error status each operation
can answer (each referencing that shape), and every operation's area (its tag) in the docs."""

import re
from typing import Any

from drf_spectacular.drainage import warn
from drf_spectacular.settings import spectacular_settings
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.settings import api_settings

ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    "ApiError": {
        "type": "object",
        "description": (
            "An error not about one input field. Clients branch on `code`, never on `detail`'s wording. "
            "Some errors add context beside these (a 409 on an upload chunk adds `received`; the screen-time "
            "lock adds `screen_time`). Codes: the service's own (e.g. `offset`, `follow_policy`, "
            "`upload_sessions_open`), else the error's class: `invalid`, `too_large`, `conflict`, "
            "`not_found`, `rate_limited`, `screen_time_locked`, `payment_declined`, `upstream_error`, "
            "`parse_error`, `server_error` (a 500: a bug of ours); DRF's own: `not_authenticated`, `authentication_failed`, `permission_denied`, "
            "`method_not_allowed`, `unsupported_media_type`, `not_acceptable`."
        ),
        "properties": {
            "detail": {"type": "string", "description": "One or more sentences for a person."},
            "code": {"type": "string", "description": "Stable, machine-readable.", "example": "not_found"},
        },
        "required": ["detail", "code"],
        "additionalProperties": True,
    },
    "ApiFieldErrors": {
        "type": "object",
        "description": (
            "Errors about input fields (400, or 413 for a field too large): each field's messages under "
            "its name, as DRF answers, and `codes` with one code per message in the same order "
            "(`required`, `max_length`, `invalid`, `too_large`, or the service's own such as `taken`). "
            "A list's or a nested object's errors are an object by item index or field name, the same "
            'way down (`{"links": {"0": ["Enter a valid URL."]}}`).'
        ),
        "properties": {
            "codes": {
                "type": "object",
                "additionalProperties": {"$ref": "#/components/schemas/ApiFieldMessages"},
                "example": {"email": ["taken"]},
            }
        },
        "required": ["codes"],
        "additionalProperties": {"$ref": "#/components/schemas/ApiFieldMessages"},
    },
    "ApiFieldMessages": {
        "description": "One field's messages (or codes), or, for a list or a nested object, its items' by key.",
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/ApiFieldMessages"}},
        ],
    },
    "ApiErrorResponse": {
        "oneOf": [{"$ref": "#/components/schemas/ApiError"}, {"$ref": "#/components/schemas/ApiFieldErrors"}]
    },
}

_ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiErrorResponse"}}}

# What each error status means, for the operations that can answer it.
ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "The request was not valid: the field errors, or one detail.",
    401: "Not logged in, or the token is not valid.",
    402: "The card was declined.",
    403: "Not allowed: the permission, the CSRF check for a session, or the screen-time lock.",
    404: "No such thing, or not one the requester may see.",
    409: "The thing is not in a state that allows this now.",
    413: "The body, or a file in it, is too large.",
    415: "The body's content type is not one this operation reads.",
    429: "Too many requests: try again after Retry-After seconds.",
    502: "The payment provider did not answer as it should.",
}

# The statuses no rule below can know from the view alone: what the services behind an operation raise
# (Conflict 409, RateLimited 429, UpstreamError 402/502, a ValidationError 400 on an operation with no
# body or query parameters). Keyed by (method, path); a test holds every key to a real operation.
SERVICE_STATUSES: dict[tuple[str, str], frozenset[int]] = {
    ("POST", "/api/v1/auth/login"): frozenset({429}),  # failed log-in lockout
    ("POST", "/api/v1/creators/{handle}/follow"): frozenset({400}),  # you can't follow yourself
    ("POST", "/api/v1/blocks/{handle}"): frozenset({400}),
    ("POST", "/api/v1/mutes/{handle}"): frozenset({400}),
    ("POST", "/api/v1/business/profile"): frozenset({409}),
    ("POST", "/api/v1/business/promotions/{public_id}/cancel"): frozenset({409}),
    ("POST", "/api/v1/business/promotions/{public_id}/pause"): frozenset({409}),
    ("POST", "/api/v1/business/promotions/{public_id}/resume"): frozenset({409}),
    ("POST", "/api/v1/business/promotions/{public_id}/pay"): frozenset({402, 409, 502}),
    ("POST", "/api/v1/business/promotions/{public_id}/pay/local-card"): frozenset({402, 409, 502}),
    ("POST", "/api/v1/decisions/{decision_id}/appeal"): frozenset({409}),
    ("POST", "/api/v1/screen-time/unlock"): frozenset({409, 429}),
    ("POST", "/api/v1/studio/profile"): frozenset({409}),
    # The studio needs a creator profile: 404 "Create a creator profile first." (creators.api.views.own_profile),
    # and analytics 403 "Analytics are for creators" (feeds.api.analytics).
    ("GET", "/api/v1/studio/profile"): frozenset({404}),
    ("PUT", "/api/v1/studio/profile"): frozenset({404}),
    ("GET", "/api/v1/studio/videos"): frozenset({404}),
    ("POST", "/api/v1/studio/videos"): frozenset({404}),
    ("POST", "/api/v1/studio/uploads"): frozenset({404, 409}),
    ("GET", "/api/v1/studio/analytics/audience"): frozenset({403}),
    ("GET", "/api/v1/studio/analytics/export"): frozenset({403}),
    ("GET", "/api/v1/studio/analytics/overview"): frozenset({403}),
    ("GET", "/api/v1/studio/analytics/videos/{public_id}"): frozenset({403}),
    ("PUT", "/api/v1/studio/uploads/{upload_id}/chunk"): frozenset({409}),
    ("POST", "/api/v1/studio/uploads/{upload_id}/complete"): frozenset({400, 409}),
    ("POST", "/api/v1/studio/videos/{public_id}/publish"): frozenset({409}),
    ("POST", "/api/v1/studio/videos/{public_id}/retry"): frozenset({400, 409}),
    ("POST", "/api/v1/reports"): frozenset({404, 429}),  # the video or account reported is not there
    ("POST", "/api/v1/videos/{public_id}/report"): frozenset({429}),
}

BUSINESS_PREFIX = "/api/v1/business/"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Permissions that refuse only the anonymous, who are answered 401 (the token authenticator comes first).
_ANONYMOUS_ONLY = (permissions.AllowAny, permissions.IsAuthenticatedOrReadOnly, permissions.IsAuthenticated)


def error_statuses(*, method: str, path: str, operation: dict[str, Any], view: Any) -> set[int]:
    """The error statuses an operation can answer, from what its view declares: 400 where it reads a
    body or query parameters, 401 where a token is read, 403 where a permission can refuse a logged-in
    requester or a session's CSRF check applies, 404 where the path names a thing, 413 and 415 where it
    reads a body, 429 where a throttle applies; then what its services raise (``SERVICE_STATUSES``)."""
    statuses: set[int] = set()
    has_body = "requestBody" in operation
    if has_body or any(parameter.get("in") == "query" for parameter in operation.get("parameters", [])):
        statuses.add(400)
    authenticators = [authenticator.__class__ for authenticator in view.get_authenticators()]
    if any(issubclass(each, TokenAuthentication) for each in authenticators):
        statuses.add(401)
    session_csrf = any(
        issubclass(each, SessionAuthentication) and each.enforce_csrf is SessionAuthentication.enforce_csrf
        for each in authenticators
    )
    may_refuse = any(each not in _ANONYMOUS_ONLY for each in view.permission_classes)
    if may_refuse or (method in _UNSAFE and session_csrf):
        statuses.add(403)
    # A path that names a thing; the business area answers 404 to an account without a business profile.
    if "{" in path or path.startswith(BUSINESS_PREFIX):
        statuses.add(404)
    if has_body:
        statuses.update({413, 415})
    if view.get_throttles():
        statuses.add(429)
    statuses.update(SERVICE_STATUSES.get((method, path), ()))
    return statuses


# DRF refuses a null character in any text field or query parameter (``ProhibitNullCharactersValidator``).
NO_NULL_CHARACTER = "^[^\\u0000]*$"
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refuse_null_characters(schema: dict[str, Any]) -> None:
    """Give every plain text schema in ``schema`` (nested properties and items too) the no-null pattern."""
    if schema.get("type") == "string" and not {"pattern", "enum", "format"} & set(schema):
        schema["pattern"] = NO_NULL_CHARACTER
    for each in schema.get("properties", {}).values():
        _refuse_null_characters(each)
    if isinstance(schema.get("items"), dict):
        _refuse_null_characters(schema["items"])


def request_inputs(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: what the API reads, as it reads it. A view on the default
    parsers documents JSON only (its serializers nest lists and objects a form cannot carry; the forms DRF
    would also parse are not the contract); text inputs say they refuse a null character."""
    views = _views(generator)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            view = views[(method.upper(), path)]
            content = operation.get("requestBody", {}).get("content", {})
            if view.parser_classes == api_settings.DEFAULT_PARSER_CLASSES and "application/json" in content:
                for form in _FORMS:
                    content.pop(form, None)
            for parameter in operation.get("parameters", []):
                _refuse_null_characters(parameter.get("schema", {}))
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _refuse_null_characters(schema)
    return result


def _views(generator: Any) -> dict[tuple[str, str], Any]:
    """Each operation's view, as the generator built it, by (method, path), with a request of that
    method as the generator's own ``parse`` gives it (a view's throttles may differ by method)."""
    views = {}
    for path, _, method, view in generator._get_paths_and_endpoints():
        if view.request is None:
            view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        views[(method.upper(), path)] = view
    return views


def error_responses(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: adds the error components, and to every operation each error
    status it can answer (``error_statuses``), all with the error shape, which also replaces any other body
    a view gave an error status (the exception handler answers every error). No ``4XX`` wildcard: a client
    (and Schemathesis' status-code check) learns exactly which errors each operation gives."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    views = _views(generator)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            view = views[(method.upper(), path)]
            for status in sorted(
                error_statuses(method=method.upper(), path=path, operation=operation, view=view)
            ):
                responses.setdefault(str(status), {"description": ERROR_DESCRIPTIONS[status]})
            for status, response in responses.items():
                if str(status)[0] in "45":  # every error comes from the one exception handler
                    response["content"] = _ERROR_CONTENT
            operation["responses"] = dict(sorted(responses.items()))
    return result


# Each operation's area in the docs, by its path under /api/v1/: the first pattern that matches names it.
# Tag names and descriptions are SPECTACULAR_SETTINGS["TAGS"]; a test holds the two together.
OPERATION_AREAS: tuple[tuple[str, str], ...] = (
    (r"auth/|me$|regions$", "Accounts"),
    (r"feeds/|topics$|me/interests$|tags(/|$)", "Feeds"),
    (r"search/", "Search"),
    (r"signals$", "Signals"),
    (r"reports$|(videos|comments)/[^/]+/report$|decisions(/|$)", "Reports and appeals"),
    (r"videos/[^/]+/comments$|comments/", "Comments"),
    (r"creators/|videos/", "Creators and videos"),
    (r"studio/uploads(/|$)", "Uploads"),
    (r"studio/analytics(/|$)", "Analytics"),
    (r"studio/", "Studio"),
    (r"business/promotions(/|$)", "Promotions"),
    (r"business/", "Business"),
    (r"blocks(/|$)|mutes(/|$)", "Blocks and mutes"),
    (r"notifications(/|$)", "Notifications"),
    (r"screen-time(/|$)|family(/|$)", "Family and screen time"),
)
_AREAS = [(re.compile(pattern), tag) for pattern, tag in OPERATION_AREAS]
API_PREFIX = "/api/v1/"


def area_of(path: str) -> str | None:
    """The docs' area (tag) of an API path, or None when no rule names one."""
    rest = path.removeprefix(API_PREFIX)
    return next((tag for pattern, tag in _AREAS if pattern.match(rest)), None)


def operation_tags(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: tags every operation with its area (``OPERATION_AREAS``)
    instead of the path's first segment ("v1" for all of them). An operation no rule names keeps that
    tag and is warned about, which fails ``spectacular --fail-on-warn`` and the schema's test."""
    for path, operations in result.get("paths", {}).items():
        tag = area_of(path)
        if tag is None:
            warn(f"No API docs area for {path}: add it to platform.api.schema.OPERATION_AREAS.")
            continue
        for operation in operations.values():
            operation["tags"] = [tag]
    return result
