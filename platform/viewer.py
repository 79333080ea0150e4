"""Who is asking: one typed ``Viewer`` per request, built once and passed to feeds, selectors and providers.

A viewer is a logged-in user or an anonymous visitor known by a random key kept
in their session; either way they have an age policy (anonymous visitors get the
strictest) and maybe a region. Services and selectors take a ``Viewer``, never
``request.user``, so every "may this viewer see X" answer has what it needs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from platform import age

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.request import Request

    from platform.models import User

SESSION_KEY = "viewer_key"
CACHE_ATTRIBUTE = "_joyreel_viewer"


@dataclass(frozen=True, slots=True)
class Viewer:
    user: User | None  # None for an anonymous visitor
    key: str  # "u:<user id>", or "a:<random>" kept in an anonymous visitor's session
    policy: age.AgePolicy
    region: str  # ISO 3166-2, "" when unknown
    is_restricted_mode: bool = False  # hides mature, age-restricted, unverified and under-review videos

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


def viewer_of(request: HttpRequest | Request, *, remember: bool = False) -> Viewer:
    """The request's viewer, built once per request (after authentication, so API tokens count).

    An anonymous visitor's key is kept in their session from the first request that needs it kept
    (``remember``: they sent a signal or a report), so what they watch shapes their feed and moves to
    their account when they sign up. Until then each request gets a fresh key and nothing is written:
    browsing anonymously costs no session row."""
    http_request: HttpRequest = request if isinstance(request, HttpRequest) else request._request
    cached = getattr(http_request, CACHE_ATTRIBUTE, None)
    session: SessionBase | None = getattr(http_request, "session", None)
    if isinstance(cached, Viewer):
        if remember and not cached.is_authenticated and session is not None and not session.get(SESSION_KEY):
            session[SESSION_KEY] = cached.key
        return cached
    user = request.user
    if user.is_authenticated:
        viewer = viewer_for_user(user)
    else:
        key = session.get(SESSION_KEY) if session is not None else None
        viewer = viewer_for_user(None, key=str(key) if key else None)
        if remember and session is not None and not key:
            session[SESSION_KEY] = viewer.key
    setattr(http_request, CACHE_ATTRIBUTE, viewer)
    return viewer
