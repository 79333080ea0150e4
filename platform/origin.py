"""Where a request comes from: the client's network address and this browser's long-lived random id.

Accounts keep both from their sign-up (the id only hashed), so that family pairing can tell a parent's
account that a teen made themself in their own browser or at home (``platform.family``).

The browser id is a random value in an HttpOnly, SameSite=Lax cookie that the site sets on the pages
where it matters (sign-up, log-in, family pairing) when the browser has none yet. It is not a secret
and not an identity: a private window or cleared cookies get a new one. It only makes the easy way (one
browser, two accounts) visible.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from rest_framework.throttling import BaseThrottle

from platform.family import RequestOrigin

BROWSER_COOKIE = "joyreel_browser"
BROWSER_COOKIE_MAX_AGE = 2 * 365 * 24 * 60 * 60
_NEW_ID = "_joyreel_new_browser_id"
Response = TypeVar("Response", bound=HttpResponseBase)


def client_address(request: HttpRequest) -> str | None:
    """The client's address, read through ``TRUSTED_PROXY_COUNT`` exactly as the throttles read it (a
    forged X-Forwarded-For is ignored unless that many proxies stand in front); None if not an address."""
    # DRF's own reading of the address (it looks only at request.META, which a Django request has).
    ident = BaseThrottle().get_ident(request)  # type: ignore[arg-type]
    try:
        return str(ipaddress.ip_address(str(ident).strip()))
    except ValueError:
        return None


def browser_id(request: HttpRequest) -> str:
    """This browser's id: the cookie's, or a new one that ``browser_id_keep`` sets on the response."""
    value = request.COOKIES.get(BROWSER_COOKIE, "")
    if 16 <= len(value) <= 64 and value.isascii():
        return value
    new = getattr(request, _NEW_ID, "")
    if not new:
        new = secrets.token_urlsafe(24)
        setattr(request, _NEW_ID, new)
    return new


def browser_hash(value: str) -> str:
    """What accounts keep of a browser id: an HMAC with the site's secret, so the stored value cannot be
    turned back into a cookie that would pass as that browser."""
    if not value:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def browser_id_keep(request: HttpRequest, response: Response) -> Response:
    """Set the browser id cookie when the browser had none (a new id made for this request, or one now)."""
    if request.COOKIES.get(BROWSER_COOKIE) == browser_id(request):
        return response
    response.set_cookie(
        BROWSER_COOKIE,
        browser_id(request),
        max_age=BROWSER_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def request_origin(request: HttpRequest) -> RequestOrigin:
    """The request's address and hashed browser id, as family pairing and sign-up record them."""
    return RequestOrigin(address=client_address(request), browser=browser_hash(browser_id(request)))
