"""What the site's pages share: domain errors shown on forms or as messages, and the request's user."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import (
    Http404,
    HttpRequest,
)

from platform.errors import NotFound, RateLimited
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


class ServiceCall:
    """What a service call in a page came to: ``ok`` unless it raised a domain error, now shown."""

    def __init__(self) -> None:
        self.ok = True
        self.error: Exception | None = None


@contextmanager
def service_call(
    request: HttpRequest,
    *,
    success: str = "",
    form: Form | None = None,
    renames: dict[str, str] | None = None,
) -> Iterator[ServiceCall]:
    """Runs a page's service call and shows its outcome the one way every page does.

    A ``ValidationError`` goes to ``form``'s fields (see ``form_add_service_errors``), or without a
    form becomes one error message; ``RateLimited`` says its message the same way; ``NotFound`` is the
    page's 404. Without an error, ``success`` (if any) is the message. ``call.ok`` tells the page which::

        with service_call(request, success="Promotion cancelled."):
            services.promotion_cancel(promotion=promotion, actor=user)
    """
    call = ServiceCall()
    try:
        yield call
    except ValidationError as error:
        call.ok, call.error = False, error
        if form is not None:
            form_add_service_errors(form, error, renames)
        else:
            messages.error(request, " ".join(error.messages))
    except RateLimited as error:
        call.ok, call.error = False, error
        if form is not None:
            form.add_error(None, error.message)
        else:
            messages.error(request, error.message)
    except NotFound as error:
        raise Http404(error.message) from error
    else:
        if success:
            messages.success(request, success)


def _request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user
