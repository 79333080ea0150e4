"""Which language a person is spoken to in: their account's choice, else the site's default for what
reaches them outside a request (emails, notifications), else, on a page, what their browser asks for."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_of(user: Any) -> str:
    """The language to write to ``user`` in when they are not the one asking (an email, a notification
    someone else's action caused): the one saved on their account, else the site's default."""
    chosen = getattr(user, "language", "") or ""
    return chosen if chosen in language_codes() else settings.LANGUAGE_CODE


def in_language_of(user: Any) -> AbstractContextManager[None]:
    """``with in_language_of(recipient):`` around building a text for ``recipient``."""
    return translation.override(language_of(user))


def language_cookie_set(response: HttpResponse, language: str) -> None:
    """The ``django_language`` cookie, with the settings Django's ``set_language`` uses."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class AccountLanguageMiddleware:
    """A logged-in person's saved language wins over the cookie and Accept-Language on every request.
    After ``AuthenticationMiddleware`` (it reads ``request.user``) and Django's ``LocaleMiddleware``,
    which already chose from the cookie or the browser for everyone else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if chosen and chosen in language_codes() and chosen != translation.get_language():
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        # LocaleMiddleware's Content-Language, set on the way out, reads the language active then: this one.
        return self.get_response(request)
