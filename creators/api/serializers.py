"""Input and output serializers of the creators API."""

from typing import Any

from django.conf import settings
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creators import streaming
from creators.captions import LANGUAGES as CAPTION_LANGUAGES
from creators.models import HANDLE_PATTERN, HANDLE_RULE, CreatorProfile, Topic, Video
from creators.services.profiles import MAX_LINKS
from platform.api.input import JsonInputSerializer
from platform.models import Block, Mute


class TopicSerializer(serializers.ModelSerializer[Topic]):
    class Meta:
        model = Topic
        fields = ["slug", "name", "description", "is_curated"]


class CreatorOutputSerializer(serializers.ModelSerializer[CreatorProfile]):
    avatar_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = CreatorProfile
        fields = ["handle", "display_name", "bio", "links", "follower_count", "avatar_url", "url"]

    def get_avatar_url(self, obj: CreatorProfile) -> str | None:
        if not obj.avatar_large.name:
            return None
        return reverse("creators:avatar", args=[obj.handle, "large"])

    def get_url(self, obj: CreatorProfile) -> str:
        return obj.get_absolute_url()


@extend_schema_field({"type": "string", "format": "uri", "pattern": "^https?://", "maxLength": 300})
class WebAddressField(serializers.URLField):
    """A profile link as ``profiles._links_clean`` takes it: an http(s) web address (DRF's URLField alone
    also takes ftp), so that the schema, this check and the service agree."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(
            URLValidator(schemes=["http", "https"], message=gettext_lazy("Enter an http(s) web address."))
        )


@extend_schema_field(
    {
        "type": "integer",
        "minimum": 1,
        "maximum": settings.VIDEO_MAX_UPLOAD_MB * 1024 * 1024,
        "description": "The file's size in bytes. Above the upload limit the answer is a 413.",
    }
)
class UploadSizeField(serializers.IntegerField):
    """The size a resumable upload announces: at most ``VIDEO_MAX_UPLOAD_MB``, which the service checks
    (a 413 ``too_large``, read from the settings at the time); the schema states the same bound."""


class CreatorInputSerializer(JsonInputSerializer):
    """A profile's fields as they may change; the handle never does."""

    display_name = serializers.CharField(max_length=50)
    bio = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    links = serializers.ListField(
        child=WebAddressField(max_length=300), max_length=MAX_LINKS, required=False, default=list
    )


class CreatorCreateInputSerializer(CreatorInputSerializer):
    # The profile's own rule, stated here so the schema carries it; an "@" before it is dropped.
    handle = serializers.RegexField(
        "^@?" + HANDLE_PATTERN.removeprefix("^"),
        max_length=31,
        help_text="3–30 letters, digits, underscores or dots, not starting or ending with a dot.",
        error_messages={"invalid": HANDLE_RULE},
    )


class CaptionTrackOutputSerializer(serializers.Serializer[Any]):
    language = serializers.CharField(help_text="Its language code (en, de, …).")
    name = serializers.CharField(help_text="The language's name in that language, for a menu.")
    url = serializers.CharField(help_text="The WebVTT file, served to whoever may see the video.")


