"""Turning a service's ValidationError into the API's error shape."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError


def as_drf_error(error: DjangoValidationError) -> ValidationError:
    """Field errors keep their field names; anything else becomes ``{"detail": [...]}``."""
    detail: Any = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
    return ValidationError(detail)
