"""Reads of creator analytics: every number comes from the daily rollups (never the raw signal log), a
handful of queries a page whatever the range."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from creators.models import CreatorProfile, FollowChange, Topic, Video
from feeds.analytics import rules
from feeds.analytics.rollup import STATE_NAME, _day_start, last_closed_day
from feeds.analytics.rules import DayRange
from feeds.models import AudienceDay, CreatorDay, RollupState, Source, VideoDay, VideoReach, VideoStats
from feeds.ranking.features import quality_of, watch_through
from platform.regions import region_name

OVERVIEW_METRICS = (
    "views", "viewers", "watch_seconds", "average_watch_seconds", "completion_rate", "likes", "shares",
    "comments", "follows_gained", "profile_views", "net_followers",
)  # fmt: skip
_DAY_SUMS = ("views", "watch_seconds", "completions", "early_skips", "likes", "shares", "comments",
             "not_interested", "profile_views", "follows_gained", "follows_lost")  # fmt: skip
_VIDEO_SUMS = ("views", "watch_seconds", "completions", "early_skips", "likes", "shares", "comments",
               "follows", "not_interested")  # fmt: skip
SOURCE_LABELS = dict(Source.choices)


def analytics_last_day(*, now: datetime.datetime | None = None) -> datetime.date:
    """The newest day the dashboard has numbers for (the rollup's watermark, else the last closed day)."""
    state = RollupState.objects.filter(name=STATE_NAME).values_list("last_day", flat=True).first()
    if state is not None:
        return state
    return last_closed_day(now or timezone.now())


def first_in(start: datetime.date) -> Q:
    """A viewer's first day in a range starting at ``start``: none of their earlier days is in it. Counting
    only those rows counts each viewer once, with no DISTINCT (a year of a big creator is many rows)."""
    return Q(prev_day__isnull=True) | Q(prev_day__lt=start)


@dataclass
class Metric:
    name: str
    value: float
    previous: float

    @property
    def change(self) -> float | None:
        return rules.change(self.value, self.previous)


@dataclass
class Overview:
    period: DayRange
    metrics: dict[str, Metric]
    days: list[datetime.date]
    # views, viewers, watch_seconds, likes, shares, comments, follows_gained, follows_lost, followers
    daily: dict[str, list[float]]
    followers_now: int


def _sums(rows: list[dict[str, Any]], names: tuple[str, ...]) -> dict[str, float]:
    return {name: sum(row[name] for row in rows) for name in names}


def _per_view(totals: dict[str, float]) -> tuple[float, float]:
    views = totals["views"]
    return (
        totals["watch_seconds"] / views if views else 0.0,
        totals["completions"] / views if views else 0.0,
    )


def analytics_overview(*, creator: CreatorProfile, period: DayRange, last_day: datetime.date) -> Overview:
    """The creator's numbers for ``period`` against the period before, with daily series (three queries)."""
    previous = period.previous
    rows = list(
        CreatorDay.objects.filter(
            creator=creator, day__gte=previous.start, day__lte=max(period.end, last_day)
        )
        .values("day", "viewers", *_DAY_SUMS)
        .order_by("day")
    )
    current_rows = [row for row in rows if period.start <= row["day"] <= period.end]
    previous_rows = [row for row in rows if previous.start <= row["day"] <= previous.end]
    unique = AudienceDay.objects.filter(
        creator=creator, day__gte=previous.start, day__lte=period.end
    ).aggregate(
        current=Count("pk", filter=Q(day__gte=period.start) & first_in(period.start)),
        previous=Count("pk", filter=Q(day__lte=previous.end) & first_in(previous.start)),
    )
    # Followers at the end of each day: today's count, walked back through the logged changes.
    unrolled = (
        FollowChange.objects.filter(
            creator=creator, created_at__gte=_day_start(last_day + datetime.timedelta(days=1))
        ).aggregate(net=Sum("delta"))["net"]
        or 0
    )
    followers_now = creator.follower_count
    nets = [(row["day"], row["follows_gained"] - row["follows_lost"]) for row in rows]
    after_first = sum(net for _, net in nets)  # net change after the day before the first row
    by_day = {row["day"]: row for row in rows}
    days = period.each_day()
    daily: dict[str, list[float]] = defaultdict(list)
    through, index = 0, 0
    for day in days:
        while index < len(nets) and nets[index][0] <= day:
            through += nets[index][1]
            index += 1
        daily["followers"].append(max(0, followers_now - unrolled - (after_first - through)))
    for day in days:
        row = by_day.get(day)
        for name in (
            "views",
            "viewers",
            "watch_seconds",
            "likes",
            "shares",
            "comments",
            "follows_gained",
            "follows_lost",
        ):
            daily[name].append(row[name] if row else 0)
    now_totals, before_totals = _sums(current_rows, _DAY_SUMS), _sums(previous_rows, _DAY_SUMS)
    now_average, now_rate = _per_view(now_totals)
    before_average, before_rate = _per_view(before_totals)
    values = {
        "views": (now_totals["views"], before_totals["views"]),
        "viewers": (unique["current"], unique["previous"]),
        "watch_seconds": (now_totals["watch_seconds"], before_totals["watch_seconds"]),
        "average_watch_seconds": (now_average, before_average),
        "completion_rate": (now_rate, before_rate),
        "likes": (now_totals["likes"], before_totals["likes"]),
        "shares": (now_totals["shares"], before_totals["shares"]),
        "comments": (now_totals["comments"], before_totals["comments"]),
        "follows_gained": (now_totals["follows_gained"], before_totals["follows_gained"]),
        "profile_views": (now_totals["profile_views"], before_totals["profile_views"]),
        "net_followers": (
            now_totals["follows_gained"] - now_totals["follows_lost"],
            before_totals["follows_gained"] - before_totals["follows_lost"],
        ),
    }
    return Overview(
        period=period,
        metrics={name: Metric(name, *values[name]) for name in OVERVIEW_METRICS},
        days=days,
        daily=dict(daily),
        followers_now=followers_now,
    )


@dataclass
class VideoRow:
    video: Video
    views: int
    watch_seconds: float
    completions: int
    likes: int
    shares: int
    comments: int

    @property
    def average_watch_seconds(self) -> float:
        return self.watch_seconds / self.views if self.views else 0.0

    @property
    def completion_rate(self) -> float:
        return self.completions / self.views if self.views else 0.0


def analytics_top_videos(*, creator: CreatorProfile, period: DayRange, limit: int = 20) -> list[VideoRow]:
    """The creator's most-viewed videos in ``period`` (two queries)."""
    totals = list(
        VideoDay.objects.filter(creator=creator, day__gte=period.start, day__lte=period.end)
        .values("video_id")
        .annotate(
            views_sum=Sum("views"),
            watch_sum=Sum("watch_seconds"),
            completions_sum=Sum("completions"),
            likes_sum=Sum("likes"),
            shares_sum=Sum("shares"),
            comments_sum=Sum("comments"),
        )
        .order_by("-views_sum", "video_id")[:limit]
    )
    videos = Video.objects.filter(owner=creator).in_bulk([row["video_id"] for row in totals])
    return [
        VideoRow(
            video=videos[row["video_id"]],
            views=row["views_sum"],
            watch_seconds=row["watch_sum"],
            completions=row["completions_sum"],
            likes=row["likes_sum"],
            shares=row["shares_sum"],
            comments=row["comments_sum"],
        )
        for row in totals
        if row["video_id"] in videos
    ]


@dataclass
class SourceShare:
    key: str
    label: str
    views: int
    share: float


@dataclass
class VideoAnalytics:
    video: Video
    period: DayRange
    totals: dict[str, float]
    days: list[datetime.date]
    daily_views: list[int]
    daily_watch_seconds: list[float]
    retention: list[float]  # share still watching at each 2% of the length (51 points), in this range
    creator_median_retention: list[float]  # the same for the creator's median video, all time
    median_videos: int
    sources: list[SourceShare]
    early_skip_rate: float
    not_interested_rate: float
    average_watch_seconds: float
    completion_rate: float
    ranking_watch_through: float
    ranking_quality: float
    ranking_words: list[str] = field(default_factory=list)


def analytics_video(*, video: Video, period: DayRange, site_watch_through: float) -> VideoAnalytics:
    """One video's numbers for ``period`` and how the ranking rates it now (four queries)."""
    rows = list(
        VideoDay.objects.filter(video=video, day__gte=period.start, day__lte=period.end)
        .values("day", "sources", "reach", *_VIDEO_SUMS)
        .order_by("day")
    )
    totals = _sums(rows, _VIDEO_SUMS)
    reach: list[int] = []
    sources: dict[str, int] = defaultdict(int)
    for row in rows:
        reach = rules.reach_add(reach, row["reach"])
        for key, count in row["sources"].items():
            sources[key] += count
    medians = [
        rules.retention_curve(histogram)
        for histogram in VideoReach.objects.filter(creator_id=video.owner_id, views__gte=rules.MIN_CELL_VIEWERS)
        .values_list("reach", flat=True)
    ]  # fmt: skip
    topic_ids = [int(key.split(":", 1)[1]) for key in sources if key.startswith("topic:")]
    topic_names = dict(Topic.objects.filter(pk__in=topic_ids).values_list("pk", "name")) if topic_ids else {}
    views = totals["views"]
    shares = [
        SourceShare(
            key=key,
            label=(
                _("Topic: %(topic)s")
                % {"topic": topic_names.get(int(key.split(":", 1)[1]), _("removed topic"))}
                if key.startswith("topic:")
                else str(SOURCE_LABELS.get(key, key))
            ),
            views=count,
            share=count / views if views else 0.0,
        )
        for key, count in sorted(sources.items(), key=lambda item: (-item[1], item[0]))
    ]
    stats = VideoStats.objects.filter(video=video).first()
    impressions = stats.impressions if stats else 0
    ranking_watch_through = watch_through(
        completions=stats.completions if stats else 0, impressions=impressions
    )
    quality = quality_of(
        impressions=impressions,
        likes=stats.likes if stats else 0,
        shares=stats.shares if stats else 0,
        skips=stats.skips if stats else 0,
        not_interested=stats.not_interested if stats else 0,
    )
    by_day = {row["day"]: row for row in rows}
    days = period.each_day()
    average, rate = _per_view(totals)
    return VideoAnalytics(
        video=video,
        period=period,
        totals=totals,
        days=days,
        daily_views=[by_day[day]["views"] if day in by_day else 0 for day in days],
        daily_watch_seconds=[by_day[day]["watch_seconds"] if day in by_day else 0.0 for day in days],
        retention=rules.retention_curve(reach),
        creator_median_retention=rules.median_curve(medians),
        median_videos=len(medians),
        sources=shares,
        early_skip_rate=totals["early_skips"] / views if views else 0.0,
        not_interested_rate=totals["not_interested"] / views if views else 0.0,
        average_watch_seconds=average,
        completion_rate=rate,
        ranking_watch_through=ranking_watch_through,
        ranking_quality=quality,
        ranking_words=rules.judgement_words(
            impressions=impressions,
            watch_through=ranking_watch_through,
            quality=quality,
            site_watch_through=site_watch_through,
        ),
    )


@dataclass
class Cell:
    key: str
    label: str
    viewers: int | None  # None: fewer than 10, not shown
    is_withheld: bool = False  # 10 or more, hidden to protect the small cells beside it


@dataclass
class Audience:
    period: DayRange
    viewers: int | None
    age_bands: list[Cell]
    countries: list[Cell]
    regions: list[Cell]
    new_viewers: int | None
    returning_viewers: int | None
    new_and_returning: list[Cell]
    # [weekday][hour]: viewers by when they first watched in the range (their first day's first view)
    heatmap: list[list[int | None]]


def analytics_audience(*, creator: CreatorProfile, period: DayRange) -> Audience:
    """Who watched in ``period``, each viewer counted once, in the band, place and hour of their first day
    in it; cells under 10 viewers hidden (1 query)."""
    rows = AudienceDay.objects.filter(creator=creator, day__gte=period.start, day__lte=period.end).filter(
        first_in(period.start)
    )
    # One pass: the range's first-day rows grouped by everything the page breaks down by; the sums of
    # those groups give each breakdown (a viewer is in exactly one group, so nothing is counted twice).
    groups = rows.values_list("age_band", "country", "region", "weekday", "hour").annotate(
        n=Count("pk"), new=Count("pk", filter=Q(prev_day__isnull=True))
    )
    bands: dict[str, int] = defaultdict(int)
    by_country: dict[str, int] = defaultdict(int)
    by_region: dict[str, int] = defaultdict(int)
    heat: dict[tuple[int, int], int] = defaultdict(int)
    whole = {"viewers": 0, "new": 0}
    for band, country, region, weekday, hour, count, new in groups:
        bands[band] += count
        by_country[country or ""] += count
        if region:
            by_region[region] += count
        heat[(weekday, hour)] += count
        whole["viewers"] += count
        whole["new"] += new
    heatmap: list[list[int | None]] = [[None] * 24 for _ in range(7)]
    for (weekday, hour), count in heat.items():
        heatmap[weekday][hour] = rules.shown(count)
    band_cells, band_withheld = rules.shown_breakdown(
        {band: bands.get(band, 0) for band in rules.AUDIENCE_BANDS}
    )
    country_cells, country_withheld = rules.shown_breakdown(dict(by_country))
    region_cells, region_withheld = rules.shown_breakdown(dict(by_region))
    split, split_withheld = rules.shown_breakdown(
        {"new": whole["new"], "returning": whole["viewers"] - whole["new"]}
    )
    return Audience(
        period=period,
        viewers=whole["viewers"],
        age_bands=[
            Cell(band, str(rules.BAND_LABELS[band]), band_cells[band], band in band_withheld)
            for band in rules.AUDIENCE_BANDS
        ],
        countries=_ordered(
            Cell(
                code, country_names.name(code) if code else _("Not known"), viewers, code in country_withheld
            )
            for code, viewers in country_cells.items()
        ),
        regions=_ordered(
            Cell(region, region_name(region), viewers, region in region_withheld)
            for region, viewers in region_cells.items()
        ),
        new_viewers=split["new"],
        returning_viewers=split["returning"],
        new_and_returning=[
            Cell("new", _("New viewers"), split["new"], "new" in split_withheld),
            Cell("returning", _("Returning viewers"), split["returning"], "returning" in split_withheld),
        ],
        heatmap=heatmap,
    )


def _ordered(cells: Iterator[Cell]) -> list[Cell]:
    return sorted(cells, key=lambda cell: (-(cell.viewers or 0), cell.label))


EXPORT_COLUMNS = ("day", "video", "caption", *_VIDEO_SUMS)


def analytics_export_rows(*, creator: CreatorProfile, period: DayRange) -> Iterator[list[Any]]:
    """The daily per-video table of ``period`` for a CSV file, oldest day first."""
    yield list(EXPORT_COLUMNS)
    rows = (
        VideoDay.objects.filter(creator=creator, day__gte=period.start, day__lte=period.end)
        .order_by("day", "video_id")
        .values_list("day", "video__public_id", "video__caption", *_VIDEO_SUMS)
    )
    for row in rows.iterator(chunk_size=2000):
        values = list(row)
        values[0] = values[0].isoformat()
        values[4] = round(values[4], 1)
        yield values


_SITE_CACHE: dict[str, tuple[float, float]] = {}


def site_watch_through() -> float:
    """The median video's watch-through on the site, as the ranking smooths it (for "compared with most");
    kept ten minutes in the process: it moves slowly and costs a scan."""
    cached = _SITE_CACHE.get("watch_through")
    clock = timezone.now().timestamp()
    if cached is not None and cached[1] > clock:
        return cached[0]
    rates = sorted(
        watch_through(completions=completions, impressions=impressions)
        for completions, impressions in VideoStats.objects.filter(impressions__gte=30)
        .order_by("-impressions")
        .values_list("completions", "impressions")[:2000]
    )
    value = rates[len(rates) // 2] if rates else 1 / 3
    _SITE_CACHE["watch_through"] = (value, clock + 600)
    return value


def site_watch_through_forget() -> None:
    """Forget the kept site watch-through (tests and benchmarks, whose databases come and go)."""
    _SITE_CACHE.clear()
