"""Account suspension: a suspended person may still log in and out, read their notifications, read the
decisions about them and appeal, and read the guidelines; every other page and API answers 403."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone

# Each entry is a path prefix (the page and its API twin). Static files are served by whitenoise before
# this middleware; media (in development) and the posters of one's own videos on the decision page pass.
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
        message = (
            f"Your account is suspended until {until:%d %B %Y, %H:%M} UTC. "
            "You can read the decision and appeal it."
        )
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
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

    return (
        Token.objects.filter(key=words[1], user__is_active=True)
        .values_list("user__suspended_until", flat=True)
        .first()
    )
