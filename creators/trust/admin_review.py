"""Admin review queues: what a watched word held back (videos, bios) for moderators, and the topic review
queue for STEM and News reviewers. Every action goes through ``creators.services`` (decisions, reviews), so
each one is audited and the person is told; decisions that hold something against a person ask for the
facts and the guideline first, on a small intermediate page."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db.models import CharField, Max, QuerySet
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from creators import services
from creators.forms import DecisionForm
from creators.models import (
    CreatorProfile,
    Decision,
    ReviewProfile,
    ReviewVideo,
    TopicReview,
    Video,
    VideoTopic,
)
from creators.trust.admin_decisions import decision_step
from platform.admin_site import ModerationQueue, moderation_queue_register
from platform.guidelines import Guideline
from platform.models import AuditEntry, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Action = Decision.Action

# Which curated topic each reviewer group reviews (the groups are made by migration 0009).
REVIEWER_GROUPS = {"STEM reviewers": "stem", "News reviewers": "news"}


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def reviewer_topics(user: Any) -> set[str] | None:
    """The topic slugs ``user`` reviews; None means every curated topic (superusers)."""
    if getattr(user, "is_superuser", False):
        return None
    names = set(user.groups.values_list("name", flat=True))
    return {slug for name, slug in REVIEWER_GROUPS.items() if name in names}


def _decide_with_facts(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    title: StrOrPromise,
    decide: Callable[[Any, str, str], None],
    guideline: str | None = None,
    intro: StrOrPromise = "The creator is told what you write here, in a statement of reasons, and can appeal.",
) -> TemplateResponse | None:
    """The moderators' decision step (the same page as the other moderation actions): ask for the guideline
    (fixed when ``guideline`` is given) and the facts, then ``decide(obj, guideline, facts)`` for each row,
    all or nothing."""
    form = DecisionForm(request.POST if "apply" in request.POST else None, guideline_required=True)
    if guideline is not None:
        field = form.fields["guideline"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(guideline, Guideline(guideline).label)]
        field.initial = guideline

    def apply(data: dict[str, Any]) -> str:
        rows = list(queryset)
        for row in rows:
            decide(row, data["guideline"], data["facts"])
        return gettext("%(title)s: %(count)s decided. Each person was told why.") % {
            "title": title,
            "count": len(rows),
        }

    return decision_step(
        modeladmin,
        request,
        queryset,
        form=form,
        title=title,
        intro=intro,
        submit_label=title,
        apply=apply,
    )


def _thumbnail(video: Video) -> str:
    if not video.poster.name:
        return "—"
    return format_html(
        '<img src="{}" alt="" style="height:48px;border-radius:4px">',
        video.poster_url,
    )


class _QueueAdmin(admin.ModelAdmin[Any]):
    """A queue: rows are looked at and acted on, never added, edited by hand or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields] + list(self.readonly_fields)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(ReviewVideo)
