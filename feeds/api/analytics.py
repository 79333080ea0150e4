"""The studio analytics API (``/api/v1/studio/analytics/...``): the dashboard's numbers as JSON, and the
daily per-video table as CSV. Every route answers only about the requesting creator's own videos."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creators.models import CreatorProfile, Video
from feeds.analytics import rules, selectors
from feeds.analytics.exporting import export_response
from feeds.analytics.rules import DayRange
from platform.api.query import query_of
from platform.errors import NotFound

DATE_FORMAT: dict[str, Any] = {"invalid": "Dates look like 2026-05-31."}


class RangeQuerySerializer(serializers.Serializer[Any]):
    """The period of every analytics route; that a custom range has both ends, in order, within the data
    and at most 365 days long is ``rules.range_parse``'s, answered as ``{"detail", "code"}``."""

    range = serializers.ChoiceField(
        choices=[str(days) for days in rules.PRESET_DAYS],
        required=False,
        help_text="The last 7, 28 (default), 60 or 365 days.",
        error_messages={
            "invalid_choice": "Choose the last 7, 28, 60 or 365 days, or a start and an end date."
        },
    )
    start = serializers.DateField(
        required=False, help_text="A custom range's first day.", error_messages=DATE_FORMAT
    )
    end = serializers.DateField(
        required=False, help_text="A custom range's last day.", error_messages=DATE_FORMAT
    )


def creator_of(request: Request) -> CreatorProfile:
    """The requesting user's creator profile; accounts without one are told what analytics are for."""
    creator = CreatorProfile.objects.filter(user_id=request.user.pk or 0).first()
    if creator is None:
        raise PermissionDenied("Analytics are for creators: make a creator profile first.")
    return creator


def period_of(request: Request) -> tuple[DayRange, Any]:
    query = query_of(request, RangeQuerySerializer)
    start, end = query.get("start"), query.get("end")
    last_day = selectors.analytics_last_day()
    try:
        period = rules.range_parse(
            preset=query.get("range"),
            start=start.isoformat() if start else None,
            end=end.isoformat() if end else None,
            last_day=last_day,
        )
    except rules.RangeProblem as problem:
        raise DjangoValidationError(str(problem)) from problem
    return period, last_day


def _range_json(period: DayRange) -> dict[str, Any]:
    return {"start": period.start, "end": period.end, "days": period.days}


class MetricSerializer(serializers.Serializer[Any]):
    value = serializers.FloatField()
    previous = serializers.FloatField()
    change = serializers.FloatField(allow_null=True, help_text="Relative change; null: nothing before.")


class RangeSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()


class OverviewSerializer(serializers.Serializer[Any]):
    range = RangeSerializer()
    last_day = serializers.DateField(help_text="Numbers go up to this day (UTC).")
    metrics = serializers.DictField(child=MetricSerializer())
    days = serializers.ListField(child=serializers.DateField())
    daily = serializers.DictField(child=serializers.ListField(child=serializers.FloatField()))
    followers = serializers.IntegerField()
    top_videos = serializers.ListField(child=serializers.DictField())


class StudioAnalyticsOverviewView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[RangeQuerySerializer], responses=OverviewSerializer)
    def get(self, request: Request) -> Response:
        creator = creator_of(request)
        period, last_day = period_of(request)
        overview = selectors.analytics_overview(creator=creator, period=period, last_day=last_day)
        top = selectors.analytics_top_videos(creator=creator, period=period, limit=10)
        return Response(
            {
                "range": _range_json(period),
                "last_day": last_day,
                "metrics": {
                    name: {"value": metric.value, "previous": metric.previous, "change": metric.change}
                    for name, metric in overview.metrics.items()
                },
                "days": overview.days,
                "daily": overview.daily,
                "followers": overview.followers_now,
                "top_videos": [
                    {
                        "video": row.video.public_id,
                        "caption": row.video.caption,
                        "views": row.views,
                        "watch_seconds": row.watch_seconds,
                        "average_watch_seconds": row.average_watch_seconds,
                        "completion_rate": row.completion_rate,
                        "likes": row.likes,
                        "shares": row.shares,
                        "comments": row.comments,
                    }
                    for row in top
                ],
            }
        )


