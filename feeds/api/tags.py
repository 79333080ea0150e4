"""Hashtag API: a hashtag's summary and its videos ranked for the viewer, following it, and the trending
hashtags of a region."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creators.models import Hashtag
from feeds import selectors as feed_selectors
from feeds.api.serializers import FeedPageSerializer
from feeds.api.views import locked_response, page_response
from feeds.tags import selectors, services
from platform.api.query import CursorQuerySerializer, query_of
from platform.api.renderers import OrjsonRenderer
from platform.models import User
from platform.viewer import viewer_of


class HashtagLinkSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="Lower-case, without '#'.")
    url = serializers.CharField(help_text="The hashtag's page.")


class HashtagOutputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text="Lower-case, without '#'.")
    url = serializers.CharField(help_text="The hashtag's page.")
    videos_url = serializers.CharField(help_text="Its videos ranked for you (a feed page).")
    follow_url = serializers.CharField(help_text="POST to follow, DELETE to unfollow (signed in).")
    video_count = serializers.IntegerField(
        help_text="Its videos the feeds may show (counted every few minutes)."
    )
    view_count = serializers.IntegerField(help_text="Views of those videos (counted every few minutes).")
    is_following = serializers.BooleanField()
    related = HashtagLinkSerializer(many=True, help_text="Hashtags most often on the same videos, at most 8.")


class HashtagFollowOutputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    is_following = serializers.BooleanField()


class TrendingQuerySerializer(serializers.Serializer[Any]):
    region = serializers.CharField(
        required=False, allow_blank=True, max_length=10, help_text="ISO 3166-2 code; defaults to yours."
    )


class TrendingEntrySerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    url = serializers.CharField()
    rank = serializers.IntegerField()
    score = serializers.FloatField(help_text="Recent completions of its videos, decayed.")


class TrendingOutputSerializer(serializers.Serializer[Any]):
    region = serializers.CharField(
        help_text='The region these trend in; "" for everywhere (no list for yours).'
    )
    results = TrendingEntrySerializer(many=True)


def _hashtag(name: str) -> Hashtag:
    hashtag = selectors.hashtag_get(name=name)
    if hashtag is None:
        raise Http404(_("No such hashtag."))
    return hashtag


def _link(name: str) -> dict[str, str]:
    return {"name": name, "url": selectors.hashtag_url(name)}


class HashtagView(APIView):
    permission_classes = [permissions.AllowAny]
    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]

    @extend_schema(responses=HashtagOutputSerializer)
    def get(self, request: Request, name: str) -> Response:
        hashtag = _hashtag(name)
        summary = selectors.hashtag_summary(hashtag=hashtag, viewer=viewer_of(request))
        return Response(
            {
                **_link(hashtag.name),
                "videos_url": reverse("api-tag-videos", args=[hashtag.name]),
                "follow_url": reverse("api-tag-follow", args=[hashtag.name]),
                "video_count": summary.video_count,
                "view_count": summary.view_count,
                "is_following": summary.is_following,
                "related": [_link(other) for other in summary.related],
            }
        )


class HashtagVideosView(APIView):
    """The hashtag's videos ranked for this viewer, in the shape of the other feeds (the player pages on)."""

    permission_classes = [permissions.AllowAny]
    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]

    @extend_schema(parameters=[CursorQuerySerializer], responses=FeedPageSerializer)
    def get(self, request: Request, name: str) -> Response:
        query = query_of(request, CursorQuerySerializer)
        hashtag = _hashtag(name)
        viewer = viewer_of(request)
        screen = feed_selectors.feed_screen_time(viewer=viewer)
        if locked := locked_response(screen):
            return locked
        page = selectors.feed_hashtag(viewer=viewer, hashtag=hashtag, cursor=query.get("cursor"))
        return page_response(request, page, screen=screen)


class HashtagFollowView(APIView):
    """Follow (POST) or unfollow (DELETE) a hashtag; both idempotent. Its videos join your For You."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: HashtagFollowOutputSerializer})
    def post(self, request: Request, name: str) -> Response:
        assert isinstance(request.user, User)
        follow = services.hashtag_follow(user=request.user, name=name)
        return Response({"name": follow.hashtag.name, "is_following": True}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: HashtagFollowOutputSerializer})
    def delete(self, request: Request, name: str) -> Response:
        assert isinstance(request.user, User)
        services.hashtag_unfollow(user=request.user, name=name)
        return Response({"name": selectors.hashtag_name_normalise(name), "is_following": False})


class TrendingHashtagsView(APIView):
    permission_classes = [permissions.AllowAny]
    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]

    @extend_schema(parameters=[TrendingQuerySerializer], responses=TrendingOutputSerializer)
    def get(self, request: Request) -> Response:
        query = query_of(request, TrendingQuerySerializer)
        region = query.get("region") or viewer_of(request).region
        answered, trending = selectors.hashtags_trending(region=region)
        return Response(
            {
                "region": answered,
                "results": [
                    {**_link(entry.name), "rank": entry.rank, "score": entry.score} for entry in trending
                ],
            }
        )
