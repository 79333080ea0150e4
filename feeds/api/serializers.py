"""Serializers of the feeds API."""

from typing import Any

from rest_framework import serializers

from creators.api.serializers import CreatorOutputSerializer, VideoOutputSerializer
from feeds.models import Report, Signal, Source
from feeds.selectors import FeedItem


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
