"""Feeds API views: the ranked feeds, batched signal ingestion and reports."""

import uuid
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creators.trust.reports import report_create
from feeds import selectors, services
from feeds.api import schema  # noqa: F401  (registers the OpenAPI extension)
from feeds.api.serializers import (
    FeedPageSerializer,
    LocalFeedQuerySerializer,
    ReportInputSerializer,
    ReportTargetInputSerializer,
    SignalBatchInputSerializer,
    SignalBatchOutputSerializer,
    feed_page_json,
    signal_batch_parse,
)
from feeds.selectors import FeedPage
from platform.api.authentication import TokenAuthentication
from platform.api.pagination import OpaqueCursorPagination
from platform.api.query import CursorQuerySerializer, query_of
from platform.api.renderers import OrjsonRenderer
from platform.api.throttling import SettingsScopedRateThrottle
from platform.screen_time import ScreenTimeStatus
from platform.viewer import viewer_of


def screen_time_json(status: ScreenTimeStatus | None) -> dict[str, object] | None:
    return status.as_json() if status is not None else None


def locked_response(status: ScreenTimeStatus | None) -> Response | None:
    """At the day's limit the feeds serve no more videos, only the ``screen_time`` block saying so."""
    if status is None or not status.is_locked:
        return None
    return Response({"next": None, "previous": None, "results": [], "screen_time": screen_time_json(status)})


def page_response(request: Request, page: FeedPage, *, screen: ScreenTimeStatus | None = None) -> Response:
    next_url = None
    if page.next_cursor:
        # Keep the request's other parameters (Local's ?region=) for the next page.
        query = {key: value for key, value in request.query_params.items() if key != "cursor"}
        next_url = (
            request.build_absolute_uri(request.path) + "?" + urlencode({**query, "cursor": page.next_cursor})
        )
    return Response(
        {
            "next": next_url,
            "previous": None,
            "results": feed_page_json(page, viewer=viewer_of(request)),
            "screen_time": screen_time_json(screen),
        }
    )


class ForYouFeedView(APIView):
    permission_classes = [permissions.AllowAny]
    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]

    @extend_schema(parameters=[CursorQuerySerializer], responses=FeedPageSerializer)
    def get(self, request: Request) -> Response:
        query = query_of(request, CursorQuerySerializer)
        viewer = viewer_of(request)
        screen = selectors.feed_screen_time(viewer=viewer)
        if locked := locked_response(screen):
            return locked
        page = selectors.feed_for_you(viewer=viewer, cursor=query.get("cursor"))
        return page_response(request, page, screen=screen)


class TopicFeedView(APIView):
    permission_classes = [permissions.AllowAny]
    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]

    @extend_schema(parameters=[CursorQuerySerializer], responses=FeedPageSerializer)
    def get(self, request: Request, slug: str) -> Response:
        query = query_of(request, CursorQuerySerializer)
        viewer = viewer_of(request)
        screen = selectors.feed_screen_time(viewer=viewer)
        if locked := locked_response(screen):
            return locked
        page = selectors.feed_topic(viewer=viewer, slug=slug, cursor=query.get("cursor"))
        if page is None:
            raise Http404(_("No such topic."))
        return page_response(request, page, screen=screen)


class LocalFeedView(APIView):
    permission_classes = [permissions.AllowAny]
    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]

    @extend_schema(parameters=[LocalFeedQuerySerializer], responses=FeedPageSerializer)
    def get(self, request: Request) -> Response:
        query = query_of(request, LocalFeedQuerySerializer)
        viewer = viewer_of(request)
        screen = selectors.feed_screen_time(viewer=viewer)
        if locked := locked_response(screen):
            return locked
        region = query.get("region") or viewer.region
        page = selectors.feed_local(viewer=viewer, region=region[:10], cursor=query.get("cursor"))
        return page_response(request, page, screen=screen)


class FollowingPagination(OpaqueCursorPagination):
    ordering = ("-published_at", "-id")
    page_size = settings.FEED_PAGE_SIZE


class FollowingFeedView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]

    @extend_schema(parameters=[CursorQuerySerializer], responses=FeedPageSerializer)
    def get(self, request: Request) -> Response:
        query_of(request, CursorQuerySerializer)
        viewer = viewer_of(request)
        screen = selectors.feed_screen_time(viewer=viewer)
        if locked := locked_response(screen):
            return locked
        paginator = FollowingPagination()
        videos = (
            paginator.paginate_queryset(selectors.following_queryset(viewer=viewer), request, view=self) or []
        )
        page = FeedPage(items=selectors.following_items(videos), next_cursor=None)
        response = paginator.get_paginated_response(feed_page_json(page, viewer=viewer))
        response.data["screen_time"] = screen_time_json(screen)
        return response


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
    throttle_classes = [SettingsScopedRateThrottle]
    throttle_scope = "signals"

    @extend_schema(
        request=SignalBatchInputSerializer,
        responses=SignalBatchOutputSerializer,
        description=(
            "The player's events, sent with navigator.sendBeacon, which cannot retry: the batch is read event "
            "by event. The good ones are stored and the answer is 200 with how many; each bad one is in "
            "`errors` by its index, so one bad event never loses the others. The batch itself is a 400 only "
            'when it is not `{"events": [...]}` of objects, or has more of them than `maxItems`.'
        ),
    )
    def post(self, request: Request) -> Response:
        items, errors = signal_batch_parse(request.data)
        result = services.signals_record(viewer=viewer_of(request), items=items)
        errors = sorted(errors + result.errors, key=lambda error: int(error["index"]))
        return Response({"accepted": result.accepted, "duplicates": result.duplicates, "errors": errors})


class ReportView(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SettingsScopedRateThrottle]
    throttle_scope = "reports"

    @extend_schema(request=ReportInputSerializer, responses={201: None})
    def post(self, request: Request, public_id: str) -> Response:
        serializer = ReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report_create(
            viewer=viewer_of(request),
            video_public_id=uuid.UUID(str(public_id)),
            **serializer.validated_data,
        )
        return Response({"detail": _("Thanks — a moderator will review it.")}, status=status.HTTP_201_CREATED)


class ReportCreateView(APIView):
    """Report a video or an account: one report per reporter and target, throttled per reporter."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [SettingsScopedRateThrottle]
    throttle_scope = "reports"

    @extend_schema(request=ReportTargetInputSerializer, responses={201: None})
    def post(self, request: Request) -> Response:
        serializer = ReportTargetInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        handle = data["profile"]
        report_create(
            viewer=viewer_of(request),
            reason=data["reason"],
            detail=data["detail"],
            video_public_id=data["video"],
            handle=handle.lstrip("@") if handle else None,
        )
        return Response({"detail": _("Thanks — a moderator will review it.")}, status=status.HTTP_201_CREATED)
