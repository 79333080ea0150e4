"""The moderators' queues of comments: reported comments (one row per comment, its open reports beside it)
and comments a watched word held back. Every decision goes through ``creators.trust`` (``reports_decide``,
``decision_take``): a statement of reasons to the author, appealable, audited; reporters are told."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy

from creators.comments.models import Comment
from creators.comments.selectors import author_name
from creators.forms import DecisionForm
from creators.models import Decision, Report, ReportedComment, ReviewComment
from creators.trust.admin_decisions import admin_actor, decision_step
from creators.trust.admin_review import _decide_with_facts, _QueueAdmin
from creators.trust.decisions import decision_take
from creators.trust.reports import reports_decide
from creators.trust.watched_words import watched_match
from platform.admin_site import ModerationQueue, moderation_queue_register
from platform.guidelines import Guideline

Action = Decision.Action
OPEN = Report.Status.OPEN


def _open_reports() -> QuerySet[Report]:
    return Report.objects.filter(comment=OuterRef("pk"), status=OPEN)


class _CommentQueueAdmin(_QueueAdmin):
    """What both comment queues show: the words (escaped, as every admin field is), the video they are
    under, their author; read-only, acted on only through the actions."""

    list_select_related = ["video__owner", "author__creator_profile"]
    search_fields = ["text", "video__caption", "video__owner__handle", "author__creator_profile__handle"]
    search_help_text = gettext_lazy("Search by the comment's words, the video's caption or a handle.")
    fields = ["text", "state", "written_by", "on_video", "reply_to", "created_at", "edited_at"]
    readonly_fields = ["written_by", "on_video", "reply_to"]

    @admin.display(description=gettext_lazy("comment"), ordering="text")
    def words(self, obj: Comment) -> str:
        text = " ".join(obj.text.split())
        return text if len(text) <= 140 else text[:139] + "…"

    @admin.display(description=gettext_lazy("author"))
    def written_by(self, obj: Comment) -> str:
        if obj.author is None:
            return author_name(obj)
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:platform_user_change", args=[obj.author_id]),
            author_name(obj),
        )

    @admin.display(description=gettext_lazy("under the video"))
    def on_video(self, obj: Comment) -> str:
        caption = obj.video.caption.strip() or gettext("Untitled video")
        if len(caption) > 60:
            caption = caption[:59] + "…"
        return format_html(
            '<a href="{}">{}</a> by @{}',
            reverse("admin:creators_video_change", args=[obj.video_id]),
            caption,
            obj.video.owner.handle,
        )

    @admin.display(description=gettext_lazy("reply to"))
    def reply_to(self, obj: Comment) -> str:
        if obj.parent is None:
            return "—"
        text = " ".join(obj.parent.text.split())
        return text if len(text) <= 140 else text[:139] + "…"


@admin.register(ReportedComment)
class ReportedCommentAdmin(_CommentQueueAdmin):
    """Comments with open reports, the longest waiting first. "Remove…" asks for the statement of reasons
    and decides every open report of each comment at once (``reports_decide``): the author can appeal,
    each reporter is told the outcome."""

    list_display = ["words", "on_video", "written_by", "report_count", "reasons", "first_reported"]
    list_display_links = ["words"]
    fields = [*_CommentQueueAdmin.fields, "report_list"]
    readonly_fields = [*_CommentQueueAdmin.readonly_fields, "report_list"]
    actions = ["remove", "dismiss"]

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        return ("first_reported", "pk")  # the longest waiting first

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        counts = _open_reports().order_by().values("comment").annotate(count=Count("pk")).values("count")
        oldest = _open_reports().order_by().values("comment").annotate(at=Min("created_at")).values("at")
        # As ``ModelAdmin.get_queryset``, with the annotations before the ordering that names one of them.
        queryset: QuerySet[Any] = (
            self.model._default_manager.get_queryset()
            .filter(Exists(_open_reports()))
            .annotate(
                open_reports=Subquery(counts, output_field=IntegerField()), first_reported=Subquery(oldest)
            )
        )
        return queryset.order_by(*self.get_ordering(request))

    @admin.display(description=gettext_lazy("reports"), ordering="open_reports")
    def report_count(self, obj: Any) -> int:
        return int(obj.open_reports or 0)

    @admin.display(description=gettext_lazy("reasons"))
    def reasons(self, obj: Comment) -> str:
        labels = dict(Guideline.choices)
        found = Report.objects.filter(comment=obj, status=OPEN).values_list("reason", flat=True)
        return ", ".join(sorted({str(labels.get(reason, reason)) for reason in found}))

    @admin.display(description=gettext_lazy("first reported"), ordering="first_reported")
    def first_reported(self, obj: Any) -> datetime.datetime | None:
        return obj.first_reported  # type: ignore[no-any-return]

    @admin.display(description=gettext_lazy("reports"))
    def report_list(self, obj: Comment) -> str:
        rows = Report.objects.filter(comment=obj).select_related("reporter").order_by("created_at")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} · {} · {}{}</li>",
                (
                    (
                        f"{report.created_at:%d %b %Y %H:%M}",
                        report.get_reason_display(),
                        report.get_status_display(),
                        f": “{report.detail}”" if report.detail else "",
                    )
                    for report in rows
                ),
            ),
        )

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[Any], decision: str
    ) -> TemplateResponse | None:
        label = "Remove" if decision == Action.REMOVE else "Dismiss the reports"
        is_dismissal = decision == Action.DISMISS

        def apply(data: dict[str, Any]) -> str:
            report_ids = list(
                Report.objects.filter(comment__in=list(queryset.values_list("pk", flat=True)), status=OPEN)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            decided = reports_decide(
                actor=admin_actor(request),
                report_ids=report_ids,
                decision=decision,
                note=data["facts"],
                guideline=data["guideline"],
                target="comment",
            )
            comments = {report.comment_id for report in decided}
            if decision == Action.REMOVE:
                text = gettext(
                    "%(comments)s comment(s) removed; %(reports)s report(s) decided. Each reporter was told the outcome."
                )
            else:
                text = gettext(
                    "%(comments)s comment(s) left up; %(reports)s report(s) decided. Each reporter was told the outcome."
                )
            return text % {"comments": len(comments), "reports": len(decided)}

        return decision_step(
            self,
            request,
            queryset,
            form=DecisionForm(
                request.POST if "apply" in request.POST else None, facts_required=not is_dismissal
            ),
            title=gettext_lazy("Decide the reported comments: ")
            + ("remove" if not is_dismissal else "no breach"),
            intro=(
                "The reporters are told that nothing breaks the guidelines; the author is told nothing."
                if is_dismissal
                else "The author receives a statement of reasons with what you write here, and can appeal; "
                "the reporters are told the outcome."
            ),
            submit_label=label,
            apply=apply,
        )

    @admin.action(
        description=gettext_lazy("Remove the comments (ask for the reasons)…"), permissions=["change"]
    )
    def remove(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.REMOVE)

    @admin.action(description=gettext_lazy("Dismiss the reports (no breach)…"), permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.DISMISS)


@admin.register(ReviewComment)
class ReviewCommentAdmin(_CommentQueueAdmin):
    """Comments a watched word held back: the author sees "pending", nobody else sees them, until a
    moderator lets them through (``review_clear``) or removes them with a statement of reasons."""

    list_display = ["words", "on_video", "written_by", "watched_phrase", "created_at"]
    list_display_links = ["words"]
    ordering = ["created_at", "pk"]  # the longest waiting first
    actions = ["looks_fine", "remove"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(state=Comment.State.PENDING)

    @admin.display(description=gettext_lazy("matched"))
    def watched_phrase(self, obj: Comment) -> str:
        return watched_match(text=obj.text) or "—"

    @admin.action(description=gettext_lazy("Looks fine (show the comments)"), permissions=["change"])
    def looks_fine(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = 0
        for comment in queryset:
            decision_take(
                actor=admin_actor(request),
                action=Action.REVIEW_CLEAR,
                facts="A moderator reviewed the comment and found no problem.",
                comment=comment,
                source=Decision.Source.WATCHED_WORDS,
            )
            count += 1
        self.message_user(
            request, gettext("%(count)s comment(s) let through.") % {"count": count}, messages.SUCCESS
        )

    @admin.action(
        description=gettext_lazy("Remove the comments (ask for the reasons)…"), permissions=["change"]
    )
    def remove(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        def decide(comment: Comment, guideline: str, facts: str) -> None:
            decision_take(
                actor=admin_actor(request),
                action=Action.REMOVE,
                facts=facts,
                guideline=guideline,
                comment=comment,
                source=Decision.Source.WATCHED_WORDS,
            )

        return _decide_with_facts(
            self,
            request,
            queryset,
            title=gettext_lazy("Remove"),
            decide=decide,
            intro=gettext_lazy(
                "The author is told what you write here, in a statement of reasons, and can appeal."
            ),
        )


moderation_queue_register(
    ModerationQueue(
        # Waiting since its oldest open report (the queue's annotation): one aggregate, like the other queues.
        title=gettext_lazy("Reported comments"),
        model=ReportedComment,
        waiting_since="first_reported",
        position=15,
    )
)
moderation_queue_register(
    ModerationQueue(title=gettext_lazy("Comments held by a watched word"), model=ReviewComment, position=35)
)
