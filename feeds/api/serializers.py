"""Serializers of the feeds API."""

import functools
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from creators import hooks, streaming
from creators.api.serializers import CreatorOutputSerializer, VideoOutputSerializer
from creators.captions import LANGUAGES as CAPTION_LANGUAGES
from creators.models import Report, Video, poster_version, stored_name
from feeds.models import Signal, Source
from feeds.ranking import Catalog
from feeds.selectors import FeedItem, FeedPage
from feeds.services import SignalInput
from platform.api.input import JsonInputSerializer
from platform.api.query import CursorQuerySerializer
from platform.api.serializers import ScreenTimeOutputSerializer
from platform.viewer import Viewer


class LocalFeedQuerySerializer(CursorQuerySerializer):
    region = serializers.CharField(
        required=False, allow_blank=True, max_length=10, help_text="ISO 3166-2 code; defaults to yours."
    )


class SponsorSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(source="sponsor_name")
    click_url = serializers.CharField()
    call_to_action = serializers.CharField()


class FeedItemSerializer(serializers.Serializer[FeedItem]):
    position = serializers.IntegerField()
    source = serializers.CharField()  # type: ignore[assignment]
    topic = serializers.CharField(
        source="feed_topic", allow_null=True, help_text="The topic feed's slug, to send back with signals."
    )
    is_sponsored = serializers.BooleanField()
    is_repeat = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    video = VideoOutputSerializer()
    creator = CreatorOutputSerializer(source="video.owner")
    sponsor = SponsorSerializer(allow_null=True)
    promote_url = serializers.CharField(
        allow_null=True,
        default=None,
        help_text="On the viewer's own videos a business may promote: its form.",
    )
    comment_count = serializers.IntegerField(
        source="video.comment_count", help_text="Visible comments and replies on the video."
    )
    like_count = serializers.IntegerField(source="video.like_count", help_text="Likes less unlikes.")
    share_count = serializers.IntegerField(source="video.share_count")


class FeedPageSerializer(serializers.Serializer[Any]):
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = FeedItemSerializer(many=True)
    # For a signed-in viewer with a daily limit: today's screen time; when "locked", results are empty.
    screen_time = ScreenTimeOutputSerializer(allow_null=True, required=False)


# What the player may send: the server records a comment's signal itself when the comment is posted.
CLIENT_KINDS = [(value, label) for value, label in Signal.Kind.choices if value != Signal.Kind.COMMENT]
CLIENT_SOURCES = [(value, label) for value, label in Source.choices if value != Source.COMMENTS]


class SignalInputSerializer(serializers.Serializer[Any]):
    event_id = serializers.UUIDField()
    video = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=CLIENT_KINDS)
    source = serializers.ChoiceField(choices=CLIENT_SOURCES)  # type: ignore[assignment]
    position = serializers.IntegerField(min_value=0, max_value=100_000, default=0)
    watched_seconds = serializers.FloatField(min_value=0, max_value=3600, default=0.0)
    looped = serializers.IntegerField(min_value=0, max_value=1000, default=0)
    topic = serializers.SlugField(
        max_length=40, required=False, help_text="The topic feed's slug (source topic)."
    )


class SignalBatchInputSerializer(serializers.Serializer[Any]):
    """Documents the batch; ``signal_batch_parse`` reads it (a test holds the two together)."""

    events = SignalInputSerializer(many=True, max_length=100)  # type: ignore[call-arg]  # ListSerializer takes it


KINDS = frozenset(value for value, _ in CLIENT_KINDS)
SOURCES = frozenset(value for value, _ in CLIENT_SOURCES)
NUMBERS = ("position", "watched_seconds", "looped")


def _number_limits() -> dict[str, tuple[int | float, int | float, type]]:
    """Each numeric field's range and type, read from ``SignalInputSerializer`` (declared once there)."""
    fields = SignalInputSerializer().fields
    limits: dict[str, tuple[int | float, int | float, type]] = {}
    for name in NUMBERS:
        field = fields[name]
        assert isinstance(field, serializers.IntegerField | serializers.FloatField)
        cast = float if isinstance(field, serializers.FloatField) else int
        limits[name] = (cast(field.min_value or 0), cast(field.max_value or 0), cast)
    return limits


LIMITS = _number_limits()


