"""Who is asking: one typed ``Viewer`` per request, built once and passed to feeds, selectors and providers.

A viewer is a logged-in user or an anonymous visitor known by a random key kept
in a signed cookie (no database row); either way they have an age policy (anonymous
visitors get the strictest) and maybe a region. Services and selectors take a ``Viewer``, never
``request.user``, so every "may this viewer see X" answer has what it needs.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from platform import age

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.request import Request

    from platform.models import User

COOKIE_NAME = "joyreel_viewer"
COOKIE_SALT = "platform.viewer"
ANONYMOUS_KEY = re.compile(r"a:[0-9a-f]{24}")
CACHE_ATTRIBUTE = "_joyreel_viewer"


@dataclass(frozen=True, slots=True)
class Viewer:
    user: User | None  # None for an anonymous visitor
    key: str  # "u:<user id>", or "a:<random>" kept in an anonymous visitor's signed cookie
    policy: age.AgePolicy
    region: str  # ISO 3166-2, "" when unknown
    is_restricted_mode: bool = False  # hides mature, age-restricted, unverified and under-review videos
    # False for an anonymous request that brought no key: its key is new and dies with the request unless
    # the client keeps the cookie, so nothing is learnt for it (a client that drops cookies costs no rows).
    is_known: bool = True

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None


def viewer_for_user(user: AbstractBaseUser | AnonymousUser | None, *, key: str | None = None) -> Viewer:
    """The viewer for a user (or an anonymous visitor known by ``key``), outside a request too."""
    from platform.models import User

    if isinstance(user, User) and user.is_authenticated:
        return Viewer(
            user=user,
            key=key or f"u:{user.pk}",
            policy=user.age_policy,
            region=user.region or "",
            is_restricted_mode=user.is_restricted_mode,
        )
    return Viewer(
        user=None,
        key=key or f"a:{uuid.uuid4().hex[:24]}",
        policy=age.policy_for_band(age.AgeBand.UNKNOWN),
        region="",
        is_restricted_mode=False,
    )


def anonymous_key_of(request: HttpRequest) -> str | None:
    """The anonymous visitor's key from their signed cookie; None without one (or with a forged one)."""
    key = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT)
    return key if isinstance(key, str) and ANONYMOUS_KEY.fullmatch(key) else None


def viewer_of(request: HttpRequest | Request) -> Viewer:
    """The request's viewer, built once per request (after authentication, so API tokens count).

    An anonymous visitor's key comes from their signed cookie, which the response to their first request
    sets (``viewer_cookie_update``): what they watch shapes their feed and moves to their account when
    they sign up, and no request writes a session row for it."""
    http_request: HttpRequest = request if isinstance(request, HttpRequest) else request._request
    cached = getattr(http_request, CACHE_ATTRIBUTE, None)
    if isinstance(cached, Viewer):
        return cached
    user = request.user
    if user.is_authenticated:
        viewer = viewer_for_user(user)
    else:
        key = anonymous_key_of(http_request)
        viewer = viewer_for_user(None, key=key)
        if key is None:
            viewer = dataclasses.replace(viewer, is_known=False)
    setattr(http_request, CACHE_ATTRIBUTE, viewer)
    return viewer


def viewer_cookie_update(request: HttpRequest, response: HttpResponseBase) -> None:
    """Give a new anonymous visitor their key's cookie; drop it once they are logged in (their profile
    moved to the account, and the next anonymous person on this browser starts afresh)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if COOKIE_NAME in request.COOKIES:
            response.delete_cookie(COOKIE_NAME, samesite="Lax")
        return
    viewer = getattr(request, CACHE_ATTRIBUTE, None)
    if isinstance(viewer, Viewer) and not viewer.is_authenticated and not viewer.is_known:
        response.set_signed_cookie(
            COOKIE_NAME,
            viewer.key,
            salt=COOKIE_SALT,
            max_age=settings.SESSION_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
