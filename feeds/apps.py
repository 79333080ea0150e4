"""App configuration of `feeds`: hooks into the layers below it."""

import logging
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)


class FeedsConfig(AppConfig):
    name = "feeds"
    verbose_name = gettext_lazy("Feeds")  # the admin's breadcrumbs and headings name the app by this
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_save, pre_delete

        from creators import hooks
        from creators.models import Video
        from feeds import hidden_creators, personal_data
        from feeds.search.backends import search_connection_setup
        from feeds.search.models import SearchNotice
        from feeds.search.selectors import notices_changed
        from feeds.selectors import view_counts
        from feeds.views import watch
        from platform.personal_data import register_personal_data
        from platform.readiness import readiness_check_register

        hooks.on_video_changed(_video_changed)
        hooks.on_comment_posted(_comment_posted)
        hooks.on_video_changed(_search_video_changed)
        hooks.on_profile_changed(_search_profile_changed)
        readiness_check_register("feed_pools", _feed_pools_ping, when=lambda: bool(settings.FEED_POOLS_URL))
        # Imported here, in one thread: two request threads importing redis at once can meet a
        # half-initialised module ("module 'redis' has no attribute 'Redis'", seen under load).
        import feeds.pools.redis_pools  # noqa: F401

        hooks.provide_view_counts(view_counts)
        hooks.provide_watch_page(watch)
        hooks.provide_profile_visited(_count_profile_visit)
        hidden_creators.connect()
        user_logged_in.connect(_carry_anonymous_profile, dispatch_uid="feeds.carry_anonymous_profile")
        connection_created.connect(search_connection_setup, dispatch_uid="feeds.search_connection_setup")
        pre_delete.connect(_search_video_deleting, sender=Video, dispatch_uid="feeds.search_video_deleting")
        # The cached search notices follow every change, the admin's or anyone's.
        post_save.connect(notices_changed, sender=SearchNotice, dispatch_uid="feeds.search_notice_saved")
        post_delete.connect(notices_changed, sender=SearchNotice, dispatch_uid="feeds.search_notice_deleted")
        register_personal_data(
            app="feeds",
            exporter=personal_data.feeds_export,
            eraser=personal_data.feeds_erase,
            files=personal_data.FILES,
        )


def _video_changed(video_id: int) -> None:
    from feeds.pools import feed_pools

    feed_pools().videos_changed([video_id])


def _comment_posted(comment_id: int) -> None:
    # After the comment's commit: a signal that fails to store must not turn a posted comment into an
    # error for its author (signals are telemetry); it is logged instead.
    from feeds.services import comment_signal_record

    try:
        comment_signal_record(comment_id=comment_id)
    except Exception:
        logger.exception("The interest signal of comment %s was not recorded.", comment_id)


def _search_video_changed(video_id: int) -> None:
    # After the change's commit, in the same request: search finds a published video at once. A failure
    # is logged, not raised (the change itself is done); ``search_reindex`` repairs what it missed.
    from feeds.search.indexing import video_index

    try:
        video_index(video_id=video_id)
    except Exception:
        logger.exception("Video %s was not reindexed for search.", video_id)


def _search_video_deleting(sender: Any, instance: Any, **kwargs: Any) -> None:
    from feeds.search.indexing import video_deleting

    try:
        video_deleting(video=instance)
    except Exception:
        logger.exception("Video %s's search terms will not be recounted.", instance.pk)


def _search_profile_changed(profile_id: int) -> None:
    from feeds.search.indexing import profile_index

    try:
        profile_index(profile_id=profile_id)
    except Exception:
        logger.exception("Creator %s was not reindexed for search.", profile_id)


def _feed_pools_ping() -> None:
    from feeds.pools import feed_pools

    feed_pools().ping()


def _carry_anonymous_profile(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The anonymous viewer's key is in their signed cookie, which the response then drops.
    from feeds.services import profile_merge
    from platform.viewer import CACHE_ATTRIBUTE, anonymous_key_of

    if request is None or not hasattr(request, "COOKIES"):
        return
    if hasattr(request, CACHE_ATTRIBUTE):  # the request's viewer was the anonymous one until now
        delattr(request, CACHE_ATTRIBUTE)
    anonymous_key = anonymous_key_of(request)
    if anonymous_key:
        profile_merge(anonymous_key=anonymous_key, user=user)


def _count_profile_visit(creator: Any, request: Any) -> None:
    from feeds.services import profile_visit_record
    from platform.viewer import viewer_of

    profile_visit_record(creator_id=creator.pk, viewer=viewer_of(request))
