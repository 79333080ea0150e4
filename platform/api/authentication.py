"""Token authentication that reads each request's token once.

``platform.middleware.SuspensionMiddleware`` must know, before any view runs, whether an API client's
token belongs to a suspended account, so it reads the token (with its user) itself. DRF's own
``TokenAuthentication`` would then read the same row again inside the view; this one takes the row the
middleware found, and falls back to DRF's lookup (and its errors) when there is none."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from rest_framework import authentication
from rest_framework.request import Request

# The attribute of the HttpRequest where the middleware leaves the token it read (an active user's).
SEEN_ATTRIBUTE = "joyreel_token"  # an attribute name, not a secret


def token_seen(request: HttpRequest, token: Any) -> None:
    setattr(request, SEEN_ATTRIBUTE, token)


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        token = getattr(request._request, SEEN_ATTRIBUTE, None)
        if token is not None:
            return token.user, token
        return super().authenticate(request)
