"""Admin for interest profiles, video stats, creators' daily analytics and the raw signal log (the reports
queue lives in ``creators.trust.admin``)."""

from django.contrib import admin
from django.http import HttpRequest

from feeds.models import (
    CreatorDay,
    HashtagFollow,
    HashtagStats,
    InterestProfile,
    RollupState,
    Signal,
    TrendingHashtag,
    VideoStats,
)
from feeds.search.models import SearchNotice


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(InterestProfile)
class InterestProfileAdmin(ReadOnlyAdmin):
    list_display = ["viewer_key", "user", "signal_count", "updated_at"]
    search_fields = ["viewer_key", "user__email"]
    list_select_related = ["user"]


@admin.register(VideoStats)
class VideoStatsAdmin(ReadOnlyAdmin):
    list_display = ["video", *VideoStats.COUNTERS, "updated_at"]
    list_select_related = ["video", "video__owner"]
    search_fields = ["video__caption"]


@admin.register(Signal)
class SignalAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "viewer_key", "kind", "source", "video", "watched_seconds"]
    list_filter = ["kind", "source"]
    search_fields = ["viewer_key"]
    list_select_related = ["video", "video__owner"]
    show_full_result_count = False  # the log is large; counting it on every page is not worth it


@admin.register(CreatorDay)
class CreatorDayAdmin(ReadOnlyAdmin):
    """What each creator's dashboard shows, day by day: for answering a creator's "my numbers look wrong"."""

    list_display = [
        "day",
        "creator",
        "views",
        "viewers",
        "watch_seconds",
        "likes",
        "follows_gained",
        "follows_lost",
    ]
    list_filter = ["day"]
    search_fields = ["creator__handle"]
    list_select_related = ["creator"]
    date_hierarchy = "day"
    show_full_result_count = False


@admin.register(RollupState)
class RollupStateAdmin(ReadOnlyAdmin):
    """How far each rollup got: the signal id for ranking stats, the last closed day for analytics."""

    list_display = ["name", "last_signal_id", "last_day", "updated_at"]


@admin.register(HashtagFollow)
class HashtagFollowAdmin(ReadOnlyAdmin):
    list_display = ["hashtag", "user", "created"]
    list_select_related = ["hashtag", "user"]
    search_fields = ["hashtag__name", "user__email"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a follow is also on the person's interest profile: only they end it


@admin.register(HashtagStats)
class HashtagStatsAdmin(ReadOnlyAdmin):
    list_display = ["hashtag", "videos", "views", "computed_at"]
    list_select_related = ["hashtag"]
    search_fields = ["hashtag__name"]


@admin.register(TrendingHashtag)
class TrendingHashtagAdmin(ReadOnlyAdmin):
    list_display = ["region", "rank", "hashtag", "score", "computed_at"]
    list_filter = ["region"]
    list_select_related = ["hashtag"]
    ordering = ["region", "rank"]


@admin.register(SearchNotice)
class SearchNoticeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The banners shown above searches for watched topics (elections, health), with a trusted link."""

    list_display = ["message", "terms", "link_url", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["terms", "message"]
