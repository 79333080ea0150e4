"""The hashtag page (``/tag/<name>``), the hashtag's videos in the feed player, and the follow form."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from creators.models import Hashtag
from feeds import selectors as feed_selectors
from feeds.selectors import FeedPage
from feeds.tags import selectors, services
from feeds.views import _render
from platform.models import User
from platform.viewer import viewer_of
from platform.views import service_call


def _hashtag_or_404(name: str) -> Hashtag:
    hashtag = selectors.hashtag_get(name=name)
    if hashtag is None:
        raise Http404(_("No such hashtag."))
    return hashtag


def tag(request: HttpRequest, name: str) -> HttpResponse:
    """The hashtag's page: its counts, a follow button, related and trending hashtags, and its videos
    ranked for this viewer (each opens the player on the hashtag's feed)."""
    normal = selectors.hashtag_name_normalise(name)
    if normal is not None and normal != name:
        return redirect("feeds:tag", name=normal, permanent=True)  # /tag/Munich, /tag/%23munich
    hashtag = _hashtag_or_404(name)
    viewer = viewer_of(request)
    screen = feed_selectors.feed_screen_time(viewer=viewer)
    locked = screen is not None and screen.is_locked
    cursor = request.GET.get("cursor") or None  # "More videos": the next page of the same ranking
    page = None if locked else selectors.feed_hashtag(viewer=viewer, hashtag=hashtag, cursor=cursor)
    videos = [item.video for item in page.items] if page else []
    views = feed_selectors.view_counts([video.pk for video in videos])
    return render(
        request,
        "feeds/tag.html",
        {
            "summary": selectors.hashtag_summary(hashtag=hashtag, viewer=viewer),
            "cards": [{"video": video, "views": views.get(video.pk, 0)} for video in videos],
            "is_locked": locked,
            "play_url": reverse("feeds:tag_play", args=[hashtag.name]),
            "more_url": f"?{urlencode({'cursor': page.next_cursor})}" if page and page.next_cursor else "",
        },
    )


def tag_play(request: HttpRequest, name: str) -> HttpResponse:
    """The hashtag's videos in the feed player (``?v=<id>``: that one first), paging on through its API."""
    hashtag = _hashtag_or_404(name)
    page = selectors.feed_hashtag(viewer=viewer_of(request), hashtag=hashtag)
    try:
        first = uuid.UUID(request.GET.get("v", ""))
    except ValueError:
        first = None
    items = sorted(page.items, key=lambda item: item.video.public_id != first)  # stable: the rest keep order
    for position, item in enumerate(items):
        item.position = position
    api_url = reverse("api-tag-videos", args=[hashtag.name])
    active = {
        "key": "tag",
        "label": f"#{hashtag.name}",
        "url": reverse("feeds:tag", args=[hashtag.name]),
        "api_url": api_url,
        "is_active": True,
    }
    return _render(
        request,
        active_key="tag",
        page=FeedPage(items=items, next_cursor=page.next_cursor, catalog=page.catalog),
        active=active,
    )


@login_required
@require_POST
def tag_follow(request: HttpRequest, name: str) -> HttpResponse:
    """The page's Follow / Following button without JavaScript."""
    assert isinstance(request.user, User)
    following = request.POST.get("action") != "unfollow"
    with service_call(request):
        if following:
            services.hashtag_follow(user=request.user, name=name)
        else:
            services.hashtag_unfollow(user=request.user, name=name)
    return redirect("feeds:tag", name=selectors.hashtag_name_normalise(name) or name)