def signal_batch_parse(data: object) -> tuple[list[SignalInput], list[dict[str, Any]]]:
    """Parse a signal batch by hand: DRF's per-field machinery costs more than storing the events
    (see benchmark_feed). Checks exactly what ``SignalBatchInputSerializer`` documents; each bad event
    gets its own error, against its index in the batch, and the good ones carry their index on."""
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list) or not all(isinstance(event, dict) for event in events):
        raise ValidationError(_('Send {"events": [...]}.'))
    if len(events) > settings.SIGNAL_BATCH_MAX:
        raise ValidationError(_("At most %(count)s events per batch.") % {"count": settings.SIGNAL_BATCH_MAX})
    items: list[SignalInput] = []
    errors: list[dict[str, Any]] = []
    for index, raw in enumerate(events):
        problems: dict[str, list[str]] = {}
        try:
            event_id = uuid.UUID(str(raw.get("event_id", "")))
        except ValueError:
            problems["event_id"] = ["Must be a valid UUID."]
        try:
            video = uuid.UUID(str(raw.get("video", "")))
        except ValueError:
            problems["video"] = ["Must be a valid UUID."]
        kind, source = raw.get("kind"), raw.get("source")
        # Not a string (a list, an object) is no choice either, and could not be looked up in a set.
        if not isinstance(kind, str) or kind not in KINDS:
            problems["kind"] = [f"“{kind}” is not a valid choice."]
        if not isinstance(source, str) or source not in SOURCES:
            problems["source"] = [f"“{source}” is not a valid choice."]
        topic = raw.get("topic") or ""
        if not isinstance(topic, str) or len(topic) > 40:
            problems["topic"] = ["Must be a topic's slug."]
        numbers: dict[str, Any] = {}
        for name, (low, high, cast) in LIMITS.items():
            value = raw.get(name, low)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not low <= value <= high
                or (cast is int and value != int(value))
            ):
                problems[name] = [f"Must be a number from {low} to {high}."]
            else:
                numbers[name] = cast(value)
        if problems:
            errors.append({"index": index, "detail": problems})
            continue
        items.append(
            SignalInput(
                event_id=event_id,
                video=video,
                kind=str(kind),
                source=str(source),
                topic=str(topic),
                index=index,
                **numbers,
            )
        )
    return items, errors


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": 'Why a well-formed event was refused ("Unknown video.").'},
            {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": "Each field's messages, by field name.",
                "example": {"kind": ["“teleport” is not a valid choice."]},
            },
        ]
    }
)
class SignalErrorDetailField(serializers.JSONField):
    """One refused event's reason: a sentence, or its fields' messages."""


class SignalErrorSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField(help_text="The refused event's index in the batch's `events`.")
    detail = SignalErrorDetailField()


class SignalBatchOutputSerializer(serializers.Serializer[Any]):
    accepted = serializers.IntegerField(help_text="Events stored now.")
    duplicates = serializers.IntegerField(help_text="Events whose `event_id` was stored before: not again.")
    errors = SignalErrorSerializer(many=True, help_text="Each refused event, by its index.")  # type: ignore[assignment]


class ReportInputSerializer(JsonInputSerializer):
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    detail = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReportTargetInputSerializer(ReportInputSerializer):
    """A report on one video (its public id) or one account (its handle)."""

    video = serializers.UUIDField(required=False, allow_null=True, default=None)
    profile = serializers.RegexField(
        r"^@?[A-Za-z0-9_.]{1,30}$", required=False, allow_null=True, default=None, help_text="A handle."
    )


def feed_page_json(page: FeedPage, *, viewer: Viewer | None = None) -> list[dict[str, Any]]:
    """A feed page's items as the API returns them (``FeedPageSerializer``'s ``results``) to ``viewer``."""
    urls = item_urls(get_urlconf(), get_script_prefix())  # context-local reads: once a page, not an item
    items = [feed_item_json(item, page.catalog, urls) for item in page.items]
    # "Promote" on the viewer's own videos: one call for the page, none when none of them is theirs.
    own = [item.video for item in page.items if viewer and item.video.owner.user_id == viewer.user_id]
    if own:
        links = hooks.promote_links(own[0].owner, own)
        for item, data in zip(page.items, items, strict=True):
            data["promote_url"] = links.get(item.video.pk)
    return items


VIDEO_SLOT = "00000000-0000-0000-0000-000000000000"
HANDLE_SLOT = "HANDLE_SLOT"
CAPTIONS_SLOT = "xx"


@dataclass(frozen=True)
class ItemUrls:
    page: str
    poster: str
    video: str
    stream: str
    captions: str
    avatar: str
    profile: str


