"""App configuration of `feeds`: hooks into the layers below it."""

from typing import Any

from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "feeds"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from creators import hooks
        from feeds.catalog import catalog_mark_stale

        hooks.on_video_changed(catalog_mark_stale)
        user_logged_in.connect(_carry_anonymous_profile, dispatch_uid="feeds.carry_anonymous_profile")


def _carry_anonymous_profile(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The anonymous viewer id lives in the session data, which survives the key change at log-in.
    from feeds.services import profile_merge

    anonymous_key = (
        request.session.get("viewer_key") if request is not None and hasattr(request, "session") else None
    )
    if anonymous_key:
        profile_merge(anonymous_key=anonymous_key, user=user)
        del request.session["viewer_key"]
