"""The site's 403, 404 and 500 pages: the site's own look, with the reason the refusing code gave; under
``/api/`` the API's one error shape instead (``{"detail", "code"}``, ``platform.api.exception_handlers``),
whatever the settings (DEBUG's technical 404 page included) and whether or not a DRF view answered. With
DEBUG on, Django answers an unhandled error with its technical page before any handler: that is what a
developer turns DEBUG on for."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt, requires_csrf_token

from platform.errors import ERROR_CODES, NotFound

API_PREFIX = "/api/"
NOT_FOUND = gettext_lazy("Not found.")
SERVER_ERROR = gettext_lazy("Something went wrong on our side. Please try again in a moment.")


def _reason(exception: Exception | None) -> str:
    """The sentence an exception was raised with, when it is one (``Http404("No such video.")``)."""
    message = exception.args[0] if exception is not None and exception.args else ""
    return str(message).strip() if isinstance(message, str | Promise) else ""


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX) or request.path_info == API_PREFIX.rstrip("/")


def api_error(*, detail: str, code: str, status: int) -> JsonResponse:
    """The API's error shape, for the answers that come from no DRF view."""
    return JsonResponse({"detail": detail, "code": code}, status=status)


@requires_csrf_token  # the header's log-out form needs the token, as on every page
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Our refusals (``PermissionDenied("Business accounts … are for adults (18+).")``) are written for
    the person refused; the template escapes them."""
    reason = _reason(exception) if isinstance(exception, PermissionDenied) else ""
    if _is_api(request):
        detail = reason or gettext("You do not have permission to perform this action.")
        return api_error(detail=detail, code="permission_denied", status=403)
    return render(request, "403.html", {"reason": reason}, status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Our views raise ``Http404`` with a sentence for the visitor ("No such video."), the same one
    the API answers; Django's own (an unknown URL's resolver report, ``get_object_or_404``'s model
    names) are not for them, and only the plain ``Http404`` of our code is shown."""
    is_ours = type(exception) is Http404 and not _reason(exception).endswith("matches the given query.")
    reason = _reason(exception) if is_ours else ""
    if _is_api(request):
        return api_error(detail=reason or str(NOT_FOUND), code=ERROR_CODES[NotFound], status=404)
    return render(request, "404.html", {"reason": reason}, status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """An unhandled error: the API's shape under ``/api/`` (code ``server_error``), else ``500.html``,
    which stands alone: it is rendered without a request, so no context processor nor query runs while
    something is already wrong."""
    if _is_api(request):
        return api_error(detail=str(SERVER_ERROR), code="server_error", status=500)
    return defaults.server_error(request)


@csrf_exempt  # it changes nothing; a CSRF refusal would answer an HTML 403 instead of the API's 404
def api_not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """The last URL under ``/api/``: what no API route matched is the API's JSON 404, also with DEBUG on
    (whose technical 404 page would bypass ``handler404``). Being a match, it also stops
    ``APPEND_SLASH``'s redirect, which it therefore makes itself for a read of a route that has a slash."""
    if settings.APPEND_SLASH and request.method in ("GET", "HEAD") and not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/", getattr(request, "urlconf", None))
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return api_error(detail=str(NOT_FOUND), code=ERROR_CODES[NotFound], status=404)


def api_json_errors(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A plain Django view under ``/api/`` (not DRF's, which answers its own errors in the shape): its
    bodiless 405 gets the API's shape, keeping the ``Allow`` header. Only for views that change nothing:
    they are exempt from the CSRF check, whose refusal is an HTML page."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            answer = api_error(
                detail=f'Method "{request.method}" not allowed.', code="method_not_allowed", status=405
            )
            answer["Allow"] = response["Allow"]
            return answer
        return response

    return wrapper
