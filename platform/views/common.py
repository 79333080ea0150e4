"""What the core app's pages share: service errors shown on forms, and the request's user."""

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import (
    HttpRequest,
)

from platform.models import User


def form_add_service_errors(
    form: Form, error: ValidationError, renames: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError at the form's fields (the service may name them differently)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    renames = renames or {}
    for field, errors in error.error_dict.items():
        name = renames.get(field, field)
        form.add_error(name if name in form.fields else None, errors)


def _request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user
