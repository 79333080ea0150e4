"""The trust and safety admin: reports, decisions, appeals, account actions and watched words; every
action asks for its statement of reasons and calls the same services as the site."""

import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from creators.forms import AppealDecisionForm, DecisionForm
from creators.models import Appeal, Decision, Report, WatchedWord
from creators.trust import decisions as services
from creators.trust import watched_words
from creators.trust.admin_decisions import admin_actor, decision_link, decision_step, decision_words
from creators.trust.decisions import DEFAULT_SUSPENSION_DAYS
from creators.trust.reports import reports_decide
from platform.admin_site import ModerationQueue, moderation_queue_register
from platform.guidelines import Guideline
from platform.models import User

Action = Decision.Action


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    """The moderation queue. Each action asks for the statement of reasons, then calls
    ``creators.trust.reports.reports_decide``: one decision per reported video, comment or account, through
    ``decision_take``, and each reporter is told the outcome."""

    list_display = ["created_at", "reason", "reported", "reporter", "status", "outcome"]
    list_filter = [
        "status",
        "reason",
        ("video", admin.EmptyFieldListFilter),
        ("comment", admin.EmptyFieldListFilter),
    ]
    search_fields = ["video__caption", "video__owner__handle", "profile__handle", "comment__text", "detail"]
    search_help_text = gettext_lazy("Search by caption, handle, the comment's words or the reporter's words.")
    list_select_related = ["video", "video__owner", "profile", "comment", "reporter", "decision"]
    raw_id_fields = ["video", "profile", "comment", "reporter"]
    readonly_fields = [
        "video",
        "profile",
        "comment",
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
        "remove_comments",
        "warn_accounts",
        "strike_accounts",
        "suspend_accounts",
        "dismiss",
    ]

    @admin.display(description=gettext_lazy("reported"))
    def reported(self, obj: Report) -> str:
        if obj.comment is not None:
            text = " ".join(obj.comment.text.split())
            return gettext("comment “%(text)s”") % {"text": text[:59] + "…" if len(text) > 60 else text}
        if obj.video is not None:
            return gettext("video %(video)s") % {"video": obj.video}
        return gettext("account %(profile)s") % {"profile": obj.profile}

    @admin.display(description=gettext_lazy("outcome"), ordering="decided_at")
    def outcome(self, obj: Report) -> str:
        return decision_link(obj.decision)

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[Report], decision: str, *, target: str | None = None
    ) -> TemplateResponse | None:
        label = Action(decision).label
        is_dismissal = decision == Action.DISMISS

        def apply(data: dict[str, Any]) -> str:
            report_ids = list(queryset.values_list("pk", flat=True))
            decided = reports_decide(
                actor=admin_actor(request),
                report_ids=report_ids,
                decision=decision,
                note=data["facts"],
                guideline=data["guideline"],
                suspend_days=data.get("days"),
                target=target,
            )
            targets = {(report.video_id, report.profile_id, report.comment_id) for report in decided}
            decided_count = ngettext(
                "%(count)s report decided (%(decision)s)",
                "%(count)s reports decided (%(decision)s)",
                len(decided),
            ) % {"count": len(decided), "decision": str(label).lower()}
            on_targets = ngettext("on %(targets)s target.", "on %(targets)s targets.", len(targets)) % {
                "targets": len(targets)
            }
            message = f"{decided_count} {on_targets}"
            if skipped := len(report_ids) - len(decided):
                message += " " + gettext("%(count)s already decided, left as they were.") % {"count": skipped}
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
            title=gettext("Decide the reports: %(decision)s") % {"decision": str(label).lower()},
            intro=(
                gettext(
                    "The reporters are told that nothing breaks the guidelines; the creator is told nothing."
                )
                if is_dismissal
                else gettext(
                    "The creator (the author, for a comment) receives a statement of reasons with what you write "
                    "here, and can appeal; the reporters are told the outcome."
                )
            ),
            submit_label=label,
            apply=apply,
        )

    @admin.action(description=gettext_lazy("Remove the reported videos"), permissions=["change"])
    def remove_videos(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.REMOVE, target="video")

    @admin.action(description=gettext_lazy("Remove the reported comments"), permissions=["change"])
    def remove_comments(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.REMOVE, target="comment")

    @admin.action(
        description=gettext_lazy("Limit the reported videos (not recommended)"), permissions=["change"]
    )
    def limit_videos(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.LIMIT)

    @admin.action(
        description=gettext_lazy("Age-restrict the reported videos (adults only)"), permissions=["change"]
    )
    def age_restrict_videos(
        self, request: HttpRequest, queryset: QuerySet[Report]
    ) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.AGE_RESTRICT)

    @admin.action(
        description=gettext_lazy("Label the reported videos: unverified claims"), permissions=["change"]
    )
    def label_videos_unverified(
        self, request: HttpRequest, queryset: QuerySet[Report]
    ) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.LABEL_UNVERIFIED)

    @admin.action(description=gettext_lazy("Warn the reported accounts"), permissions=["change"])
    def warn_accounts(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.WARNING)

    @admin.action(description=gettext_lazy("Strike the reported accounts"), permissions=["change"])
    def strike_accounts(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.STRIKE)

    @admin.action(description=gettext_lazy("Suspend the reported accounts"), permissions=["change"])
    def suspend_accounts(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.SUSPEND)

    @admin.action(description=gettext_lazy("Dismiss the reports (no breach)"), permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.DISMISS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from viewers


# --- decisions, appeals and account actions -------------------------------------------------------


class GuidelineFilter(admin.SimpleListFilter):
    """The guidelines by their names ("Dangerous acts"); a decision stores the bare code."""

    title = gettext_lazy("guideline")
    parameter_name = "guideline__exact"  # the URL the plain field filter used, so old links still filter

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in Guideline.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Decision]) -> QuerySet[Decision] | None:
        return queryset.filter(guideline=self.value()) if self.value() else None


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin[Decision]):
    """Every statement of reasons, read-only: decisions are taken only through the actions that call
    ``decision_take`` (videos, reports, users) and reversed only through an appeal."""

    list_display = ["id", "created_at", "what", "account", "source", "reversed_at"]
    list_display_links = ["id", "created_at"]
    list_filter = [
        "action",
        "source",
        GuidelineFilter,
        "is_automated",
        ("reversed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["account__email", "video__caption", "comment__text", "facts"]
    list_select_related = ["account", "video", "video__owner"]
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("decision"), ordering="action")
    def what(self, obj: Decision) -> str:
        return decision_words(obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Decision | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Decision | None = None) -> bool:
        return False


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin[Appeal]):
    """The appeal queue, open appeals first (oldest first). A moderator may not decide the appeal of a
    decision they took; ``appeal_decide`` refuses and the admin says so."""

    list_display = ["created_at", "state", "appealed", "appellant", "decided_by"]
    list_filter = ["state", "decision__action"]
    ordering = ["state", "created_at"]  # "open" sorts before "reversed" and "upheld"
    list_select_related = ["decision", "appellant", "decided_by"]
    search_fields = ["appellant__email", "statement"]
    readonly_fields = [
        "decision",
        "appellant",
        "statement",
        "state",
        "created_at",
        "decided_by",
        "decided_at",
        "outcome_reason",
    ]
    actions = ["uphold", "reverse"]

    @admin.display(description=gettext_lazy("appeal against"), ordering="decision__action")
    def appealed(self, obj: Appeal) -> str:
        return decision_link(obj.decision, prefix="appeal of ")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Appeal | None = None) -> bool:
        return False

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[Appeal], *, reverse_decision: bool
    ) -> TemplateResponse | None:
        verb = "Reverse" if reverse_decision else "Uphold"

        def apply(data: dict[str, Any]) -> str:
            for appeal in queryset:
                services.appeal_decide(
                    actor=admin_actor(request),
                    appeal=appeal,
                    reverse_decision=reverse_decision,
                    reason=data["reason"],
                )
            if reverse_decision:
                text = gettext("%(count)s appeal(s) decided: reversed. Each person was told why.")
            else:
                text = gettext("%(count)s appeal(s) decided: upheld. Each person was told why.")
            return text % {"count": queryset.count()}

        return decision_step(
            self,
            request,
            queryset,
            form=AppealDecisionForm(request.POST if "apply" in request.POST else None),
            title=f"{verb} the decision",
            intro=gettext_lazy("The person who appealed reads your reason."),
            submit_label=verb,
            apply=apply,
        )

    @admin.action(
        description=gettext_lazy("Uphold the decision (ask for the reason)"), permissions=["change"]
    )
    def uphold(self, request: HttpRequest, queryset: QuerySet[Appeal]) -> TemplateResponse | None:
        return self._decide(request, queryset, reverse_decision=False)

    @admin.action(
        description=gettext_lazy("Reverse the decision (ask for the reason)"), permissions=["change"]
    )
    def reverse(self, request: HttpRequest, queryset: QuerySet[Appeal]) -> TemplateResponse | None:
        return self._decide(request, queryset, reverse_decision=True)