@functools.lru_cache(maxsize=8)
def item_urls(urlconf: str | None, prefix: str) -> ItemUrls:
    """The URL patterns a feed item (and a search result) links to, reversed once per URLconf with placeholders: reversing
    four URLs for each of twenty items cost ~3 ms a page (benchmark_feed). Public ids are UUIDs and
    handles are [A-Za-z0-9_.], so filling the placeholders in needs no quoting."""
    return ItemUrls(
        page=reverse("creators:video", args=[VIDEO_SLOT]),
        poster=reverse("creators:video_file", args=[VIDEO_SLOT, "poster"]),
        video=reverse("creators:video_file", args=[VIDEO_SLOT, "video"]),
        stream=reverse("creators:video_stream", args=[VIDEO_SLOT, 0, "master.m3u8"]),
        captions=reverse("creators:video_captions", args=[VIDEO_SLOT, CAPTIONS_SLOT, "vtt"]),
        avatar=reverse("creators:avatar", args=[HANDLE_SLOT, "large"]),
        profile=reverse("creators:profile", args=[HANDLE_SLOT]),
    )


def feed_item_json(item: FeedItem, catalog: Catalog | None, urls: ItemUrls) -> dict[str, Any]:
    """A feed item as the API returns it (the shape of ``FeedItemSerializer``), built without DRF's
    per-field machinery: this runs twenty times for every page of every viewer."""
    video, owner = item.video, item.video.owner
    features = catalog.features.get(video.pk) if catalog is not None else None
    if features is not None:
        hashtags = (
            [catalog.hashtag_names.get(tag_id, "") for tag_id in features.hashtag_ids] if catalog else []
        )
        topics = [catalog.topic_slugs.get(topic_id, "") for topic_id in features.topic_ids] if catalog else []
    else:
        hashtags = [tag.name for tag in video.hashtags.all()]
        topics = [video_topic.topic.slug for video_topic in video.video_topics.all()]
    public_id = str(video.public_id)
    poster = stored_name(video, "poster")
    return {
        "position": item.position,
        "source": item.source,
        "topic": item.topic or None,
        "is_sponsored": item.is_sponsored,
        "is_repeat": item.is_repeat,
        "reasons": item.reasons,
        "video": {
            "id": public_id,
            "creator": owner.handle,
            "caption": video.caption,
            "hashtags": hashtags,
            "topics": topics,
            "visibility": video.visibility,
            "content_level": video.content_level,
            "is_unverified": video.is_unverified,
            "duration": video.rendition_duration or video.duration,
            "width": video.width,
            "height": video.height,
            "published_at": video.published_at.isoformat().replace("+00:00", "Z")
            if video.published_at
            else None,
            "poster_url": urls.poster.replace(VIDEO_SLOT, public_id) + poster_version(poster)
            if poster
            else None,
            "video_url": f"{urls.video.replace(VIDEO_SLOT, public_id)}?v={video.rendition_version}"
            if stored_name(video, "rendition")
            else None,
            # The HLS ladder; None for videos published before it (they play the MP4).
            "stream_url": urls.stream.replace(VIDEO_SLOT, public_id).replace(
                "/0/master.m3u8", f"/{video.rendition_version}/master.m3u8"
            )
            if stored_name(video, "stream")
            else None,
            "stream_start": [
                urls.stream.replace(VIDEO_SLOT, public_id).replace(
                    "/0/master.m3u8", f"/{video.rendition_version}/{name}"
                )
                for name in streaming.start_names(video=video)
            ],
            "is_shareable": video.is_shareable,
            # For the MP4's <track> elements; a ladder lists the same captions in its master playlist.
            "captions": [
                {
                    "language": language,
                    "name": CAPTION_LANGUAGES.get(language, language),
                    "url": urls.captions.replace(VIDEO_SLOT, public_id).replace(
                        f"/{CAPTIONS_SLOT}.vtt", f"/{language}.vtt"
                    ),
                }
                for language in video.caption_languages
            ],
        },
        "creator": {
            "handle": owner.handle,
            "display_name": owner.display_name,
            "bio": "" if owner.is_under_review else owner.bio,  # hidden until a moderator reviews it
            "links": owner.links,
            "follower_count": owner.follower_count,
            "avatar_url": urls.avatar.replace(HANDLE_SLOT, owner.handle)
            if stored_name(owner, "avatar_large")
            else None,
            "url": urls.profile.replace(HANDLE_SLOT, owner.handle),
        },
        "sponsor": (
            {
                "name": item.sponsor.sponsor_name,
                "click_url": item.sponsor.click_url,
                "call_to_action": item.sponsor.call_to_action,
            }
            if item.sponsor
            else None
        ),
        "promote_url": None,
        **action_counts(video),
    }


def action_counts(video: Video) -> dict[str, int]:
    """The player's action buttons' counts, denormalised on the video row the page already read
    (``feeds.selectors.COUNT_FIELDS``): no query of their own."""
    return {
        "comment_count": video.comment_count,
        "like_count": video.like_count,
        "share_count": video.share_count,
    }