class ReviewVideoAdmin(_QueueAdmin):
    """Videos whose caption matched a watched word: out of every feed until a moderator decides."""

    list_display = ["thumbnail", "caption", "owner", "published_at", "watched_phrase"]
    list_select_related = ["owner"]
    search_fields = ["caption", "owner__handle"]
    exclude = ["hashtags"]
    actions = ["looks_fine", "remove", "limit"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(moderation_state=Video.Moderation.REVIEW)

    @admin.display(description="")
    def thumbnail(self, obj: Video) -> str:
        return _thumbnail(obj)

    @admin.display(description=gettext_lazy("matched"))
    def watched_phrase(self, obj: Video) -> str:
        from creators.trust.watched_words import watched_match

        return watched_match(text=obj.caption) or "—"

    @admin.action(description=gettext_lazy("Looks fine (back to the feeds)"), permissions=["change"])
    def looks_fine(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = 0
        for video in queryset:
            services.decision_take(
                actor=_actor(request),
                action=Action.REVIEW_CLEAR,
                facts="A moderator reviewed the caption and found no problem.",
                video=video,
                source=Decision.Source.WATCHED_WORDS,
            )
            count += 1
        self.message_user(
            request, gettext("%(count)s video(s) cleared.") % {"count": count}, messages.SUCCESS
        )

    @admin.action(description=gettext_lazy("Remove…"), permissions=["change"])
    def remove(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.REMOVE, "Remove")

    @admin.action(description=gettext_lazy("Limit (not recommended)…"), permissions=["change"])
    def limit(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.LIMIT, "Limit")

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[Any], action: str, title: StrOrPromise
    ) -> TemplateResponse | None:
        def decide(video: Video, guideline: str, facts: str) -> None:
            services.decision_take(
                actor=_actor(request),
                action=action,
                facts=facts,
                guideline=guideline,
                video=video,
                source=Decision.Source.WATCHED_WORDS,
            )

        return _decide_with_facts(self, request, queryset, title=title, decide=decide)


@admin.register(ReviewProfile)
class ReviewProfileAdmin(_QueueAdmin):
    """Creators whose bio matched a watched word: bio hidden, videos not recommended, until cleared."""

    list_display = ["handle", "display_name", "bio", "watched_phrase"]
    search_fields = ["handle", "bio"]
    actions = ["looks_fine", "warn"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(is_under_review=True)

    @admin.display(description=gettext_lazy("matched"))
    def watched_phrase(self, obj: CreatorProfile) -> str:
        from creators.trust.watched_words import watched_match

        return watched_match(text=obj.bio) or "—"

    @admin.action(description=gettext_lazy("Looks fine (show the bio)"), permissions=["change"])
    def looks_fine(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = 0
        for profile in queryset:
            services.profile_review_clear(actor=_actor(request), profile=profile)
            count += 1
        self.message_user(request, gettext("%(count)s bio(s) cleared.") % {"count": count}, messages.SUCCESS)

    @admin.action(
        description=gettext_lazy("Warn the creator (the bio stays hidden)…"), permissions=["change"]
    )
    def warn(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        def decide(profile: CreatorProfile, guideline: str, facts: str) -> None:
            services.decision_take(
                actor=_actor(request),
                action=Action.WARNING,
                facts=facts,
                guideline=guideline,
                account=profile.user,
                source=Decision.Source.WATCHED_WORDS,
            )

        return _decide_with_facts(
            self, request, queryset.select_related("user"), title=gettext_lazy("Warn"), decide=decide
        )


@admin.register(TopicReview)
class TopicReviewAdmin(_QueueAdmin):
    """Videos waiting for a curated topic (STEM, News): each reviewer sees only their own topic's."""

    list_display = ["thumbnail", "caption", "creator", "topic", "is_verified_publisher", "is_unverified"]
    list_select_related = ["video", "video__owner__user", "topic"]
    search_fields = ["video__caption", "video__owner__handle"]
    actions = ["approve", "reject", "label_unverified"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = (
            super()
            .get_queryset(request)
            .filter(review_state=VideoTopic.Review.PENDING, topic__is_curated=True)
            .exclude(video__moderation_state=Video.Moderation.REMOVED)
        )
        topics = reviewer_topics(request.user)
        return queryset if topics is None else queryset.filter(topic__slug__in=topics)

    def has_label_unverified_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("creators.label_unverified")

    @admin.display(description="")
    def thumbnail(self, obj: VideoTopic) -> str:
        return _thumbnail(obj.video)

    @admin.display(description=gettext_lazy("caption"))
    def caption(self, obj: VideoTopic) -> str:
        return obj.video.caption[:80]

    @admin.display(description=gettext_lazy("creator"))
    def creator(self, obj: VideoTopic) -> str:
        return f"@{obj.video.owner.handle}"

    @admin.display(description=gettext_lazy("verified publisher"), boolean=True)
    def is_verified_publisher(self, obj: VideoTopic) -> bool:
        return bool(obj.video.owner.user.is_verified_publisher)

    @admin.display(description=gettext_lazy("labelled unverified"), boolean=True)
    def is_unverified(self, obj: VideoTopic) -> bool:
        return obj.video.is_unverified

    @admin.action(description=gettext_lazy("Approve for the topic feed"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for video_topic in queryset:
            services.videotopic_review(actor=_actor(request), video_topic=video_topic, approve=True)
        self.message_user(
            request, gettext("Approved %(count)s.") % {"count": queryset.count()}, messages.SUCCESS
        )

    @admin.action(description=gettext_lazy("Reject"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for video_topic in queryset:
            services.videotopic_review(actor=_actor(request), video_topic=video_topic, approve=False)
        self.message_user(
            request, gettext("Rejected %(count)s.") % {"count": queryset.count()}, messages.SUCCESS
        )

    @admin.action(description=gettext_lazy("Label: unverified claims…"), permissions=["label_unverified"])
    def label_unverified(self, request: HttpRequest, queryset: QuerySet[Any]) -> TemplateResponse | None:
        def decide(video_topic: VideoTopic, guideline: str, facts: str) -> None:
            services.decision_take(
                actor=_actor(request),
                action=Action.LABEL_UNVERIFIED,
                facts=facts,
                guideline=guideline,
                video=video_topic.video,
                source=Decision.Source.REVIEWER,
            )

        return _decide_with_facts(
            self,
            request,
            queryset,
            title=gettext_lazy("Label: unverified claims"),
            decide=decide,
            guideline=Guideline.MISINFORMATION,
        )


def _held_since(action: str) -> Callable[[QuerySet[Any]], datetime.datetime | None]:
    """When the longest-held row was last held back: the audit entry the watched-word check wrote (``action``)."""

    def oldest(rows: QuerySet[Any]) -> datetime.datetime | None:
        # The audit log names its target by a string id: compare with the rows' ids as strings, in one query.
        ids = rows.order_by().annotate(id_text=Cast("pk", CharField())).values("id_text")
        held = (
            AuditEntry.objects.filter(action=action, target_id__in=ids)
            .values("target_id")
            .annotate(held_at=Max("created_at"))
        )
        return min((row["held_at"] for row in held), default=None)

    return oldest


moderation_queue_register(
    ModerationQueue(
        title=gettext_lazy("Videos held by a watched word"),
        model=ReviewVideo,
        waiting_since=_held_since("video.review"),
        position=30,
    )
)
moderation_queue_register(
    ModerationQueue(
        title=gettext_lazy("Bios held by a watched word"),
        model=ReviewProfile,
        waiting_since=_held_since("profile.review"),
        position=40,
    )
)
# A curated topic waits from its video's publication (topics are chosen before a video is published).
moderation_queue_register(
    ModerationQueue(
        title=gettext_lazy("Topic review (STEM, News)"),
        model=TopicReview,
        waiting_since="video__published_at",
        position=50,
    )
)
