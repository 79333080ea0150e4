"""Admin for creators, videos and the topic review queue: what moderators run the site with."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from creators import services
from creators.models import CreatorProfile, Follow, Hashtag, Topic, Video, VideoTopic
from platform.admin_inlines import RecordInline
from platform.models import User


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
    readonly_fields = ["follower_count", "created_at"]


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


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin[Video]):
    list_display = [
        "thumbnail",
        "caption_short",
        "owner",
        "state",
        "visibility",
        "content_level",
        "moderation_state",
        "duration",
        "created_at",
    ]
    list_filter = ["state", "moderation_state", "visibility", "content_level", "topics"]
    search_fields = ["caption", "owner__handle", "public_id"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    readonly_fields = [
        "public_id", "state", "failed_step", "failure_reason", "attempts", "original", "original_filename",
        "original_size", "duration", "width", "height", "rotation", "fps", "video_codec", "has_audio",
        "poster", "preview", "rendition", "rendition_version", "rendition_duration", "trim_start", "trim_end",
        "pending_trim_start", "pending_trim_end", "created_at", "published_at", "moderation_state",
        "moderation_reason",
    ]  # fmt: skip
    exclude = ["hashtags"]
    inlines = [VideoTopicInline]
    date_hierarchy = "created_at"
    actions = ["mark_limited", "mark_removed", "mark_visible", "retry_failed"]

    @admin.display(description="")
    def thumbnail(self, obj: Video) -> str:
        if not obj.poster.name:
            return "—"
        return format_html(
            '<img src="{}" alt="" style="height:48px;border-radius:4px">',
            reverse("creators:video_file", args=[obj.public_id, "poster"]),
        )

    @admin.display(description="caption")
    def caption_short(self, obj: Video) -> str:
        return obj.caption[:60] or obj.original_filename

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Video], state: str) -> None:
        reason = request.POST.get("reason", "") or f"Set to {state} by a moderator."
        for video in queryset:
            services.video_moderate(actor=_actor(request), video=video, state=state, reason=reason)
        messages.success(request, f"{queryset.count()} video(s) now {state}.")

    @admin.action(description="Limit (keep out of For You and topic feeds)", permissions=["change"])
    def mark_limited(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        self._moderate(request, queryset, Video.Moderation.LIMITED)

    @admin.action(description="Remove (hide everywhere)", permissions=["change"])
    def mark_removed(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        self._moderate(request, queryset, Video.Moderation.REMOVED)

    @admin.action(description="Make visible again", permissions=["change"])
    def mark_visible(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        self._moderate(request, queryset, Video.Moderation.VISIBLE)

    @admin.action(description="Retry failed processing", permissions=["change"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Video]) -> None:
        count = 0
        for video in queryset.filter(state=Video.State.FAILED):
            services.video_retry(video=video)
            count += 1
        messages.success(request, f"Retrying {count} video(s).")

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

    @admin.action(description="Approve for the topic feed", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[VideoTopic]) -> None:
        for video_topic in queryset:
            services.videotopic_review(actor=_actor(request), video_topic=video_topic, approve=True)
        messages.success(request, f"Approved {queryset.count()}.")

    @admin.action(description="Reject", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[VideoTopic]) -> None:
        for video_topic in queryset:
            services.videotopic_review(actor=_actor(request), video_topic=video_topic, approve=False)
        messages.success(request, f"Rejected {queryset.count()}.")


# The review queues (watched words, topic reviewers) live in their own module.
from creators import admin_review  # noqa: E402, F401
