"""The search page, ``/search?q=…&tab=…``: server-rendered tabs (Videos, Creators, Hashtags) that work
without JavaScript; the header's box submits to it and ``static/js/search-suggest.js`` adds suggestions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from feeds.search import selectors
from feeds.search.services import search_interest_record
from feeds.search.text import QueryError, query_parse
from platform.viewer import viewer_of

TABS = (
    ("videos", gettext_lazy("Videos")),
    ("creators", gettext_lazy("Creators")),
    ("hashtags", gettext_lazy("Hashtags")),
)
MAX_OFFSET = 1000


def _offset(raw: str | None) -> int:
    try:
        return min(max(int(raw or 0), 0), MAX_OFFSET)
    except ValueError:
        return 0


def search(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    tab = request.GET.get("tab", "videos")
    tab = tab if tab in dict(TABS) else "videos"
    offset = _offset(request.GET.get("offset"))
    context: dict[str, Any] = {
        "q": raw.replace("\x00", ""),
        "tab": tab,
        "error": None,
        "page": None,
        "notices": [],
    }
    query = None
    if raw.strip():
        try:
            query = query_parse(raw)
        except QueryError as error:
            context["error"] = error.message
    if query is not None:
        viewer = viewer_of(request)
        context["q"] = query.text
        context["notices"] = selectors.notices_for(query=query)
        if tab == "videos":
            context["page"] = selectors.videos_search(viewer=viewer, query=query, offset=offset)
            if offset == 0:
                search_interest_record(viewer=viewer, query=query)
        elif tab == "creators":
            context["page"] = selectors.creators_search(viewer=viewer, query=query, offset=offset)
        else:
            context["page"] = selectors.hashtags_search(query=query, offset=offset)
        if context["page"].next_offset is not None:
            context["more_url"] = (
                reverse("search")
                + "?"
                + urlencode({"q": query.text, "tab": tab, "offset": context["page"].next_offset})
            )
    context["tabs"] = [
        {
            "key": key,
            "label": label,
            "url": reverse("search") + "?" + urlencode({"q": context["q"], "tab": key}),
            "is_active": key == tab,
        }
        for key, label in TABS
    ]
    status = 400 if context["error"] else 200
    return render(request, "feeds/search.html", context, status=status)
