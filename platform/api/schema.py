"""The API schema's post-processing: one component for each error shape, referenced by every operation's
4XX answer, and every operation's area (its tag) in the docs."""

import re
from typing import Any

from drf_spectacular.drainage import warn

ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    "ApiError": {
        "type": "object",
        "description": (
            "An error not about one input field. Clients branch on `code`, never on `detail`'s wording. "
            "Some errors add context beside these (a 409 on an upload chunk adds `received`; the screen-time "
            "lock adds `screen_time`). Codes: the service's own (e.g. `offset`, `follow_policy`, "
            "`upload_sessions_open`), else the error's class: `invalid`, `too_large`, `conflict`, "
            "`not_found`, `rate_limited`, `screen_time_locked`, `payment_declined`, `upstream_error`, "
            "`parse_error`; DRF's own: `not_authenticated`, `authentication_failed`, `permission_denied`, "
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
            "(`required`, `max_length`, `invalid`, `too_large`, or the service's own such as `taken`)."
        ),
        "properties": {
            "codes": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "example": {"email": ["taken"]},
            }
        },
        "required": ["codes"],
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    "ApiErrorResponse": {
        "oneOf": [{"$ref": "#/components/schemas/ApiError"}, {"$ref": "#/components/schemas/ApiFieldErrors"}]
    },
}

_ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiErrorResponse"}}}


def error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: adds the error components and a ``4XX`` answer to every
    operation; an operation's own documented 4xx answers without a body get the error shape as theirs."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                if str(status).startswith("4") and "content" not in response:
                    response["content"] = _ERROR_CONTENT
            responses.setdefault(
                "4XX", {"description": "The request was refused: the error shape.", "content": _ERROR_CONTENT}
            )
    return result


# Each operation's area in the docs, by its path under /api/v1/: the first pattern that matches names it.
# Tag names and descriptions are SPECTACULAR_SETTINGS["TAGS"]; a test holds the two together.
OPERATION_AREAS: tuple[tuple[str, str], ...] = (
    (r"auth/|me$|regions$", "Accounts"),
    (r"feeds/|topics$", "Feeds"),
    (r"signals$", "Signals"),
    (r"reports$|videos/[^/]+/report$|decisions(/|$)", "Reports and appeals"),
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
