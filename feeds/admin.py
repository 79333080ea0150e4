"""Admin for reports (the moderation queue), interest profiles, video stats, creators' daily analytics and the
raw signal log."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from creators.admin_decisions import admin_actor, decision_step
from creators.forms import DecisionForm
from creators.models import Decision
from feeds import services
from feeds.models import CreatorDay, InterestProfile, Report, RollupState, Signal, VideoStats

Action = Decision.Action


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    """The moderation queue. Each action asks for the statement of reasons, then calls
    ``feeds.services.reports_decide``: one decision per reported video or account, through
    ``decision_take``, and each reporter is told the outcome."""

    list_display = ["created_at", "reason", "video", "profile", "reporter", "status", "decision"]
    list_filter = ["status", "reason", ("video", admin.EmptyFieldListFilter)]
    search_fields = ["video__caption", "video__owner__handle", "profile__handle", "detail"]
    list_select_related = ["video", "video__owner", "profile", "reporter", "decision"]
    raw_id_fields = ["video", "profile", "reporter"]
    readonly_fields = [
        "video",
        "profile",
        "reporter",
        "viewer_key",
        "reason",
        "detail",
        "status",
        "created_at",
        "decision",
        "decided_at",
    ]
    actions = [
        "remove_videos",
        "limit_videos",
        "age_restrict_videos",
        "label_videos_unverified",
        "warn_accounts",
        "strike_accounts",
        "suspend_accounts",
        "dismiss",
    ]

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[Report], decision: str
    ) -> TemplateResponse | None:
        label = Action(decision).label
        is_dismissal = decision == Action.DISMISS

        def apply(data: dict[str, Any]) -> str:
            report_ids = list(queryset.values_list("pk", flat=True))
            decided = services.reports_decide(
                actor=admin_actor(request),
                report_ids=report_ids,
                decision=decision,
                note=data["facts"],
                guideline=data["guideline"],
                suspend_days=data.get("days"),
            )
            targets = {(report.video_id, report.profile_id) for report in decided}
            message = f"{len(decided)} report(s) decided ({label.lower()}) on {len(targets)} target(s)."
            if skipped := len(report_ids) - len(decided):
                message += f" {skipped} already decided, left as they were."
            return message

        return decision_step(
            self,
            request,
            queryset,
            form=DecisionForm(
                request.POST if "apply" in request.POST else None,
                facts_required=not is_dismissal,
                ask_days=decision == Action.SUSPEND,
            ),
            title=f"Decide the reports: {label.lower()}",
            intro=(
                "The reporters are told that nothing breaks the guidelines; the creator is told nothing."
                if is_dismissal
                else "The creator receives a statement of reasons with what you write here, and can appeal; "
                "the reporters are told the outcome."
            ),
            submit_label=label,
            apply=apply,
        )

    @admin.action(description="Remove the reported videos", permissions=["change"])
    def remove_videos(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.REMOVE)

    @admin.action(description="Limit the reported videos (not recommended)", permissions=["change"])
    def limit_videos(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.LIMIT)

    @admin.action(description="Age-restrict the reported videos (adults only)", permissions=["change"])
    def age_restrict_videos(
        self, request: HttpRequest, queryset: QuerySet[Report]
    ) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.AGE_RESTRICT)

    @admin.action(description="Label the reported videos: unverified claims", permissions=["change"])
    def label_videos_unverified(
        self, request: HttpRequest, queryset: QuerySet[Report]
    ) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.LABEL_UNVERIFIED)

    @admin.action(description="Warn the reported accounts", permissions=["change"])
    def warn_accounts(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.WARNING)

    @admin.action(description="Strike the reported accounts", permissions=["change"])
    def strike_accounts(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.STRIKE)

    @admin.action(description="Suspend the reported accounts", permissions=["change"])
    def suspend_accounts(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.SUSPEND)

    @admin.action(description="Dismiss the reports (no breach)", permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.DISMISS)

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
