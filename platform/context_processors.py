"""Template context every page may use: the unread-notifications count for the bell in the nav."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from platform.models import User
from platform.notifications import unread_count


def notifications_badge(request: HttpRequest) -> dict[str, Any]:
    """``notifications_unread``: the signed-in person's unread count, counted (one query) only when a
    template reads it, so a page without the nav, or an anonymous visit, pays nothing."""

    def count() -> int:
        user = getattr(request, "user", None)  # a lazy object: isinstance loads it, once per request
        if not isinstance(user, User) or not user.is_authenticated:
            return 0
        return unread_count(user=user)

    return {"notifications_unread": SimpleLazyObject(count)}