moderation_queue_register(
    ModerationQueue(
        title=gettext_lazy("Open reports"),
        model=Report,
        query={"status__exact": Report.Status.OPEN},
        position=10,
    )
)
moderation_queue_register(
    ModerationQueue(
        title=gettext_lazy("Open appeals"),
        model=Appeal,
        query={"state__exact": Appeal.State.OPEN},
        position=20,
    )
)


# The User admin lives in ``platform`` (which may not import this app); account actions join it here.
_PlatformUserAdmin = type(admin.site._registry[User])


class ModeratedUserAdmin(_PlatformUserAdmin):  # type: ignore[valid-type,misc]
    """The platform's User admin plus account actions: warning, strike, suspension (with days)."""

    actions = [*(_PlatformUserAdmin.actions or []), "account_warn", "account_strike", "account_suspend"]

    def _account_decide(
        self, request: HttpRequest, queryset: QuerySet[User], action: str
    ) -> TemplateResponse | None:
        label = Action(action).label
        is_suspension = action == Action.SUSPEND

        def apply(data: dict[str, Any]) -> str:
            ends_at = None
            if is_suspension:
                ends_at = timezone.now() + datetime.timedelta(days=data["days"] or DEFAULT_SUSPENSION_DAYS)
            for account in queryset:
                services.decision_take(
                    actor=admin_actor(request),
                    action=action,
                    facts=data["facts"],
                    guideline=data["guideline"],
                    account=account,
                    ends_at=ends_at,
                )
            return gettext("%(count)s account(s): %(decision)s. Each person was told why.") % {
                "count": queryset.count(),
                "decision": str(label).lower(),
            }

        return decision_step(
            self,
            request,
            queryset,
            form=DecisionForm(
                request.POST if "apply" in request.POST else None,
                guideline_required=True,
                ask_days=is_suspension,
            ),
            title=gettext("Decide: %(decision)s") % {"decision": str(label).lower()},
            intro=gettext_lazy(
                "Each person receives a statement of reasons with what you write here, and can appeal."
            ),
            submit_label=label,
            apply=apply,
        )

    @admin.action(description=gettext_lazy("Warn (statement of reasons)"), permissions=["change"])
    def account_warn(self, request: HttpRequest, queryset: QuerySet[User]) -> TemplateResponse | None:
        return self._account_decide(request, queryset, Action.WARNING)

    @admin.action(
        description=gettext_lazy("Strike (3 in 90 days suspend posting for 7 days)"), permissions=["change"]
    )
    def account_strike(self, request: HttpRequest, queryset: QuerySet[User]) -> TemplateResponse | None:
        return self._account_decide(request, queryset, Action.STRIKE)

    @admin.action(description=gettext_lazy("Suspend the account (ask for days)"), permissions=["change"])
    def account_suspend(self, request: HttpRequest, queryset: QuerySet[User]) -> TemplateResponse | None:
        return self._account_decide(request, queryset, Action.SUSPEND)


