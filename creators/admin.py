"""Admin for creators, videos and the topic review queue: what moderators run the site with."""

from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from creators import hooks, services
from creators.forms import DecisionForm
from creators.models import CaptionTrack, CreatorProfile, Decision, Follow, Hashtag, Topic, Video, VideoTopic
from creators.trust.admin_decisions import admin_actor, decision_step
from platform.admin_inlines import RecordInline
from platform.http import stored_file_response
from platform.models import User

Action = Decision.Action


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["name", "slug", "is_curated", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Hashtag)
class HashtagAdmin(admin.ModelAdmin[Hashtag]):
    search_fields = ["name"]


@admin.register(CreatorProfile)
class CreatorProfileAdmin(admin.ModelAdmin[CreatorProfile]):
    list_display = ["handle", "display_name", "user", "follower_count", "created_at"]
    search_fields = ["handle", "display_name", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    # The avatar files as an image through the checked view: the file widget would link to MEDIA_URL,
    # which serves nothing.
    exclude = ["avatar_small", "avatar_large"]
    readonly_fields = ["avatar", "follower_count", "created_at"]

    @admin.display(description=gettext_lazy("avatar"))
    def avatar(self, obj: CreatorProfile) -> str:
        if not obj.avatar_large.name:
            return "—"
        return format_html(
            '<img src="{}" alt="" style="height:96px;border-radius:50%">',
            reverse("creators:avatar", args=[obj.handle, "large"]),
        )


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin[Follow]):
    list_display = ["follower", "creator", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["follower", "creator"]
    list_select_related = ["follower", "creator"]


class VideoTopicInline(RecordInline, admin.TabularInline[VideoTopic, Video]):
    """The video's topics as the creator chose them; reviews happen in the topic review queue."""

    model = VideoTopic
    fields = ["topic", "review_state", "reviewed_by", "reviewed_at"]


class CaptionTrackInline(RecordInline, admin.TabularInline[CaptionTrack, Video]):
    """The video's captions as we serve them (read-only: the creator uploads and deletes them)."""

    model = CaptionTrack
    fields = ["language", "cue_count", "updated_at", "captions_text"]

    @admin.display(description=gettext_lazy("captions"))
    def captions_text(self, track: CaptionTrack) -> str:
        try:
            with track.file.storage.open(str(track.file.name), "rb") as handle:
                text = handle.read(CAPTIONS_SHOWN + 1).decode("utf-8", errors="replace")
        except (FileNotFoundError, OSError):
            return str(gettext_lazy("(file missing)"))
        if len(text) > CAPTIONS_SHOWN:
            text = text[:CAPTIONS_SHOWN] + "…"
        return format_html(
            '<pre style="max-height:16rem;overflow:auto;white-space:pre-wrap" translate="no">{}</pre>', text
        )


# How much of a caption file the video's page shows a moderator (a long file is cut, marked with "…").
CAPTIONS_SHOWN = 4000


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


# The player's and the poster's content types, by the admin file view's ``kind``.
ADMIN_FILES = {"poster": ("poster", "image/jpeg"), "video": ("rendition", "video/mp4")}

# The media pipeline's bookkeeping: shown read-only, folded away, for answering "why is my video stuck".
PIPELINE_FIELDS = (
    "failed_step", "failure_reason", "attempts", "work_started_at", "work_heartbeat_at", "original_name",
    "original_filename", "original_size", "duration", "width", "height", "rotation", "fps", "video_codec",
    "pixel_format", "container", "has_audio", "audio_codec", "poster_name", "preview_name", "rendition_name",
    "rendition_version", "rendition_duration", "trim_start", "trim_end", "pending_trim_start", "pending_trim_end",
    "updated_at",
)  # fmt: skip


def admin_video_file_url(video: Video, kind: str) -> str:
    """The admin's own door to a video's poster or rendition: staff who may view videos see every video's
    files, removed and held ones too, which the viewers' file view rightly refuses them."""
    return reverse("admin:creators_video_file", args=[video.pk, kind])


def admin_thumbnail(video: Video) -> str:
    if not video.poster.name:
        return "—"
    return format_html(
        '<img src="{}" alt="" style="height:48px;border-radius:4px">', admin_video_file_url(video, "poster")
    )


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin[Video]):
    list_display = [
        "thumbnail",
        "caption_short",
        "owner",
        "state",
        "moderation_state",
        "visibility",
        "created_at",
    ]
    list_filter = ["state", "moderation_state", "visibility", "content_level", "topics"]
    search_fields = ["caption", "owner__handle", "public_id"]
    search_help_text = gettext_lazy("Search by caption, the creator's handle or the video's id.")
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    # Moderation changes only through the decision actions (audited, the creator told why); the stored files
    # by name only: a read-only file field links to MEDIA_URL, which serves nothing.
    readonly_fields = [
        "player", "public_id", "state", "created_at", "published_at", "moderation_state", "moderation_reason",
        "is_age_restricted", "is_unverified", *PIPELINE_FIELDS,
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["player", "caption", "owner", "state", "visibility", "content_level"]}),
        (
            gettext_lazy("Moderation"),
            {"fields": ["moderation_state", "moderation_reason", "is_age_restricted", "is_unverified"]},
        ),
        (gettext_lazy("Dates"), {"fields": ["public_id", "created_at", "published_at"]}),
        (
            gettext_lazy("Processing (pipeline internals, read-only)"),
            {"classes": ["collapse"], "fields": list(PIPELINE_FIELDS)},
        ),
    ]
    inlines = [VideoTopicInline, CaptionTrackInline]
    date_hierarchy = "created_at"
    actions = [
        "decide_remove",
        "decide_limit",
        "decide_age_restrict",
        "decide_label_unverified",
        "mark_visible",
        "retry_failed",
    ]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # A caption, visibility, rating or topic edited here reaches the feeds and search as the creator's
        # own edit does (``video_update_details``): through ``video_changed``, once the video and its
        # topics (the inline, saved last) are committed.
        super().save_related(request, form, formsets, change)
        transaction.on_commit(partial(hooks.video_changed, form.instance.pk))

    def get_urls(self) -> list[URLPattern]:
        # Before the model's own URLs, or "<object_id>/" would take the file's path.
        files = path(
            "<int:video_id>/file/<str:kind>",
            self.admin_site.admin_view(self.file_view),
            name="creators_video_file",
        )
        return [files, *super().get_urls()]

    def file_view(self, request: HttpRequest, video_id: int, kind: str) -> HttpResponseBase:
        """A video's poster or rendition for staff who may view videos, byte ranges and all."""
        if kind not in ADMIN_FILES:
            raise Http404("No such file.")
        if not self.has_view_permission(request):
            raise PermissionDenied
        video = get_object_or_404(Video, pk=video_id)
        field, content_type = ADMIN_FILES[kind]
        file = getattr(video, field)
        if not file.name:
            raise Http404("No such file.")
        response = stored_file_response(
            request, storage=file.storage, name=file.name, content_type=content_type
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "caption":  # up to 2,200 characters: more than one line's worth
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="")
    def thumbnail(self, obj: Video) -> str:
        return admin_thumbnail(obj)

    @admin.display(description=gettext_lazy("video"))
    def player(self, obj: Video) -> str:
        """The published rendition in a player, and the poster beside it, through ``file_view``."""
        if obj.rendition.name:
            media = format_html(
                '<video controls preload="metadata" playsinline src="{}" data-testid="admin-player"></video>',
                admin_video_file_url(obj, "video"),
            )
        else:
            media = format_html(
                "<p>{}</p>",
                gettext("No playable rendition yet (%(state)s).") % {"state": obj.get_state_display()},
            )
        poster = ""
        if obj.poster.name:
            poster = format_html(
                '<img src="{}" alt="{}" data-testid="admin-poster">',
                admin_video_file_url(obj, "poster"),
                gettext("The poster"),
            )
        return format_html('<div class="admin-player">{}{}</div>', media, poster)

    @admin.display(description=gettext_lazy("original"))
    def original_name(self, obj: Video) -> str:
        return obj.original.name or "—"

    @admin.display(description=gettext_lazy("poster"))
    def poster_name(self, obj: Video) -> str:
        return obj.poster.name or "—"

    @admin.display(description=gettext_lazy("preview"))
    def preview_name(self, obj: Video) -> str:
        return obj.preview.name or "—"

    @admin.display(description=gettext_lazy("rendition"))
    def rendition_name(self, obj: Video) -> str:
        return obj.rendition.name or "—"

    @admin.display(description=gettext_lazy("caption"))
    def caption_short(self, obj: Video) -> str:
        return obj.caption[:60] or obj.original_filename

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Video], state: str) -> None:
        reason = request.POST.get("reason", "") or f"Set to {state} by a moderator."
        for video in queryset:
            services.video_moderate(actor=_actor(request), video=video, state=state, reason=reason)
        messages.success(
            request,
            gettext("%(count)s video(s) now %(state)s.") % {"count": queryset.count(), "state": state},
        )

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[Video], action: str
    ) -> TemplateResponse | None:
        """A decision about each selected video, with the statement of reasons the creator reads."""
        label = Action(action).label

        def apply(data: dict[str, Any]) -> str:
            for video in queryset.select_related("owner"):
                services.decision_take(
                    actor=admin_actor(request),
                    action=action,
                    facts=data["facts"],
                    guideline=data["guideline"],
                    video=video,
                )
            return gettext("%(count)s video(s): %(decision)s. Each creator was told why.") % {
                "count": queryset.count(),
                "decision": str(label).lower(),
            }

        return decision_step(
            self,
            request,
            queryset,
            form=DecisionForm(request.POST if "apply" in request.POST else None, guideline_required=True),
            title=gettext("Decide: %(decision)s") % {"decision": str(label).lower()},
            intro=gettext_lazy(
                "Each creator receives a statement of reasons with what you write here, and can appeal."
            ),
            submit_label=label,
            apply=apply,
        )

    @admin.action(
        description=gettext_lazy("Remove (hide everywhere), with a statement of reasons"),
        permissions=["change"],
    )
    def decide_remove(self, request: HttpRequest, queryset: QuerySet[Video]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.REMOVE)

    @admin.action(
        description=gettext_lazy("Limit (not recommended), with a statement of reasons"),
        permissions=["change"],
    )
    def decide_limit(self, request: HttpRequest, queryset: QuerySet[Video]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.LIMIT)

    @admin.action(
        description=gettext_lazy("Age-restrict (adults only), with a statement of reasons"),
        permissions=["change"],
    )
    def decide_age_restrict(self, request: HttpRequest, queryset: QuerySet[Video]) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.AGE_RESTRICT)

    @admin.action(
        description=gettext_lazy("Label unverified claims, with a statement of reasons"),
        permissions=["change"],
    )
    def decide_label_unverified(
        self, request: HttpRequest, queryset: QuerySet[Video]
    ) -> TemplateResponse | None:
        return self._decide(request, queryset, Action.LABEL_UNVERIFIED)

    @admin.action(description=gettext_lazy("Make visible again"), permissions=["change"])
    def mark_visible(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        self._moderate(request, queryset, Video.Moderation.VISIBLE)

    @admin.action(description=gettext_lazy("Retry failed processing"), permissions=["change"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        count = 0
        for video in queryset.filter(state=Video.State.FAILED):
            services.video_retry(video=video)
            count += 1
        messages.success(request, gettext("Retrying %(count)s video(s).") % {"count": count})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # videos arrive through the upload pipeline only


@admin.register(VideoTopic)
class VideoTopicAdmin(admin.ModelAdmin[VideoTopic]):
    """The review queue for curated topics (STEM, News)."""

    list_display = ["video", "topic", "review_state", "reviewed_by", "reviewed_at"]
    list_filter = ["review_state", "topic__is_curated", "topic"]
    list_select_related = ["video", "video__owner", "topic", "reviewed_by"]
    search_fields = ["video__caption", "video__owner__handle"]
    raw_id_fields = ["video", "reviewed_by"]
    # A review changes only through the approve/reject actions, which audit it; nor may an approved
    # row be re-pointed at another video or topic.
    readonly_fields = ["review_state", "reviewed_by", "reviewed_at"]
    actions = ["approve", "reject"]

    def get_readonly_fields(self, request: HttpRequest, obj: VideoTopic | None = None) -> list[str]:
        return [*self.readonly_fields, "video", "topic"] if obj is not None else list(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: VideoTopic | None = None) -> bool:
        # Deleting a row would take a video out of a topic unaudited and unseen by the feeds;
        # reject it instead. Creators change their own topics in the studio.
        return False

    @admin.action(description=gettext_lazy("Approve for the topic feed"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[VideoTopic]) -> None:
        for video_topic in queryset:
            services.videotopic_review(actor=_actor(request), video_topic=video_topic, approve=True)
        messages.success(request, gettext("Approved %(count)s.") % {"count": queryset.count()})

    @admin.action(description=gettext_lazy("Reject"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[VideoTopic]) -> None:
        for video_topic in queryset:
            services.videotopic_review(actor=_actor(request), video_topic=video_topic, approve=False)
        messages.success(request, gettext("Rejected %(count)s.") % {"count": queryset.count()})


# Trust and safety (reports, decisions, appeals, account actions, watched words, review queues) has its own
# admin modules; importing them here registers them when the admin autodiscovers this one.
from creators.trust import admin as trust_admin  # noqa: E402, F401
from creators.trust import admin_review  # noqa: E402, F401
