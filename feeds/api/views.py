"""Feeds API views: the ranked feeds, batched signal ingestion and reports."""

import uuid
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from feeds import selectors, services
from feeds.api import schema  # noqa: F401  (registers the OpenAPI extension)
from feeds.api.serializers import (
    FeedPageSerializer,
    ReportInputSerializer,
    SignalBatchInputSerializer,
    SignalBatchOutputSerializer,
    feed_page_json,
)
from feeds.models import Signal, Source
from feeds.selectors import FeedPage

CURSOR = OpenApiParameter("cursor", str, required=False, description="From the previous page's `next`.")


def viewer_key(request: Request) -> str:
    return selectors.viewer_key_for(user=request.user, session=getattr(request._request, "session", None))


def page_response(request: Request, page: FeedPage) -> Response:
    next_url = None
    if page.next_cursor:
        next_url = request.build_absolute_uri(request.path) + "?" + urlencode({"cursor": page.next_cursor})
    return Response({"next": next_url, "previous": None, "results": feed_page_json(page)})


class ForYouFeedView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[CURSOR], responses=FeedPageSerializer)
    def get(self, request: Request) -> Response:
        page = selectors.feed_for_you(
            viewer=request.user, viewer_key=viewer_key(request), cursor=request.query_params.get("cursor")
        )
        return page_response(request, page)


class TopicFeedView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[CURSOR], responses=FeedPageSerializer)
    def get(self, request: Request, slug: str) -> Response:
        page = selectors.feed_topic(
            viewer=request.user,
            viewer_key=viewer_key(request),
            slug=slug,
            cursor=request.query_params.get("cursor"),
        )
        if page is None:
            raise Http404("No such topic.")
        return page_response(request, page)


class LocalFeedView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            CURSOR,
            OpenApiParameter("region", str, required=False, description="ISO 3166-2 code; defaults to yours"),
        ],
        responses=FeedPageSerializer,
    )
    def get(self, request: Request) -> Response:
        region = request.query_params.get("region") or getattr(request.user, "region", "") or ""
        page = selectors.feed_local(
            viewer=request.user,
            viewer_key=viewer_key(request),
            region=region[:10],
            cursor=request.query_params.get("cursor"),
        )
        return page_response(request, page)


class FollowingPagination(CursorPagination):
    ordering = ("-published_at", "-id")
    page_size = settings.FEED_PAGE_SIZE


class FollowingFeedView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[CURSOR], responses=FeedPageSerializer)
    def get(self, request: Request) -> Response:
        paginator = FollowingPagination()
        videos = (
            paginator.paginate_queryset(selectors.following_queryset(viewer=request.user), request, view=self)
            or []
        )
        page = FeedPage(items=selectors.following_items(videos), next_cursor=None)
        return paginator.get_paginated_response(feed_page_json(page))


KINDS = frozenset(Signal.Kind.values)
SOURCES = frozenset(Source.values)
LIMITS = {"position": (0, 100_000), "watched_seconds": (0.0, 3600.0), "looped": (0, 1000)}


def signal_events_parse(
    raw_events: list[dict[str, Any]],
) -> tuple[list[services.SignalInput], list[int], list[dict[str, Any]]]:
    """Parse events by hand: DRF's per-field machinery costs more than storing them (see benchmark_feed).

    Checks exactly what ``SignalInputSerializer`` documents; each bad event gets its own error."""
    items: list[services.SignalInput] = []
    positions: list[int] = []
    errors: list[dict[str, Any]] = []
    for index, raw in enumerate(raw_events):
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
        if kind not in KINDS:
            problems["kind"] = [f"“{kind}” is not a valid choice."]
        if source not in SOURCES:
            problems["source"] = [f"“{source}” is not a valid choice."]
        numbers: dict[str, Any] = {}
        for name, (low, high) in LIMITS.items():
            value = raw.get(name, low)
            cast = float if isinstance(low, float) else int
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
            services.SignalInput(
                event_id=event_id, video=video, kind=str(kind), source=str(source), **numbers
            )
        )
        positions.append(index)
    return items, positions, errors


class BeaconSessionAuthentication(SessionAuthentication):
    """Session auth without the CSRF check, for ``navigator.sendBeacon``, which cannot send the token.

    Acceptable here only: a forged signal batch can at worst nudge the forger's
    target's recommendations, the same as watching a video would.
    """

    def enforce_csrf(self, request: Any) -> None:
        return None


class SignalBatchView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = [TokenAuthentication, BeaconSessionAuthentication]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "signals"

    @extend_schema(request=SignalBatchInputSerializer, responses=SignalBatchOutputSerializer)
    def post(self, request: Request) -> Response:
        events = request.data.get("events") if isinstance(request.data, dict) else None
        if not isinstance(events, list) or not all(isinstance(event, dict) for event in events):
            return Response({"detail": 'Send {"events": [...]}.'}, status=status.HTTP_400_BAD_REQUEST)
        if len(events) > settings.SIGNAL_BATCH_MAX:
            return Response(
                {"detail": f"At most {settings.SIGNAL_BATCH_MAX} events per batch."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        items, positions, errors = signal_events_parse(events)
        result = services.signals_record(viewer=request.user, viewer_key=viewer_key(request), items=items)
        # The service numbers errors among the valid events; report them against the request's indexes.
        errors += [{"index": positions[error["index"]], "detail": error["detail"]} for error in result.errors]
        errors.sort(key=lambda error: error["index"])
        return Response({"accepted": result.accepted, "duplicates": result.duplicates, "errors": errors})


class ReportView(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "reports"

    @extend_schema(request=ReportInputSerializer, responses={201: None})
    def post(self, request: Request, public_id: str) -> Response:
        serializer = ReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.report_create(
            viewer=request.user,
            viewer_key=viewer_key(request),
            video_public_id=uuid.UUID(str(public_id)),
            **serializer.validated_data,
        )
        return Response({"detail": "Thanks — a moderator will review it."}, status=status.HTTP_201_CREATED)