admin.site.unregister(User)
admin.site.register(User, ModeratedUserAdmin)


# --- watched words ---------------------------------------------------------------------------------


class WatchedWordForm(forms.ModelForm[WatchedWord]):
    class Meta:
        model = WatchedWord
        fields = ["phrase", "note"]

    def clean_phrase(self) -> str:
        return watched_words.watched_phrase_clean(
            phrase=self.cleaned_data["phrase"], word_id=self.instance.pk if self.instance else None
        )


@admin.register(WatchedWord)
class WatchedWordAdmin(admin.ModelAdmin[WatchedWord]):
    """Words and phrases that send a caption or bio to the review queue; every change is audited."""

    form = WatchedWordForm
    list_display = ["phrase", "note", "created_by", "created_at"]
    search_fields = ["phrase", "note"]
    list_select_related = ["created_by"]
    actions = ["delete_audited"]

    def save_model(self, request: HttpRequest, obj: WatchedWord, form: Any, change: bool) -> None:
        actor = request.user
        watched_words.watched_word_save(actor=actor if isinstance(actor, User) else None, word=obj)

    def delete_model(self, request: HttpRequest, obj: WatchedWord) -> None:
        actor = request.user
        watched_words.watched_word_delete(actor=actor if isinstance(actor, User) else None, word=obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would skip the audit entry and the cache
        return actions

    @admin.action(description=gettext_lazy("Delete selected watched words"), permissions=["delete"])
    def delete_audited(self, request: HttpRequest, queryset: QuerySet[WatchedWord]) -> None:
        actor = request.user
        count = 0
        for word in queryset:
            watched_words.watched_word_delete(actor=actor if isinstance(actor, User) else None, word=word)
            count += 1
        messages.success(request, gettext("Deleted %(count)s watched word(s).") % {"count": count})


from creators.trust import admin_comments  # noqa: E402, F401  (the comment queues, beside the reports)