class VideoOutputSerializer(serializers.ModelSerializer[Video]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    creator = serializers.CharField(source="owner.handle", read_only=True)
    hashtags = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()
    video_url = serializers.SerializerMethodField()
    stream_url = serializers.SerializerMethodField(
        help_text="The HLS master playlist (an adaptive ladder); null for videos that only have video_url."
    )
    stream_start = serializers.SerializerMethodField(
        help_text="The ladder's files a player starting on its lowest rung fetches first (that rung's playlist, "
        "and on the site's own storage its init and first segment), to fetch them beside stream_url at once."
    )
    duration = serializers.SerializerMethodField(help_text="Seconds; the trimmed length once published.")
    captions = serializers.SerializerMethodField(
        help_text="Its caption tracks, one per language (the HLS master lists them too)."
    )
    is_shareable = serializers.BooleanField(
        read_only=True,
        help_text="False for a 13–15-year-old's video: no link to copy, no share outside the app.",
    )

    class Meta:
        model = Video
        fields = [
            "id",
            "creator",
            "caption",
            "hashtags",
            "topics",
            "visibility",
            "content_level",
            "is_unverified",
            "duration",
            "width",
            "height",
            "published_at",
            "poster_url",
            "video_url",
            "stream_url",
            "stream_start",
            "is_shareable",
            "captions",
        ]

    def get_duration(self, obj: Video) -> float | None:
        return obj.rendition_duration or obj.duration

    def get_hashtags(self, obj: Video) -> list[str]:
        return [hashtag.name for hashtag in obj.hashtags.all()]

    def get_topics(self, obj: Video) -> list[str]:
        return [video_topic.topic.slug for video_topic in obj.video_topics.all()]

    def get_poster_url(self, obj: Video) -> str | None:
        return obj.poster_url or None

    def get_video_url(self, obj: Video) -> str | None:
        if not obj.rendition.name:
            return None
        return reverse("creators:video_file", args=[obj.public_id, "video"]) + f"?v={obj.rendition_version}"

    @extend_schema_field(CaptionTrackOutputSerializer(many=True))
    def get_captions(self, obj: Video) -> list[dict[str, str]]:
        return [
            {
                "language": language,
                "name": CAPTION_LANGUAGES.get(language, language),
                "url": reverse("creators:video_captions", args=[obj.public_id, language, "vtt"]),
            }
            for language in obj.caption_languages
        ]

    def get_stream_url(self, obj: Video) -> str | None:
        if not obj.stream.name:
            return None
        return reverse("creators:video_stream", args=[obj.public_id, obj.rendition_version, "master.m3u8"])

    def get_stream_start(self, obj: Video) -> list[str]:
        return streaming.start_urls(video=obj)


class StudioVideoOutputSerializer(VideoOutputSerializer):
    preview_url = serializers.SerializerMethodField()

    class Meta(VideoOutputSerializer.Meta):
        fields = [
            *VideoOutputSerializer.Meta.fields,
            "state",
            "failure_reason",
            "moderation_state",
            "moderation_reason",
            "original_filename",
            "trim_start",
            "trim_end",
            "pending_trim_start",
            "pending_trim_end",
            "rendition_duration",
            "created_at",
            "scheduled_at",
            "preview_url",
        ]

    def get_preview_url(self, obj: Video) -> str | None:
        return reverse("creators:video_file", args=[obj.public_id, "preview"]) if obj.preview.name else None


class UploadInputSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()


class VideoDetailsInputSerializer(JsonInputSerializer):
    caption = serializers.CharField(max_length=2200, allow_blank=True, required=False)
    topics = serializers.ListField(child=serializers.SlugField(), required=False)
    visibility = serializers.ChoiceField(choices=Video.Visibility.choices, required=False)
    content_level = serializers.ChoiceField(choices=Video.ContentLevel.choices, required=False)


class TrimInputSerializer(JsonInputSerializer):
    start = serializers.FloatField(min_value=0)
    end = serializers.FloatField(min_value=0)
    publish_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Publish a draft at this time (ISO 8601 with its offset), 5 minutes to 30 days ahead; "
        "omitted: now. The video renders at once and stays hidden (state `scheduled`) until then.",
    )


class UploadChunkQuerySerializer(serializers.Serializer[Any]):
    offset = serializers.IntegerField(
        min_value=0, help_text="Where this chunk starts: the session's `received` (409 with it otherwise)."
    )


class UploadStartInputSerializer(JsonInputSerializer):
    filename = serializers.CharField(max_length=300)
    size = UploadSizeField(min_value=1)


class UploadSessionOutputSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    filename = serializers.CharField()
    size = serializers.IntegerField()
    received = serializers.IntegerField()
    chunk_size = serializers.SerializerMethodField()

    def get_chunk_size(self, obj: Any) -> int:
        from django.conf import settings

        return int(settings.UPLOAD_CHUNK_MAX_BYTES)


class BlockOutputSerializer(serializers.ModelSerializer[Block]):
    """An account the requester blocked."""

    handle = serializers.SerializerMethodField()
    display_name = serializers.SerializerMethodField()

    class Meta:
        model = Block
        fields = ["handle", "display_name", "created_at"]

    def get_handle(self, obj: Block) -> str | None:
        profile = getattr(obj.blocked, "creator_profile", None)
        return profile.handle if profile is not None else None

    def get_display_name(self, obj: Block) -> str:
        profile = getattr(obj.blocked, "creator_profile", None)
        return profile.display_name if profile is not None else obj.blocked.display_name


class MuteOutputSerializer(serializers.ModelSerializer[Mute]):
    """An account the requester muted."""

    handle = serializers.SerializerMethodField()
    display_name = serializers.SerializerMethodField()

    class Meta:
        model = Mute
        fields = ["handle", "display_name", "created_at"]

    def get_handle(self, obj: Mute) -> str | None:
        profile = getattr(obj.muted, "creator_profile", None)
        return profile.handle if profile is not None else None

    def get_display_name(self, obj: Mute) -> str:
        profile = getattr(obj.muted, "creator_profile", None)
        return profile.display_name if profile is not None else obj.muted.display_name
