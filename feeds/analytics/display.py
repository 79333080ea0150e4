"""Creator analytics in words and chart data: the selectors' numbers as the pages show them (counts,
durations, shares, changes against the period before) and the series the charts draw. No queries."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from feeds.analytics import rules
from feeds.analytics.selectors import Audience, Cell, Overview, VideoAnalytics, VideoRow

FEWER = gettext_lazy("fewer than 10")
WEEKDAYS = (
    pgettext_lazy("weekday", "Mon"),
    pgettext_lazy("weekday", "Tue"),
    pgettext_lazy("weekday", "Wed"),
    pgettext_lazy("weekday", "Thu"),
    pgettext_lazy("weekday", "Fri"),
    pgettext_lazy("weekday", "Sat"),
    pgettext_lazy("weekday", "Sun"),
)
HEAT_LEVELS = 5  # intensity classes heat-1 .. heat-5; heat-0 is a hidden cell
TOP_PLACES = 10


def _number(value: float, decimals: int | None = None) -> str:
    """``value`` in the active language's digits: 4,166 and 7.4 in English, 4.166 and 7,4 in German."""
    # Rounded first: number_format cuts extra decimals off rather than rounding them.
    shown = value if decimals is None else round(value, decimals)
    return number_format(shown, decimals, force_grouping=True)


def count(value: float) -> str:
    return _number(round(value))


