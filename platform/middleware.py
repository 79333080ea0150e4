"""Account suspension: a suspended person may still log in and out, read their notifications, read the
decisions about them and appeal, and read the guidelines; every other page and API answers 403.

Also the page at the day's screen-time limit, for every view whose video selector refused.

Also the request id: every request carries one, in its response's ``X-Request-ID`` and on its log lines.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from platform.api.authentication import token_seen
from platform.errors import ScreenTimeLocked
from platform.logging import request_id
from platform.viewer import viewer_cookie_update

# Each entry is a path prefix (the page and its API twin). Static files are served by whitenoise before
# this middleware; nothing is served under the media prefix (a 404 for everyone), and the posters of one's
# own videos on the decision page pass.
ALLOWED_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/notifications/",
    "/decisions/",
    "/guidelines/",
    "/api/v1/auth/login",
    "/api/v1/auth/logout",
    "/api/v1/notifications",
    "/api/v1/decisions",
    "/healthz",
    "/favicon.ico",
)
POSTER = re.compile(r"^/v/[0-9a-f-]{36}/poster$")


class SuspensionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        until = getattr(user, "suspended_until", None)
        if until is None and request.path_info.startswith("/api/"):
            until = _token_user_suspended_until(request)
        if until is None or until <= timezone.now() or _is_allowed(request.path_info):
            return self.get_response(request)
        message = _(
            "Your account is suspended until %(when)s UTC. You can read the decision and appeal it."
        ) % {"when": date_format(until, "DATETIME_FORMAT")}
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "account_suspended"}, status=403)
        html = render_to_string("platform/suspended.html", {"until": until}, request=request)
        return HttpResponse(html, status=403)


def _is_allowed(path: str) -> bool:
    static_prefixes = tuple(
        prefix for prefix in (str(settings.STATIC_URL or ""), str(settings.MEDIA_URL or "")) if prefix != "/"
    )
    return path.startswith(ALLOWED_PREFIXES + static_prefixes) or bool(POSTER.match(path))


def _token_user_suspended_until(request: HttpRequest) -> datetime.datetime | None:
    """An API client that sends a token is authenticated by DRF only inside the view: look it up here."""
    words = request.headers.get("Authorization", "").split()
    if len(words) != 2 or words[0].lower() != "token":
        return None
    from rest_framework.authtoken.models import Token  # an installed app's model: not at import time

    # The whole token and user: the API's authentication takes them from here rather than read them again.
    token = Token.objects.select_related("user").filter(key=words[1], user__is_active=True).first()
    if token is None:
        return None
    token_seen(request, token)
    until: datetime.datetime | None = token.user.suspended_until
    return until


# A proxy's or client's id is kept only if it is short and plain (no spaces, quotes or control
# characters that could forge or break a log line); anything else is replaced by a fresh one.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class ViewerCookieMiddleware:
    """Sets a new anonymous visitor's signed key cookie on the response (``platform.viewer``): their feed
    and signals keep one key without a session row; after log-in it is dropped."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        viewer_cookie_update(request, response)
        return response


class RequestIdMiddleware:
    """Takes a valid incoming ``X-Request-ID`` or makes one; sets it on the response and on the request's
    log records (through the ``request_id`` context variable that ``platform.logging.ContextFilter`` reads).
    First in MIDDLEWARE, so every other middleware's log lines and responses carry it too.

    The id stays set until the server closes the response (``request_finished``), not just until this
    middleware returns: Django logs 4xx and 5xx responses after the middleware chain, and a streaming
    response's body is produced after it too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        request_finished.connect(_forget_request_id, dispatch_uid="platform.middleware.request_id")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        current = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request_id.set(current)
        response = self.get_response(request)
        response["X-Request-ID"] = current
        return response


def _forget_request_id(**kwargs: object) -> None:
    request_id.set(None)


class ScreenTimeLockMiddleware:
    """Pages at the day's screen-time limit: a view whose selector raised ``ScreenTimeLocked`` (a watch
    page, a profile's videos, a video file) answers 403 with the limit's page and the passcode form, and
    no video. The API answers the same error in its own shape (``platform.api.exception_handlers``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ScreenTimeLocked):
            return None
        if request.path_info.startswith("/api/"):  # a plain Django view under /api/: the API's shape
            body = {
                "detail": exception.message,
                "code": exception.code,
                "screen_time": exception.status.as_json(),
            }
            return JsonResponse(body, status=403)
        context = {"screen_time": exception.status, "next_url": request.get_full_path()}
        html = render_to_string("platform/screen_time_locked.html", context, request=request)
        return HttpResponse(html, status=403)
