"""The viewer's feed pages: For You (the home page), Following, topic feeds and Local."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from creators.models import CreatorProfile, Topic, Video
from creators.trust.reports import report_create
from feeds import selectors
from feeds.api.serializers import feed_page_json
from feeds.selectors import FeedPage
from platform.regions import region_name
from platform.viewer import viewer_of
from platform.views import service_call

TABS = [
    ("for-you", gettext_lazy("For You"), "/", "/api/v1/feeds/for-you"),
    ("following", gettext_lazy("Following"), "/feed/following/", "/api/v1/feeds/following"),
    ("stem", gettext_lazy("STEM"), "/feed/topics/stem/", "/api/v1/feeds/topics/stem"),
    ("local", gettext_lazy("Local"), "/feed/local/", "/api/v1/feeds/local"),
    ("sports", gettext_lazy("Sports"), "/feed/topics/sports/", "/api/v1/feeds/topics/sports"),
    ("news", gettext_lazy("News"), "/feed/topics/news/", "/api/v1/feeds/topics/news"),
]


def _render(
    request: HttpRequest,
    *,
    active_key: str,
    page: FeedPage | None,
    active: dict[str, Any] | None = None,
    shared: Video | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    tabs = [
        {"key": key, "label": label, "url": url, "api_url": api_url, "is_active": key == active_key}
        for key, label, url, api_url in TABS
    ]
    active = active or next(tab for tab in tabs if tab["is_active"])
    if active["key"] == "following" and not request.user.is_authenticated:
        active = {**active, "api_url": ""}  # the page asks them to log in; the API would only say 401
    topics = [
        {"slug": topic.slug, "name": topic.name, "url": reverse("feeds:topic", args=[topic.slug])}
        for topic in Topic.objects.all()
    ]
    api_url = str(active["api_url"])
    screen = selectors.feed_screen_time(viewer=viewer_of(request))
    if screen is not None and screen.is_locked:
        page = None  # the day's limit is reached: no videos, the limit's panel instead
    context = {
        "shared_video": shared,  # a video's own page: its link preview tags
        "tabs": tabs,
        "active": active,
        "topics": topics,
        "items": feed_page_json(page, viewer=viewer_of(request)) if page else [],
        "signals_url": reverse("api-signals"),
        "report_url_template": "/api/v1/videos/__ID__/report",
        "follow_url_template": "/api/v1/creators/__HANDLE__/follow",
        "login_url": reverse("login"),
        "screen_time": screen,
        "screen_time_json": screen.as_json() if screen is not None else None,
        "screen_time_url": reverse("api-screen-time"),
        "screen_time_unlock_url": reverse("api-screen-time-unlock"),
        "next_url": f"{api_url}{'&' if '?' in api_url else '?'}{urlencode({'cursor': page.next_cursor})}"
        if page and page.next_cursor
        else "",
        "viewer_handle": (
            CreatorProfile.objects.filter(user_id=request.user.pk).values_list("handle", flat=True).first()
            or ""
            if request.user.is_authenticated
            else ""
        ),
    }
    return render(request, "feeds/home.html", {**context, **(extra or {})})


def for_you(request: HttpRequest) -> HttpResponse:
    page = selectors.feed_for_you(viewer=viewer_of(request))
    return _render(request, active_key="for-you", page=page)


def watch(request: HttpRequest, video: Video) -> HttpResponse:
    """/v/<id>/ in the vertical player, with the feed's actions: the video, then (opened from a
    profile) the creator's next ones, then For You. ``creators`` has checked the viewer may see it."""
    from_profile = request.GET.get("from") == "profile"
    items = selectors.watch_items(video=video, viewer=viewer_of(request), from_profile=from_profile)
    active = {
        "key": "video",
        "label": video.caption or _("A video by @%(handle)s") % {"handle": video.owner.handle},
        "url": request.path,
        "api_url": reverse("api-feed-for-you"),
        "is_active": True,
    }
    return _render(
        request, active_key="video", page=FeedPage(items=items, next_cursor=None), active=active, shared=video
    )


def following(request: HttpRequest) -> HttpResponse:
    videos = selectors.following_queryset(viewer=viewer_of(request))[:20]
    page = FeedPage(items=selectors.following_items(videos), next_cursor=None)
    return _render(request, active_key="following", page=page)


def topic(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.feed_topic(viewer=viewer_of(request), slug=slug)
    if page is None:
        raise Http404(_("No such topic."))
    if slug in {key for key, *_ in TABS}:
        return _render(request, active_key=slug, page=page)
    name = Topic.objects.filter(slug=slug).values_list("name", flat=True).first() or slug
    active = {
        "key": "topic",
        "label": name,
        "url": reverse("feeds:topic", args=[slug]),
        "api_url": f"/api/v1/feeds/topics/{slug}",
        "is_active": True,
    }
    return _render(request, active_key="topic", page=page, active=active)


def local(request: HttpRequest) -> HttpResponse:
    """Videos from the viewer's region, or from one they pick (``?region=``, e.g. before logging in)."""
    viewer = viewer_of(request)
    picked = request.GET.get("region", "")[:10]
    region = picked or viewer.region
    page = selectors.feed_local(viewer=viewer, region=region)
    tab = next(tab for tab in TABS if tab[0] == "local")
    active = {"key": "local", "label": _("Local"), "url": tab[2], "api_url": tab[3], "is_active": True}
    if picked:
        active["api_url"] = f"{tab[3]}?{urlencode({'region': picked})}"
    choices = [
        {"code": code, "name": region_name(code), "url": f"{tab[2]}?{urlencode({'region': code})}"}
        for code in ([] if region else selectors.regions_with_videos(limit=6))
    ]
    return _render(request, active_key="local", page=page, active=active, extra={"region_choices": choices})


@login_required
@require_POST
def profile_report(request: HttpRequest, handle: str) -> HttpResponse:
    """The profile page's "Report account" form (no JavaScript): one report per reporter and account."""
    with service_call(
        request,
        success=_("Thanks — a moderator will review @%(handle)s. We'll tell you what we decide.")
        % {"handle": handle},
    ):
        report_create(
            viewer=viewer_of(request),
            handle=handle,
            reason=request.POST.get("reason", ""),
            detail=request.POST.get("detail", "")[:500],
        )
    return redirect("creators:profile", handle=handle)
