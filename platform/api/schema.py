"""The API schema's error shapes: one component for each, referenced by every operation's 4XX answer."""

from typing import Any

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
