"""Serializers of the feeds API."""

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from creators.api.serializers import CreatorOutputSerializer, VideoOutputSerializer
from feeds.models import Report, Signal, Source
from feeds.ranking import Catalog
from feeds.selectors import FeedItem, FeedPage


class SponsorSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(source="sponsor_name")
    click_url = serializers.CharField()


class FeedItemSerializer(serializers.Serializer[FeedItem]):
    position = serializers.IntegerField()
    source = serializers.CharField()  # type: ignore[assignment]
    is_sponsored = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    video = VideoOutputSerializer()
    creator = CreatorOutputSerializer(source="video.owner")
    sponsor = SponsorSerializer(allow_null=True)


class FeedPageSerializer(serializers.Serializer[Any]):
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = FeedItemSerializer(many=True)


class SignalInputSerializer(serializers.Serializer[Any]):
    event_id = serializers.UUIDField()
    video = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Signal.Kind.choices)
    source = serializers.ChoiceField(choices=Source.choices)  # type: ignore[assignment]
    position = serializers.IntegerField(min_value=0, max_value=100_000, default=0)
    watched_seconds = serializers.FloatField(min_value=0, max_value=3600, default=0.0)
    looped = serializers.IntegerField(min_value=0, max_value=1000, default=0)


class SignalBatchInputSerializer(serializers.Serializer[Any]):
    events = SignalInputSerializer(many=True, max_length=100)  # type: ignore[call-arg]  # ListSerializer takes it


class SignalErrorSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField()
    detail = serializers.JSONField()


class SignalBatchOutputSerializer(serializers.Serializer[Any]):
    accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    errors = SignalErrorSerializer(many=True)  # type: ignore[assignment]


class ReportInputSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    detail = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def feed_page_json(page: FeedPage) -> list[dict[str, Any]]:
    """A feed page's items as the API returns them (``FeedPageSerializer``'s ``results``)."""
    return [feed_item_json(item, page.catalog) for item in page.items]


def feed_item_json(item: FeedItem, catalog: Catalog | None = None) -> dict[str, Any]:
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
    return {
        "position": item.position,
        "source": item.source,
        "is_sponsored": item.is_sponsored,
        "reasons": item.reasons,
        "video": {
            "id": public_id,
            "creator": owner.handle,
            "caption": video.caption,
            "hashtags": hashtags,
            "topics": topics,
            "visibility": video.visibility,
            "content_level": video.content_level,
            "duration": video.rendition_duration or video.duration,
            "width": video.width,
            "height": video.height,
            "published_at": video.published_at.isoformat().replace("+00:00", "Z")
            if video.published_at
            else None,
            "poster_url": reverse("creators:video_file", args=[public_id, "poster"])
            if video.poster.name
            else None,
            "video_url": f"{reverse('creators:video_file', args=[public_id, 'video'])}?v={video.rendition_version}"
            if video.rendition.name
            else None,
        },
        "creator": {
            "handle": owner.handle,
            "display_name": owner.display_name,
            "bio": owner.bio,
            "links": owner.links,
            "follower_count": owner.follower_count,
            "avatar_url": reverse("creators:avatar", args=[owner.handle, "large"])
            if owner.avatar_large.name
            else None,
            "url": reverse("creators:profile", args=[owner.handle]),
        },
        "sponsor": (
            {"name": item.sponsor.sponsor_name, "click_url": item.sponsor.click_url} if item.sponsor else None
        ),
    }