class VideoAnalyticsSerializer(serializers.Serializer[Any]):
    video = serializers.UUIDField()
    range = RangeSerializer()
    totals = serializers.DictField(child=serializers.FloatField())
    days = serializers.ListField(child=serializers.DateField())
    daily_views = serializers.ListField(child=serializers.IntegerField())
    daily_watch_seconds = serializers.ListField(child=serializers.FloatField())
    average_watch_seconds = serializers.FloatField()
    completion_rate = serializers.FloatField()
    early_skip_rate = serializers.FloatField()
    not_interested_rate = serializers.FloatField()
    retention = serializers.ListField(child=serializers.FloatField(), help_text="At each 2% of the length.")
    creator_median_retention = serializers.ListField(child=serializers.FloatField())
    sources = serializers.ListField(child=serializers.DictField())
    ranking = serializers.DictField()


class StudioVideoAnalyticsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[RangeQuerySerializer], responses=VideoAnalyticsSerializer)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        creator = creator_of(request)
        video = Video.objects.filter(owner=creator, public_id=public_id).select_related("owner").first()
        if video is None:
            raise NotFound("No such video of yours.")
        period, _ = period_of(request)
        data = selectors.analytics_video(
            video=video, period=period, site_watch_through=selectors.site_watch_through()
        )
        return Response(
            {
                "video": video.public_id,
                "range": _range_json(period),
                "totals": data.totals,
                "days": data.days,
                "daily_views": data.daily_views,
                "daily_watch_seconds": data.daily_watch_seconds,
                "average_watch_seconds": data.average_watch_seconds,
                "completion_rate": data.completion_rate,
                "early_skip_rate": data.early_skip_rate,
                "not_interested_rate": data.not_interested_rate,
                "retention": data.retention,
                "creator_median_retention": data.creator_median_retention,
                "sources": [
                    {"key": source.key, "label": source.label, "views": source.views, "share": source.share}
                    for source in data.sources
                ],
                "ranking": {
                    "watch_through": data.ranking_watch_through,
                    "quality": data.ranking_quality,
                    "words": data.ranking_words,
                },
            }
        )


def _cells(cells: list[selectors.Cell]) -> list[dict[str, Any]]:
    return [
        {"key": cell.key, "label": cell.label, "viewers": cell.viewers, "withheld": cell.is_withheld}
        for cell in cells
    ]


class AudienceSerializer(serializers.Serializer[Any]):
    range = RangeSerializer()
    viewers = serializers.IntegerField()
    age_bands = serializers.ListField(child=serializers.DictField())
    countries = serializers.ListField(child=serializers.DictField())
    regions = serializers.ListField(child=serializers.DictField())
    new_viewers = serializers.IntegerField(allow_null=True)
    returning_viewers = serializers.IntegerField(allow_null=True)
    heatmap = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(allow_null=True)),
        help_text="[weekday, Monday first][hour, UTC]: distinct viewers; null: fewer than 10.",
    )


class StudioAudienceView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[RangeQuerySerializer], responses=AudienceSerializer)
    def get(self, request: Request) -> Response:
        creator = creator_of(request)
        period, _ = period_of(request)
        audience = selectors.analytics_audience(creator=creator, period=period)
        return Response(
            {
                "range": _range_json(period),
                "viewers": audience.viewers,
                "age_bands": _cells(audience.age_bands),
                "countries": _cells(audience.countries),
                "regions": _cells(audience.regions),
                "new_viewers": audience.new_viewers,
                "returning_viewers": audience.returning_viewers,
                "heatmap": audience.heatmap,
            }
        )


class StudioAnalyticsExportView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[RangeQuerySerializer], responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request) -> StreamingHttpResponse:
        creator = creator_of(request)
        period, _ = period_of(request)
        return export_response(creator=creator, period=period)
