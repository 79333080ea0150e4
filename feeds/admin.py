"""Admin for reports (the moderation queue), interest profiles, video stats, creators' daily analytics and the
raw signal log."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from feeds import services
from feeds.models import CreatorDay, InterestProfile, Report, RollupState, Signal, VideoStats
from platform.models import User


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    """The moderation queue. Decisions go through ``feeds.services.reports_decide``, which audits each."""

    list_display = ["created_at", "reason", "video", "reporter", "status"]
    list_filter = ["status", "reason"]
    search_fields = ["video__caption", "video__owner__handle", "detail"]
    list_select_related = ["video", "video__owner", "reporter"]
    raw_id_fields = ["video", "reporter"]
    readonly_fields = ["video", "reporter", "viewer_key", "reason", "detail", "status", "created_at"]
    actions = ["remove_videos", "limit_videos", "dismiss"]

    def _decide(self, request: HttpRequest, queryset: QuerySet[Report], decision: str) -> None:
        actor = request.user
        assert isinstance(actor, User)
        decided = services.reports_decide(
            actor=actor, report_ids=queryset.values_list("pk", flat=True), decision=decision
        )
        videos = {report.video_id for report in decided}
        skipped = queryset.count() - len(decided)
        message = f"{len(decided)} report(s) decided ({decision}) on {len(videos)} video(s)."
        if skipped:
            message += f" {skipped} already decided, left as they were."
        messages.success(request, message)

    @admin.action(description="Remove the reported videos", permissions=["change"])
    def remove_videos(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        self._decide(request, queryset, "remove")

    @admin.action(description="Limit the reported videos", permissions=["change"])
    def limit_videos(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        self._decide(request, queryset, "limit")

    @admin.action(description="Dismiss the reports", permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        self._decide(request, queryset, "dismiss")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from viewers


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
