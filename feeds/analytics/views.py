"""The creator's analytics pages: the overview of a range, one video's page and the CSV export. They parse
the range, call the selectors and render; the numbers' wording lives in ``feeds.analytics.display``."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from creators.models import CreatorProfile, Video
from feeds.analytics import display, rules, selectors
from feeds.analytics.exporting import export_response
from feeds.analytics.rules import DayRange, RangeProblem


def _creator_of(request: HttpRequest) -> CreatorProfile | None:
    return CreatorProfile.objects.filter(user_id=request.user.pk or 0).first()


def _not_a_creator(request: HttpRequest) -> HttpResponse:
    return render(request, "feeds/analytics_no_creator.html")


def _range_of(request: HttpRequest, last_day: datetime.date) -> DayRange:
    return rules.range_parse(
        preset=request.GET.get("range") or None,
        start=request.GET.get("start") or None,
        end=request.GET.get("end") or None,
        last_day=last_day,
    )


def _range_context(
    request: HttpRequest, *, last_day: datetime.date, period: DayRange | None
) -> dict[str, Any]:
    """What the range picker shows: the presets (the chosen one marked) and the custom dates."""
    custom = bool(request.GET.get("start") or request.GET.get("end"))
    chosen = request.GET.get("range") or ("" if custom else "28")
    return {
        "last_day": last_day,
        "period": period,
        "presets": [
            {"days": days, "query": f"range={days}", "is_active": not custom and chosen == str(days)}
            for days in rules.PRESET_DAYS
        ],
        "start_value": request.GET.get("start", period.start.isoformat() if period else ""),
        "end_value": request.GET.get("end", period.end.isoformat() if period else ""),
        "range_query": display.range_query(request.GET),
    }


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    creator = _creator_of(request)
    if creator is None:
        return _not_a_creator(request)
    last_day = selectors.analytics_last_day()
    try:
        period = _range_of(request, last_day)
    except RangeProblem as problem:
        context = {**_range_context(request, last_day=last_day, period=None), "problem": str(problem)}
        return render(request, "feeds/analytics.html", context, status=400)
    numbers = selectors.analytics_overview(creator=creator, period=period, last_day=last_day)
    audience = selectors.analytics_audience(creator=creator, period=period)
    top = selectors.analytics_top_videos(creator=creator, period=period)
    context = {
        **_range_context(request, last_day=last_day, period=period),
        "creator": creator,
        "cards": display.overview_cards(numbers),
        "followers_now": numbers.followers_now,
        "charts": display.overview_charts(numbers),
        "audience": display.audience_view(audience),
        "top_videos": display.video_rows(top),
    }
    return render(request, "feeds/analytics.html", context)


@login_required
@require_GET
def video(request: HttpRequest, public_id: str) -> HttpResponse:
    creator = _creator_of(request)
    if creator is None:
        return _not_a_creator(request)
    chosen = Video.objects.filter(owner=creator, public_id=public_id).first()
    if chosen is None:
        raise Http404("No such video.")
    last_day = selectors.analytics_last_day()
    try:
        period = _range_of(request, last_day)
    except RangeProblem as problem:
        context = {
            **_range_context(request, last_day=last_day, period=None),
            "video": chosen,
            "problem": str(problem),
        }
        return render(request, "feeds/analytics_video.html", context, status=400)
    numbers = selectors.analytics_video(
        video=chosen, period=period, site_watch_through=selectors.site_watch_through()
    )
    context = {
        **_range_context(request, last_day=last_day, period=period),
        "video": chosen,
        "numbers": display.video_view(numbers),
        "charts": display.video_charts(numbers),
    }
    return render(request, "feeds/analytics_video.html", context)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    creator = _creator_of(request)
    if creator is None:
        return _not_a_creator(request)
    last_day = selectors.analytics_last_day()
    try:
        period = _range_of(request, last_day)
    except RangeProblem as problem:
        return HttpResponse(str(problem), status=400, content_type="text/plain; charset=utf-8")
    return export_response(creator=creator, period=period)
