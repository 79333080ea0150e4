"""Search API: videos, creators and hashtags matching a query, and suggestions as one types. Throttled per
client (``search`` rate). ``q`` is 2 to 100 characters (else a 400 in the field-error shape); one that holds
nothing searchable once cleaned (spaces, control characters, only punctuation) finds nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import get_script_prefix, get_urlconf
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from creators.models import poster_version
from feeds.api.serializers import VIDEO_SLOT, item_urls
from feeds.search import selectors
from feeds.search.selectors import ResultPage
from feeds.search.services import search_interest_record
from feeds.search.text import MAX_QUERY_LENGTH, MIN_QUERY_LENGTH, query_clean
from platform.api.query import query_of
from platform.api.renderers import OrjsonRenderer
from platform.api.throttling import SettingsScopedRateThrottle
from platform.viewer import viewer_of

MAX_OFFSET = 1000


class SearchQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(
        min_length=MIN_QUERY_LENGTH,
        max_length=MAX_QUERY_LENGTH,
        trim_whitespace=False,
        help_text="What to search for. Accents, case and small typos are forgiven; quotes, `*` and other "
        "operators are read as plain text, control characters are dropped.",
    )
    cursor = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_OFFSET, help_text="From the previous page's `next`."
    )


class SuggestQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(
        min_length=MIN_QUERY_LENGTH,
        max_length=MAX_QUERY_LENGTH,
        trim_whitespace=False,
        help_text="What has been typed so far.",
    )


class SearchVideoSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="public_id")
    caption = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")
    poster_url = serializers.SerializerMethodField()
    creator = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField()

    def get_poster_url(self, video: Any) -> str | None:

        return video.poster_url or None

    def get_creator(self, video: Any) -> dict[str, str]:
        return {"handle": video.owner.handle, "display_name": video.owner.display_name}


_published_at = SearchVideoSerializer().fields["published_at"]


def search_video_items(videos: list[Any]) -> list[dict[str, Any]]:
    """``SearchVideoSerializer(videos, many=True).data``, written out: DRF's field machinery took a fifth of
    a search's time for twenty videos (``tests/search/test_api.py`` holds the two equal)."""
    urls = item_urls(get_urlconf(), get_script_prefix())  # the feed items' patterns, reversed once
    items = []
    for video in videos:
        public_id = str(video.public_id)
        poster = video.poster.name
        items.append(
            {
                "id": public_id,
                "caption": video.caption,
                "url": urls.page.replace(VIDEO_SLOT, public_id),
                "poster_url": urls.poster.replace(VIDEO_SLOT, public_id) + poster_version(poster)
                if poster
                else None,
                "creator": {"handle": video.owner.handle, "display_name": video.owner.display_name},
                "published_at": _published_at.to_representation(video.published_at)
                if video.published_at is not None
                else None,
            }
        )
    return items


class SearchCreatorSerializer(serializers.Serializer[Any]):
    handle = serializers.CharField(source="profile.handle")
    display_name = serializers.CharField(source="profile.display_name")
    url = serializers.CharField(source="profile.get_absolute_url")
    video_count = serializers.IntegerField()


class SearchHashtagSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    url = serializers.CharField()
    video_count = serializers.IntegerField()


class SearchNoticeSerializer(serializers.Serializer[Any]):
    message = serializers.CharField()
    link_url = serializers.URLField()
    link_label = serializers.CharField()


class SuggestionSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["hashtag", "creator", "topic"])
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    url = serializers.CharField()


def _page_serializer(name: str, item: type[serializers.Serializer[Any]]) -> type[serializers.Serializer[Any]]:
    return type(
        name,
        (serializers.Serializer,),
        {
            "next": serializers.CharField(allow_null=True),
            "results": item(many=True),
            "notices": SearchNoticeSerializer(many=True),
        },
    )


VideoPageSerializer = _page_serializer("SearchVideoPage", SearchVideoSerializer)
CreatorPageSerializer = _page_serializer("SearchCreatorPage", SearchCreatorSerializer)
HashtagPageSerializer = _page_serializer("SearchHashtagPage", SearchHashtagSerializer)


class SuggestResponseSerializer(serializers.Serializer[Any]):
    results = SuggestionSerializer(many=True)


class _SearchView(APIView):
    permission_classes = [permissions.AllowAny]
    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]
    throttle_classes = [SettingsScopedRateThrottle]
    throttle_scope = "search"

    def respond(
        self,
        request: Request,
        page: ResultPage[Any],
        results: Any,
        notices: list[Any],
    ) -> Response:
        next_url = None
        if page.next_offset is not None and page.next_offset <= MAX_OFFSET:
            query = {"q": request.query_params.get("q", ""), "cursor": page.next_offset}
            next_url = request.build_absolute_uri(request.path) + "?" + urlencode(query)
        return Response(
            {
                "next": next_url,
                "results": results,
                "notices": SearchNoticeSerializer(notices, many=True).data,
            }
        )


class SearchVideosView(_SearchView):
    @extend_schema(parameters=[SearchQuerySerializer], responses=VideoPageSerializer)
    def get(self, request: Request) -> Response:
        params = query_of(request, SearchQuerySerializer)
        query, viewer, offset = query_clean(params["q"]), viewer_of(request), params.get("cursor", 0)
        page = selectors.videos_search(viewer=viewer, query=query, offset=offset)
        if offset == 0:
            search_interest_record(viewer=viewer, query=query)
        return self.respond(request, page, search_video_items(page.items), selectors.notices_for(query=query))


class SearchCreatorsView(_SearchView):
    @extend_schema(parameters=[SearchQuerySerializer], responses=CreatorPageSerializer)
    def get(self, request: Request) -> Response:
        params = query_of(request, SearchQuerySerializer)
        query = query_clean(params["q"])
        page = selectors.creators_search(
            viewer=viewer_of(request), query=query, offset=params.get("cursor", 0)
        )
        return self.respond(
            request,
            page,
            SearchCreatorSerializer(page.items, many=True).data,
            selectors.notices_for(query=query),
        )


class SearchHashtagsView(_SearchView):
    @extend_schema(parameters=[SearchQuerySerializer], responses=HashtagPageSerializer)
    def get(self, request: Request) -> Response:
        params = query_of(request, SearchQuerySerializer)
        query = query_clean(params["q"])
        page = selectors.hashtags_search(query=query, offset=params.get("cursor", 0))
        return self.respond(
            request,
            page,
            SearchHashtagSerializer(page.items, many=True).data,
            selectors.notices_for(query=query),
        )


class SearchSuggestView(_SearchView):
    @extend_schema(
        parameters=[SuggestQuerySerializer],
        responses=SuggestResponseSerializer,
        description="Completions of what is being typed (hashtags, creators, topics), for the search box.",
    )
    def get(self, request: Request) -> Response:
        params = query_of(request, SuggestQuerySerializer)
        query = query_clean(params["q"])
        found = selectors.suggestions(viewer=viewer_of(request), query=query)
        return Response({"results": SuggestionSerializer(found, many=True).data})
