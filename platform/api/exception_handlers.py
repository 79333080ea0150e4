"""The API's one error boundary: domain errors from services become one error shape and one status.

Every error the API returns is a JSON object in DRF's own convention:

- ``{"detail": "<one sentence for a person>"}`` when the error is not about one input field;
- ``{"<field>": ["<message>", ...], ...}`` when it is about fields (HTTP 400);
- some errors add context beside ``detail``, e.g. ``{"detail": ..., "received": 1000}`` for a 409 on
  a resumable upload, so the client knows where to resume.

Domain → status: ``ValidationError`` 400, ``TooLarge`` 413, ``Conflict`` 409, ``NotFound`` (and
``Http404``) 404, ``RateLimited`` 429, ``ScreenTimeLocked`` 403 (``{"detail", "code": "screen_time_locked", "screen_time"}``),
``UpstreamError`` 502 (402 when a card was declined); a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``
413, and one Django cannot read (too many fields, nested too deep) 400. Views call services and let these propagate; they do not catch.
"""

from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from platform.errors import Conflict, NotFound, RateLimited, ScreenTimeLocked, TooLarge, UpstreamError


def error_body(error: DjangoValidationError) -> dict[str, Any]:
    """Field errors keep their field names; anything else becomes ``{"detail": "<sentences>"}``."""
    if hasattr(error, "error_dict"):
        return dict(error.message_dict)
    return {"detail": " ".join(error.messages)}


def _status_for(error: DjangoValidationError) -> int:
    if isinstance(error, TooLarge):
        return status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    if isinstance(error, Conflict):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """``REST_FRAMEWORK["EXCEPTION_HANDLER"]``: map domain errors, then let DRF answer the rest."""
    if isinstance(exc, DjangoValidationError):
        body = error_body(exc)
        if isinstance(exc, Conflict):
            body.update(exc.context)
        return Response(body, status=_status_for(exc))
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": "The request body is too large."}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    if isinstance(exc, SuspiciousOperation):  # too many fields, a bad multipart boundary, ...
        return Response({"detail": "The request could not be read."}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, UpstreamError):
        code = status.HTTP_402_PAYMENT_REQUIRED if exc.is_declined else status.HTTP_502_BAD_GATEWAY
        return Response({"detail": exc.message}, status=code)
    if isinstance(exc, ScreenTimeLocked):
        return Response(
            {"detail": exc.message, "code": exc.code, "screen_time": exc.status.as_json()},
            status=status.HTTP_403_FORBIDDEN,
        )
    if isinstance(exc, NotFound):
        exc = exceptions.NotFound(exc.message)
    elif isinstance(exc, RateLimited):
        exc = exceptions.Throttled(wait=exc.retry_after_seconds, detail=exc.message)
    return drf_exception_handler(exc, context)