def seconds(value: float) -> str:
    """A watch time: "7.4 s", "3 min 20 s", "2 h 5 min"."""
    if value < 10:
        return _("%(seconds)s s") % {"seconds": _number(value, 1)}
    whole = round(value)
    if whole < 60:
        return _("%(seconds)s s") % {"seconds": whole}
    minutes, rest = divmod(whole, 60)
    if minutes < 60:
        if rest:
            return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": rest}
        return _("%(minutes)s min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if minutes:
        return _("%(hours)s h %(minutes)s min") % {"hours": _number(hours), "minutes": minutes}
    return _("%(hours)s h") % {"hours": _number(hours)}


def percent(share: float) -> str:
    """A share as a percentage: "12%" in English, "12 %" in German."""
    return _("%(percent)s%%") % {"percent": _number(round(share * 100))}


def signed(value: float) -> str:
    whole = round(value)
    if not whole:
        return "0"
    return ("+" if whole > 0 else "-") + _number(abs(whole))


def change_words(change: float | None) -> tuple[str, str]:
    """The change against the period before, and its direction (for the arrow's colour)."""
    if change is None:
        return _("no earlier data"), "none"
    if round(change * 100) == 0:
        return _("no change"), "flat"
    return ("+" if change > 0 else "-") + percent(abs(change)), "up" if change > 0 else "down"


def range_query(query: Mapping[str, str]) -> str:
    """The range part of a query string, to carry the range from page to page (and into the export)."""
    return urlencode({name: query[name] for name in ("range", "start", "end") if query.get(name)})


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    value: str
    change: str
    trend: str
    note: str = ""


_CARDS: tuple[tuple[str, Any, Any, Any], ...] = (
    ("views", gettext_lazy("Views"), count, ""),
    ("viewers", gettext_lazy("Unique viewers"), count, ""),
    ("watch_seconds", gettext_lazy("Watch time"), seconds, gettext_lazy("in total")),
    ("average_watch_seconds", gettext_lazy("Average watch time"), seconds, gettext_lazy("per view")),
    ("completion_rate", gettext_lazy("Completion rate"), percent, gettext_lazy("watched to the end")),
    ("likes", gettext_lazy("Likes"), count, ""),
    ("shares", gettext_lazy("Shares"), count, ""),
    ("comments", gettext_lazy("Comments"), count, gettext_lazy("and replies")),
    ("follows_gained", gettext_lazy("Follows gained"), count, ""),
    ("profile_views", gettext_lazy("Profile views"), count, ""),
    ("net_followers", gettext_lazy("Net follower growth"), signed, gettext_lazy("gained minus lost")),
)


def overview_cards(overview: Overview) -> list[Card]:
    cards = []
    for key, label, shown, note in _CARDS:
        metric = overview.metrics[key]
        words, trend = change_words(metric.change)
        cards.append(Card(key, str(label), shown(metric.value), words, trend, str(note)))
    return cards


def _days(days: Sequence[datetime.date]) -> list[str]:
    return [day.isoformat() for day in days]


def overview_charts(overview: Overview) -> dict[str, Any]:
    """The overview's three daily charts, in the shape ``static/js/charts/daily.js`` draws."""
    days = _days(overview.days)
    daily = overview.daily
    return {
        "activity": {
            "caption": _("Views and unique viewers by day"),
            "days": days,
            "series": [
                {"label": _("Views"), "values": daily["views"], "bars": True, "whole": True},
                {"label": _("Unique viewers"), "values": daily["viewers"]},
            ],
        },
        "followers": {
            "caption": _("Followers at the end of each day"),
            "days": days,
            "series": [{"label": _("Followers"), "values": daily["followers"], "whole": True}],
        },
        "follows": {
            "caption": _("Followers gained and lost by day"),
            "days": days,
            "series": [
                {"label": _("Gained"), "values": daily["follows_gained"], "bars": True, "whole": True},
                # Drawn below the axis; the page's script shows them without the sign.
                {"label": _("Lost"), "values": [-value for value in daily["follows_lost"]], "bars": True,
                 "negative": True},
            ],
        },
    }  # fmt: skip


@dataclass(frozen=True)
class Share:
    label: str
    viewers: int | None  # None: fewer than 10
    width: int  # the bar, in % of the box (0 when hidden)
    is_withheld: bool = False  # hidden though 10 or more, so the small groups beside it stay hidden


def _shares(cells: Sequence[Cell], whole: int | None) -> list[Share]:
    return [
        Share(
            cell.label,
            cell.viewers,
            round(100 * cell.viewers / whole) if cell.viewers is not None and whole else 0,
            cell.is_withheld,
        )
        for cell in cells
    ]


@dataclass(frozen=True)
class HeatCell:
    hour: int
    viewers: int | None
    level: int  # 0 hidden, 1..HEAT_LEVELS


@dataclass(frozen=True)
class AudienceView:
    viewers: int | None
    age_bands: list[Share]
    countries: list[Share]
    more_countries: int
    regions: list[Share]
    more_regions: int
    new_and_returning: list[Share]
    heat_rows: list[tuple[str, list[HeatCell]]]
    heat_hours: list[int]


def audience_view(audience: Audience) -> AudienceView:
    whole = audience.viewers
    peak = max((value for row in audience.heatmap for value in row if value is not None), default=0)
    heat_rows = [
        (
            str(WEEKDAYS[weekday]),
            [
                HeatCell(
                    hour,
                    value,
                    0 if value is None or not peak else max(1, round(HEAT_LEVELS * value / peak)),
                )
                for hour, value in enumerate(row)
            ],
        )
        for weekday, row in enumerate(audience.heatmap)
    ]
    return AudienceView(
        viewers=whole,
        age_bands=_shares(audience.age_bands, whole),
        countries=_shares(audience.countries[:TOP_PLACES], whole),
        more_countries=max(0, len(audience.countries) - TOP_PLACES),
        regions=_shares(audience.regions[:TOP_PLACES], whole),
        more_regions=max(0, len(audience.regions) - TOP_PLACES),
        new_and_returning=_shares(audience.new_and_returning, whole),
        heat_rows=heat_rows,
        heat_hours=list(range(24)),
    )


@dataclass(frozen=True)
class VideoLine:
    public_id: str
    caption: str
    url: str
    views: str
    average_watch: str
    completion: str
    likes: str
    shares: str
    comments: str


def video_rows(rows: Sequence[VideoRow]) -> list[VideoLine]:
    return [
        VideoLine(
            public_id=str(row.video.public_id),
            caption=row.video.caption,
            url=reverse("feeds:analytics_video", args=[row.video.public_id]),
            views=count(row.views),
            average_watch=seconds(row.average_watch_seconds),
            completion=percent(row.completion_rate),
            likes=count(row.likes),
            shares=count(row.shares),
            comments=count(row.comments),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class SourceLine:
    label: str
    views: str
    share: str
    width: int


@dataclass(frozen=True)
class VideoView:
    views: str
    has_views: bool
    average_watch: str
    completion: str
    early_skips: str
    not_interested: str
    likes: str
    shares: str
    comments: str
    follows: str
    sources: list[SourceLine]
    ranking_words: list[str]
    ranking_watch_through: str
    ranking_quality: str
    median_videos: int


def video_view(numbers: VideoAnalytics) -> VideoView:
    totals = numbers.totals
    return VideoView(
        views=count(totals["views"]),
        has_views=bool(totals["views"]),
        average_watch=seconds(numbers.average_watch_seconds),
        completion=percent(numbers.completion_rate),
        early_skips=percent(numbers.early_skip_rate),
        not_interested=percent(numbers.not_interested_rate),
        likes=count(totals["likes"]),
        shares=count(totals["shares"]),
        comments=count(totals["comments"]),
        follows=count(totals["follows"]),
        sources=[
            SourceLine(source.label, count(source.views), percent(source.share), round(100 * source.share))
            for source in numbers.sources
        ],
        ranking_words=numbers.ranking_words,
        ranking_watch_through=(
            _("%(percent)s with replays") % {"percent": percent(numbers.ranking_watch_through)}
            if numbers.ranking_watch_through > 1
            else percent(numbers.ranking_watch_through)
        ),
        ranking_quality=_number(numbers.ranking_quality, 2),
        median_videos=numbers.median_videos,
    )


def video_charts(numbers: VideoAnalytics) -> dict[str, Any]:
    """The video page's daily chart and its retention curve (``static/js/charts/retention.js``)."""
    retention = []
    if numbers.retention:
        retention.append({"label": _("This video"), "values": numbers.retention})
    if numbers.creator_median_retention:
        retention.append({"label": _("Your median video"), "values": numbers.creator_median_retention})
    return {
        "views": {
            "caption": _("Views by day"),
            "days": _days(numbers.days),
            "series": [{"label": _("Views"), "values": numbers.daily_views, "bars": True, "whole": True}],
        },
        "retention": {
            "caption": _("Share of views still watching, by how far into the video"),
            "steps": [round(100 * step / rules.REACH_STEPS) for step in range(rules.REACH_STEPS + 1)],
            "series": retention,
        },
    }
