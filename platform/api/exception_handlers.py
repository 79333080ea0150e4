"""The API's one error boundary: domain errors from services become one error shape and one status.

Every error the API returns is a JSON object that extends DRF's own convention with machine-readable codes
(clients branch on ``code``/``codes``, never on the text, which is in the request's language):

- ``{"detail": "<one sentence for a person>", "code": "<code>"}`` when the error is not about one input
  field;
- ``{"<field>": ["<message>", ...], ..., "codes": {"<field>": ["<code>", ...], ...}}`` when it is about
  fields (HTTP 400, or 413 for a field that is too large): the messages stay where DRF puts them, and
  ``codes`` mirrors them one for one;
- some errors add context beside ``detail``, e.g. ``{"detail": ..., "code": "offset", "received": 1000}``
  for a 409 on a resumable upload, so the client knows where to resume.

A code is the one the service gave (``ValidationError(..., code="offset")``), else its error class's
default (``ERROR_CODES``); DRF's own errors keep theirs (``not_authenticated``, ``permission_denied``,
``required``, ``max_length``, ...). The schema documents both shapes (``platform.api.schema``).

Domain → status: ``ValidationError`` 400, ``TooLarge`` 413, ``Conflict`` 409, ``NotFound`` (and
``Http404``) 404, ``RateLimited`` 429, ``ScreenTimeLocked`` 403 (``{"detail", "code": "screen_time_locked",
"screen_time"}``), ``UpstreamError`` 502 (402 when a card was declined); a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` 413, and one Django cannot read (too many fields, nested too deep) 400.
Views call services and let these propagate; they do not catch.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from platform.errors import (
    ERROR_CODES,
    Conflict,
    NotFound,
    RateLimited,
    ScreenTimeLocked,
    TooLarge,
    UpstreamError,
    error_code,
)


def _code_of(error: DjangoValidationError, fallback: str) -> str:
    return error.code if isinstance(error.code, str) and error.code else fallback


def _outer_code(error: DjangoValidationError) -> str:
    """The code given with a dict of field errors (Django keeps it only in ``args``), else the class's."""
    given = error.args[1] if len(error.args) > 1 else None
    return given if isinstance(given, str) and given else error_code(error)


def error_body(error: DjangoValidationError) -> dict[str, Any]:
    """Field errors keep their field names and add ``codes``; anything else is ``{"detail", "code"}``."""
    fallback = _outer_code(error)
    if hasattr(error, "error_dict"):
        body: dict[str, Any] = dict(error.message_dict)
        body["codes"] = {
            field: [_code_of(each, fallback) for each in errors] for field, errors in error.error_dict.items()
        }
        return body
    first = next((each.code for each in error.error_list if isinstance(each.code, str) and each.code), None)
    return {"detail": " ".join(error.messages), "code": first or fallback}


def _status_for(error: DjangoValidationError) -> int:
    if isinstance(error, TooLarge):
        return status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    if isinstance(error, Conflict):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def _with_codes(response: Response, exc: exceptions.APIException) -> Response:
    """DRF's own answer, with its codes beside its messages in the same shape as ours."""
    data = response.data
    if isinstance(exc, exceptions.Throttled):
        codes: Any = ERROR_CODES[RateLimited]  # one meaning, one code, whichever throttle refused
    else:
        codes = exc.get_codes()
    if isinstance(data, list):  # a bare ``ValidationError("...")`` raised in a view
        first = codes[0] if isinstance(codes, list) and codes and isinstance(codes[0], str) else "invalid"
        response.data = {"detail": " ".join(str(each) for each in data), "code": first}
    elif isinstance(data, dict) and isinstance(data.get("detail"), str):
        data["code"] = codes.get("detail", "error") if isinstance(codes, dict) else str(codes)
    elif isinstance(data, dict):
        data["codes"] = codes
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """``REST_FRAMEWORK["EXCEPTION_HANDLER"]``: map domain errors, then let DRF answer the rest."""
    if isinstance(exc, DjangoValidationError):
        body = error_body(exc)
        if isinstance(exc, Conflict):
            body.update(exc.context)
        return Response(body, status=_status_for(exc))
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": _("The request body is too large."), "code": ERROR_CODES[TooLarge]},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, SuspiciousOperation):  # too many fields, a bad multipart boundary, ...
        return Response(
            {"detail": _("The request could not be read."), "code": "parse_error"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, UpstreamError):
        answer = status.HTTP_402_PAYMENT_REQUIRED if exc.is_declined else status.HTTP_502_BAD_GATEWAY
        return Response({"detail": exc.message, "code": error_code(exc)}, status=answer)
    if isinstance(exc, ScreenTimeLocked):
        return Response(
            {"detail": exc.message, "code": error_code(exc), "screen_time": exc.status.as_json()},
            status=status.HTTP_403_FORBIDDEN,
        )
    if isinstance(exc, NotFound):
        exc = exceptions.NotFound(exc.message)
    elif isinstance(exc, Http404):  # as DRF would, but here, so the answer gets its code below
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, RateLimited):
        exc = exceptions.Throttled(wait=exc.retry_after_seconds, detail=exc.message)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        return _with_codes(response, exc)
    return response
